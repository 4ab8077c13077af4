"""The three file formats, written as the tools researchers use write them: twarc2's X API v2 JSON lines,
twarc-csv's CSV export, and Pushshift-style Reddit NDJSON; the damaged records are damaged here. Each
writer returns ground-truth tuples (record, physical line, external id)."""
import csv
import hashlib
import io
import json
import re

from .phrases import X_API
from .text import CASHTAG_RE, HASHTAG_RE, ID_CHARS, MENTION_RE, URL_RE, x_is_long, x_truncate
from .timeline import base36, iso_ms

TWARC_URL = ('https://api.twitter.com/2/tweets/search/all?expansions=author_id%2Creferenced_tweets.id%2C'
             'in_reply_to_user_id&tweet.fields=created_at%2Clang%2Cconversation_id%2Cpublic_metrics%2C'
             'referenced_tweets%2Centities%2Cnote_tweet%2Cedit_history_tweet_ids&user.fields=username%2Cname'
             '&query=%23keep4o+OR+keep4o+OR+%224o%22+lang%3Aall&start_time=2025-08-01T00%3A00%3A00%2B00%3A00'
             '&max_results=100')
TWARC_VERSION = '2.14.0'
TWARC_COLUMNS = X_API.twarc_csv_columns      # twarc-csv's default header, in its order


def compact(o):
    """JSON as `twarc2 flatten` and jq write it: compact, raw UTF-8."""
    return json.dumps(o, ensure_ascii=False, separators=(',', ':'))


def hash_int(s):
    return int(hashlib.sha256(s.encode()).hexdigest()[:12], 16)


# ---- X API v2 objects ------------------------------------------------------------------------------
def x_urls(rng, r):
    """t.co link -> expanded URL, fixed once per tweet (both X files must agree)."""
    if getattr(r, 'urls', None) is None:
        r.urls = {}
        links = URL_RE.findall(r.text)
        for i, u in enumerate(links):
            if r.ref_type == 'quoted' and i == len(links) - 1:
                r.urls[u] = 'https://x.com/%s/status/%s' % (r.parent.user['username'], r.parent.id)
            else:
                tpl = rng.choice(X_API.noise_expanded_urls if r.kind == 'noise' else X_API.expanded_urls)
                if '%u' in tpl:
                    r.urls[u] = tpl.replace('%u', r.user['username'].lower())
                elif '%s' in tpl:
                    r.urls[u] = tpl % ''.join(rng.choice(ID_CHARS) for _ in range(11))
                else:
                    r.urls[u] = tpl
    return r.urls


def display_url(u):
    d = re.sub(r'^https?://(www\.)?', '', u)
    return d if len(d) <= 26 else d[:25] + '…'


def x_entities(text, urls, uid_by_name):
    """Hashtags, mentions, urls and cashtags with code-point offsets into the text."""
    ent = {}
    h = [{'start': m.start(), 'end': m.end(), 'tag': m.group(1)} for m in HASHTAG_RE.finditer(text)]
    if h:
        ent['hashtags'] = h
    ms = []
    for m in MENTION_RE.finditer(text):
        d = {'start': m.start(), 'end': m.end(), 'username': m.group(1)}
        if m.group(1) in uid_by_name:
            d['id'] = uid_by_name[m.group(1)]
        ms.append(d)
    if ms:
        ent['mentions'] = ms
    us = []
    for m in URL_RE.finditer(text):
        exp = urls.get(m.group(0))
        if exp:
            us.append({'start': m.start(), 'end': m.end(), 'url': m.group(0), 'expanded_url': exp,
                       'display_url': display_url(exp)})
    if us:
        ent['urls'] = us
    c = [{'start': m.start(), 'end': m.end(), 'tag': m.group(1)} for m in CASHTAG_RE.finditer(text)]
    if c:
        ent['cashtags'] = c
    return ent


def tweet_obj(rng, r, uid_by_name, bare=False):
    """A tweet as the API returns it; a long post is cut in `text` and whole in `note_tweet`."""
    text = r.text
    note = None
    if r.ref_type != 'retweeted' and x_is_long(text):
        note, text = text, x_truncate(text)
    o = {'id': r.id, 'text': text, 'created_at': iso_ms(r.t), 'lang': r.hint, 'author_id': r.user['id'],
         'conversation_id': r.conv}
    if r.ref_type == 'replied_to':
        o['in_reply_to_user_id'] = r.parent.user['id']
    if r.ref_type:
        o['referenced_tweets'] = [{'type': r.ref_type, 'id': r.parent.id}]
    o['public_metrics'] = dict(r.metrics)
    o['edit_history_tweet_ids'] = list(r.edit_ids)
    ent = x_entities(text, x_urls(rng, r), uid_by_name)
    if ent:
        o['entities'] = ent
    if note is not None:
        o['note_tweet'] = {'text': note}
    if bare:
        o['author'] = {'id': r.user['id'], 'username': r.user['username'], 'name': r.user['name']}
    return o


def user_obj(u):
    return {'id': u['id'], 'username': u['username'], 'name': u['name']}


# ---- twarc2 JSON lines -----------------------------------------------------------------------------
def write_x_jsonl(path, rng, recs, broken, uid_by_name, n_bare=45):
    """Search result pages of 5-50 tweets, then two blocks of single flattened tweets (as if two
    collections had been concatenated) among which the damaged lines hide; the file ends in a line cut off
    mid-JSON. broken: {'page': records damaged inside a page, 'line': records that damage a whole line,
    'last': the cut-off record}."""
    recs = sorted(recs, key=lambda r: (-r.t, r.id))
    bare_idx = set(rng.sample(range(len(recs)), n_bare))
    page_recs = [r for i, r in enumerate(recs) if i not in bare_idx]
    bare_recs = [r for i, r in enumerate(recs) if i in bare_idx]
    pages = []
    i = 0
    while i < len(page_recs):
        n = rng.randint(5, 50)
        pages.append(page_recs[i:i + n])
        i += n
    if len(pages[-1]) < 5 and len(pages) > 1:
        pages[-2].extend(pages.pop())
    for b in broken['page']:
        pg = pages[rng.randrange(len(pages))]
        pg.insert(rng.randrange(len(pg) + 1), b)
    cut = int(len(pages) * 0.6)
    lines = []          # (bytes, [(rec, external_id)])

    def page_line(pg, k):
        data = []
        users = []
        seen = set()
        for r in pg:
            o = tweet_obj(rng, r, uid_by_name)
            if r.broken == 'bad_date':
                o['created_at'] = 'yesterday'
            elif r.broken == 'empty_text':
                o['text'] = ''
                o.pop('entities', None)
            data.append(o)
            for u in [r.user] + ([r.parent.user] if r.parent is not None else []):
                if u['id'] not in seen:
                    seen.add(u['id'])
                    users.append(user_obj(u))
        ids = [int(r.id) for r in pg]
        meta = {'result_count': len(pg), 'newest_id': str(max(ids)), 'oldest_id': str(min(ids))}
        if k < len(pages) - 1:
            meta['next_token'] = 'b26v89c19zqg8o3f' + base36(abs(hash_int(str(min(ids)))))[:12]
        retrieved = '2026-02-21T%02d:%02d:%02d+00:00' % (8 + k // 40, (k * 7) % 60, (k * 13) % 60)
        page = {'data': data, 'includes': {'users': users}, 'meta': meta,
                '__twarc': {'url': TWARC_URL, 'version': TWARC_VERSION, 'retrieved_at': retrieved}}
        return json.dumps(page).encode('utf-8'), [(r, r.id) for r in pg]

    def bare_line(r):
        return compact(tweet_obj(rng, r, uid_by_name, bare=True)).encode('utf-8'), [(r, r.id)]

    for k, pg in enumerate(pages[:cut]):
        lines.append(page_line(pg, k))
    for r in bare_recs[:20]:
        lines.append(bare_line(r))
    for k, pg in enumerate(pages[cut:], start=cut):
        lines.append(page_line(pg, k))
    block = [bare_line(r) for r in bare_recs[20:]]
    for b in broken['line']:
        o = tweet_obj(rng, b, uid_by_name, bare=True)
        if b.broken == 'invalid_json':          # a quote inside the text left unescaped
            s = compact(o).replace('\\"', '"', 2).encode('utf-8')
        elif b.broken == 'invalid_utf8':        # written by a tool that used Latin-1
            s = compact(o).encode('latin-1')
        elif b.broken == 'nul_byte':
            s = compact(o).replace('","created_at"', '\x00","created_at"', 1).encode('utf-8')
        elif b.broken == 'missing_field':
            o.pop('id')
            s = compact(o).encode('utf-8')
        else:
            raise ValueError(b.broken)
        block.insert(rng.randrange(len(block) + 1), (s, [(b, '' if b.broken == 'missing_field' else b.id)]))
    lines.extend(block)
    tr = broken['last']
    s = compact(tweet_obj(rng, tr, uid_by_name, bare=True)).encode('utf-8')
    lines.append((s[:int(len(s) * 0.55)], [(tr, tr.id)]))
    with open(path, 'wb') as f:
        f.write(b'\n'.join(l for l, _ in lines))       # no newline after the cut-off last line
    gt = []
    for n, (_, items) in enumerate(lines, start=1):
        for r, xid in items:
            gt.append((r, n, xid))
    return gt


# ---- twarc-csv -------------------------------------------------------------------------------------
def _b(v):
    return 'True' if v else 'False'


# The columns naming the user a tweet refers to: in_reply_to_user_id, retweeted_user_id, quoted_user_id, ...
_REFERENCED_USER_COLUMN = {'replied_to': 'in_reply_to', 'retweeted': 'retweeted', 'quoted': 'quoted'}


def twarc_row(rng, r, uid_by_name, k):
    """One row in twarc-csv's default columns; the k-th row of the export."""
    src = r.parent if r.ref_type == 'retweeted' else r      # twarc-csv merges retweets
    text = src.text
    urls = x_urls(rng, src)
    ent = x_entities(text, urls, uid_by_name)
    u = r.user
    edited = len(r.edit_ids) > 1
    row = {c: '' for c in TWARC_COLUMNS}
    row.update({
        'id': r.id, 'conversation_id': r.conv, 'author_id': u['id'], 'created_at': iso_ms(r.t),
        'text': text.replace('\r', '').replace('\n', '\\n'), 'lang': r.hint,
        'public_metrics.impression_count': src.metrics['impression_count'],
        'public_metrics.reply_count': src.metrics['reply_count'],
        'public_metrics.retweet_count': src.metrics['retweet_count'],
        'public_metrics.quote_count': src.metrics['quote_count'],
        'public_metrics.like_count': src.metrics['like_count'],
        'reply_settings': 'everyone', 'edit_history_tweet_ids': json.dumps(r.edit_ids),
        'edit_controls.edits_remaining': 4 if edited else 5,
        'edit_controls.editable_until': iso_ms(r.t + 3600),
        'edit_controls.is_edit_eligible': _b(r.ref_type != 'retweeted'),
        'possibly_sensitive': 'False',
        'author.id': u['id'], 'author.created_at': u['created_at'], 'author.username': u['username'],
        'author.name': u['name'], 'author.description': u['description'].replace('\n', '\\n'),
        'author.location': u['location'], 'author.profile_image_url': u['image'], 'author.protected': 'False',
        'author.public_metrics.followers_count': u['followers'],
        'author.public_metrics.following_count': u['following'],
        'author.public_metrics.listed_count': u['listed'], 'author.public_metrics.tweet_count': u['tweets'],
        'author.verified': _b(u['verified']),
        '__twarc.retrieved_at': '2026-02-21T11:%02d:%02d+00:00' % (k // 100, (k * 3) % 60),
        '__twarc.url': TWARC_URL, '__twarc.version': TWARC_VERSION,
    })
    if 'hashtags' in ent:
        row['entities.hashtags'] = json.dumps(['#' + h['tag'] for h in ent['hashtags']])
    if 'mentions' in ent:
        row['entities.mentions'] = json.dumps(['@' + m['username'] for m in ent['mentions']])
    if 'urls' in ent:
        row['entities.urls'] = json.dumps([x['expanded_url'] for x in ent['urls']])
    if 'cashtags' in ent:
        row['entities.cashtags'] = json.dumps(['$' + c['tag'] for c in ent['cashtags']])
    bio_tags = HASHTAG_RE.findall(u['description'])
    if bio_tags:
        row['author.entities.description.hashtags'] = json.dumps(['#' + t for t in bio_tags])
    if r.ref_type:
        whose = _REFERENCED_USER_COLUMN[r.ref_type]
        row['referenced_tweets.%s.id' % r.ref_type] = r.parent.id
        row[whose + '_user_id'] = r.parent.user['id']
        row[whose + '_username'] = r.parent.user['username']
    return [str(row[c]) for c in TWARC_COLUMNS]


def write_x_csv(path, rng, recs, broken, uid_by_name):
    """Newest first, with the damaged records (`broken`) at random places."""
    recs = sorted(recs, key=lambda r: (-r.t, r.id))
    for b in broken:
        recs.insert(rng.randrange(len(recs) + 1), b)
    buf = io.StringIO()
    w = csv.writer(buf, quoting=csv.QUOTE_MINIMAL, lineterminator='\n')
    w.writerow(TWARC_COLUMNS)
    gt = []
    for k, r in enumerate(recs):
        row = twarc_row(rng, r, uid_by_name, k)
        if r.broken == 'bad_date':
            row[TWARC_COLUMNS.index('created_at')] = '2025-08-09T25:61:00.000Z'
        elif r.broken == 'wrong_column_count':
            row = row[:TWARC_COLUMNS.index('edit_history_tweet_ids')]      # export cut short
        w.writerow(row)
        gt.append((r, k + 2, r.id))
    with open(path, 'w', encoding='utf-8', newline='') as f:
        f.write(buf.getvalue())
    return gt


# ---- Pushshift NDJSON ------------------------------------------------------------------------------
def reddit_obj(r):
    if r.created_repr == 'int':
        cu = r.t
    elif r.created_repr == 'float':
        cu = float(r.t)
    else:
        cu = str(r.t)
    author = r.user['name']
    if r.rtype == 'sub':
        return {'id': r.id, 'title': r.title, 'selftext': r.text, 'created_utc': cu, 'author': author,
                'subreddit': r.subreddit, 'score': r.score, 'num_comments': r.num_comments,
                'permalink': '/r/%s/comments/%s/%s/' % (r.subreddit, r.id, r.slug), 'url': r.url}
    parent = ('t3_' if r.parent.rtype == 'sub' else 't1_') + r.parent.id
    o = {'id': r.id, 'body': r.text, 'created_utc': cu, 'author': author, 'subreddit': r.subreddit,
         'link_id': 't3_' + r.link.id, 'parent_id': parent, 'score': r.score,
         'permalink': '/r/%s/comments/%s/%s/%s/' % (r.subreddit, r.link.id, r.link.slug, r.id)}
    if r.broken == 'missing_field':
        del o['body']
    elif r.broken == 'bad_date':
        o['created_utc'] = 'not-a-date'
    return o


def write_reddit(path, recs):
    """Oldest first, a BOM at the start and CRLF line ends (a dump made on Windows)."""
    recs = sorted(recs, key=lambda r: (r.t, r.rtype != 'sub', r.id))
    lines = [compact(reddit_obj(r)) for r in recs]
    with open(path, 'wb') as f:
        f.write(('\ufeff' + '\r\n'.join(lines) + '\r\n').encode('utf-8'))
    return [(r, i + 1, ('t3_' if r.rtype == 'sub' else 't1_') + r.id) for i, r in enumerate(recs)]
