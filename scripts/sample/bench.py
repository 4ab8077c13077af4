"""The benchmark file: many X API v2 tweets, fast (1,000,000 in well under a minute of CPU).

Composing and checking every post as the sample does would take hours, so posts are composed once into
pools (per stretch of time and language) and drawn from them; timestamps increase along the file; copies
are planted by queueing them a random distance after their source; the ground truth is written alongside.
Same fragments, language, kind and category mix as the sample; differences are listed in the sample's
README ("Benchmark file")."""
import heapq
import json
import math
import os
import random
import re
import sys
from bisect import bisect_right

from .codebook import GT_HEADER, cats_tuple, merge_cats
from .composer import Composer
from .copies import generic_variant, template_canonical, template_variant
from .draws import cumulative, quota
from .phrases import CAMPAIGNS, POSTS, X_API
from .text import x_is_long, x_truncate, x_weighted_len
from .timeline import (T_FEB, T_GPT51, T_GPT52, T_RETIRE, T_TAIL, TWITTER_EPOCH_MS, hour_table, iso_ms,
                       ts)
from .users import Users
from .writers import compact, user_obj
from .x_posts import NOISE_LANG_W, SHORT_LANG_W

F_BENCH, F_BENCH_TRUTH = 'x_v2_bench.jsonl', 'x_v2_bench.truth.csv'
# Stretches of time with their own pool of posts (eras, and the successor's name changing), each with
# the moment its posts are composed for.
BENCH_BUCKETS = [('aug', ts(2025, 8, 10)), ('tail5', ts(2025, 10, 1)), ('tail51', ts(2025, 11, 20)),
                 ('tail52', ts(2026, 1, 5)), ('pre13', ts(2026, 2, 3)), ('post13', ts(2026, 2, 16))]
# The sample's overall language mix (X and Reddit together), for X-only benchmark data.
BENCH_LANG_W = [('en', 0.55), ('zh-Hans', 0.097), ('zh-Hant', 0.022), ('ja', 0.117), ('ko', 0.034), ('es', 0.036),
                ('fr', 0.031), ('de', 0.031), ('pt', 0.03), ('mixed', 0.025)]
BROKEN_KINDS = ('invalid_json', 'invalid_utf8', 'nul_byte', 'missing_field', 'bad_date', 'empty_text')


def bench_bucket(t):
    if t < T_TAIL:
        return 0
    if t < T_GPT51:
        return 1
    if t < T_GPT52:
        return 2
    if t < T_FEB:
        return 3
    return 4 if t < T_RETIRE else 5


def _json_text(text):
    return json.dumps(text, ensure_ascii=False)


def _pooled_posts(rng, comp, n):
    """Posts composed once and drawn many times: originals per time bucket and language as
    (text, lang, cats, json text, weighted length); short, noise and emoji-only posts as
    (text, lang, cats, kind, json text)."""
    pools = []
    per = max(300, min(4000, n // 60))
    for name, t in BENCH_BUCKETS:
        by_lang = {}
        for lang, w in BENCH_LANG_W:
            k = max(40, int(per * w / 0.43))
            lst = []
            for _ in range(k):
                c = comp.mixed(t)[0] if lang == 'mixed' else comp.post(lang, t, 'x', long_form=rng.random() < 0.06)
                lst.append((c.text, lang, ';'.join(c.cats), _json_text(c.text), x_weighted_len(c.text)))
            by_lang[lang] = lst
        pools.append(by_lang)
    shorts = []
    for lang in quota(rng, SHORT_LANG_W, 600):
        c = comp.short(lang, T_FEB + 86400 * 3)
        shorts.append((c.text, lang, ';'.join(c.cats), 'short'))
    noises = []
    for lang in quota(rng, NOISE_LANG_W, 1500):
        c = comp.noise(lang, T_FEB)
        noises.append((c.text, lang, '', 'noise'))
    emojis = [(e, 'und', '', 'emoji_only') for e in POSTS.emoji['whole_post']]

    def with_json(posts):
        return [x + (_json_text(x[0]),) for x in posts]
    return pools, with_json(shorts), with_json(noises), with_json(emojis)


def _metrics_table(rng):
    """4096 public_metrics objects, drawn from for every tweet (cheaper than drawing five numbers each)."""
    metrics = []
    for _ in range(4096):
        likes = int(math.exp(rng.gauss(1.6, 1.6)))
        metrics.append('{"retweet_count":%d,"reply_count":%d,"like_count":%d,"quote_count":%d,'
                       '"impression_count":%d}'
                       % (int(likes * rng.uniform(0.02, 0.3)), int(likes * rng.uniform(0.01, 0.15)), likes,
                          int(likes * rng.uniform(0, 0.04)), likes * rng.randint(15, 120) + rng.randint(8, 600)))
    return metrics


def bench_hint(rng, lang, kind):
    """X's `lang` label, as x_posts.x_hint but cheaper."""
    if kind == 'emoji_only':
        return rng.choice(X_API.emoji_only_hints)
    if lang == 'mixed':
        return rng.choice(X_API.mixed_hints)
    if rng.random() < (0.2 if kind == 'short' else 0.07):
        return rng.choice(X_API.wrong_lang_hints.get(lang, ['und']))
    return X_API.lang_hint[lang]


def source_role(r, text):
    """What an original post becomes the source of, for a uniform draw r: a campaign (near copies; the
    first ten are the hand-written templates), copypasta, retweets, an echo reply, or nothing."""
    if r < 0.0035 and len(text) >= 40:
        return 'template'
    if r < 0.0035 + 0.0126:
        return 'exact'
    if r < 0.0035 + 0.0126 + 0.0215:
        return 'repost'
    if r < 0.0035 + 0.0126 + 0.0215 + 0.0135:
        return 'echo'
    return None


def damage(line, why):
    """A bare tweet line damaged as `why` says (an ingest reject code)."""
    if why == 'invalid_json':
        return line[:-1]
    if why == 'invalid_utf8':            # two bytes that are not UTF-8 (written through surrogateescape)
        return line.replace('","created_at"', '\udcff\udcfe","created_at"', 1)
    if why == 'nul_byte':
        return line.replace('","created_at"', '\x00","created_at"', 1)
    if why == 'missing_field':           # the id is the first field
        return '{' + line[line.index(',') + 1:]
    if why == 'bad_date':
        return re.sub(r'"created_at":"[^"]*"', '"created_at":"yesterday"', line, count=1)
    return re.sub(r'"text":"(?:[^"\\]|\\.)*"', '"text":""', line, count=1)


def generate_bench(out, seed, n, broken_rate=0.0):
    """Writes n tweets to out/x_v2_bench.jsonl and their ground truth to out/x_v2_bench.truth.csv."""
    rng = random.Random(seed)
    comp = Composer(rng)
    users = Users(rng, n_x=20000, n_reddit=10)
    os.makedirs(out, exist_ok=True)
    # ---- authors, as JSON pieces
    for lang, pool in users.x.items():
        for u in pool:
            u['json'] = compact(user_obj(u))
    # ---- what tweets are made of
    pools, shorts, noises, emojis = _pooled_posts(rng, comp, n)
    metrics = _metrics_table(rng)
    zero_metrics = '{"retweet_count":%d,"reply_count":0,"like_count":0,"quote_count":0,"impression_count":0}'
    suffixes = POSTS.bench_suffixes
    suffix_json = [json.dumps(' ' + x, ensure_ascii=False)[1:] for x in suffixes]
    suffix_weighted_len = [x_weighted_len(' ' + x) for x in suffixes]
    lang_names = [l for l, _ in BENCH_LANG_W]
    lang_cum = cumulative(w for _, w in BENCH_LANG_W)
    lang_total = lang_cum[-1]
    upools = {}
    for lang, pool in users.x.items():
        upools[lang] = (pool, users.x_cum[lang], users.x_cum[lang][-1])
    # monotone timestamps: stratified draws through the inverse CDF of the hourly table
    hours, cum, total = hour_table()
    hp = 0                                     # the hour the last tweet fell in
    hour_cache = [-1, '']                      # that hour and its ISO text
    # ---- planted copies wait in a heap keyed by the tweet number at which they are due
    heap = []
    seq = 0
    n_cluster = 0
    tpl_queue = list(CAMPAIGNS.templates)
    delay = max(20, min(4000, n // 250))       # mean distance (in tweets) from a source to its copies
    stop_sources = n - 12 * delay
    rnd = rng.random                           # local names: this loop runs a million times
    dumps = json.dumps

    def text_piece(text):
        """'"text":...,' and the note_tweet part."""
        if x_is_long(text):
            got = ('"text":%s,' % dumps(x_truncate(text), ensure_ascii=False),
                   ',"note_tweet":{"text":%s}' % dumps(text, ensure_ascii=False))
        else:
            got = ('"text":%s,' % dumps(text, ensure_ascii=False), '')
        return got

    def pick(lang, exclude=()):
        """An author by activity (one retry to avoid `exclude`: cheaper than Users.pick_x)."""
        if lang not in upools:
            lang = 'en' if lang != 'mixed' else rng.choice(('en', 'en', 'ja', 'ja', 'zh-Hans'))
        pool, cum_, tot = upools[lang]
        u = pool[min(len(pool) - 1, bisect_right(cum_, rnd() * tot))]
        if u['id'] in exclude:
            u = pool[min(len(pool) - 1, bisect_right(cum_, rnd() * tot))]
        return u

    def due(i, mean):
        """The tweet number at which a copy of tweet i appears: a random distance on, before the end."""
        d = i + 1 + int(rng.expovariate(1.0 / mean))
        return d if d < n - 4 * delay else n - 1 - int(rnd() * 4 * delay)

    def queue(at, spec):
        nonlocal seq
        seq += 1
        heapq.heappush(heap, (at, seq, spec))

    def make_tweet(i):
        """Returns (json string without author, author json, truth tail, tweet id)."""
        nonlocal n_cluster, hp
        u_ = (i + rnd()) / n * total
        while cum[hp] < u_ and hp < len(cum) - 1:
            hp += 1
        a, b = hours[hp]
        prev = cum[hp - 1] if hp else 0.0
        t = a + int((b - a) * min(0.999, max(0.0, (u_ - prev) / max(1e-12, cum[hp] - prev))))
        ms = t * 1000 + int(rnd() * 1000)
        # the low 12 bits carry the tweet number: ids are unique (no 4096 tweets share a millisecond)
        # without a set of the used ones
        tid = str(((ms - TWITTER_EPOCH_MS) << 22) | (rng.getrandbits(10) << 12) | (i & 4095))
        refs = ''
        reply_to = ''
        cluster = canonical = ''
        if heap and heap[0][0] <= i:
            # ---- a planted copy that is due
            _, _, spec = heapq.heappop(heap)
            kind, src = spec[0], spec[1]
            lang, cats, cluster, canonical = src['lang'], src['cats'], src['cluster'], src['id']
            if kind == 'near_copy':
                tp, note, extra = spec[2]
                if extra:
                    cats = ';'.join(merge_cats(tuple(cats.split(';')) if cats else (), *extra))
            elif kind == 'exact_copy':
                tp, note = src['tp'], src['note']
            elif kind == 'repost':
                full = 'RT @' + src['user']['username'] + ': ' + src['text']
                full = full if len(full) <= 140 else full[:139].rstrip() + '…'
                tp, note = '"text":%s,' % dumps(full, ensure_ascii=False), ''
                refs = ',"referenced_tweets":[{"type":"retweeted","id":"%s"}]' % src['id']
            else:                          # reply_echo
                tp, note = text_piece('@' + src['user']['username'] + ' ' + src['text'])
                refs = ',"referenced_tweets":[{"type":"replied_to","id":"%s"}]' % src['id']
                reply_to = '"in_reply_to_user_id":"%s",' % src['user']['id']
            user = pick(lang, exclude=(src['user']['id'],))
            h = src['hint']
            conv = src['id'] if kind == 'reply_echo' else tid
            m = zero_metrics % 0 if kind == 'repost' else metrics[int(rnd() * 4096)]
        else:
            # ---- a post from the pools: noise, short, emoji-only or an original (half with a suffix)
            r = rnd()
            note = ''
            if r < 0.0776:
                text, lang, cats, kind, tj = noises[int(rnd() * len(noises))]
                tp = '"text":' + tj + ','
            elif r < 0.1253:
                text, lang, cats, kind, tj = shorts[int(rnd() * len(shorts))]
                tp = '"text":' + tj + ','
            elif r < 0.1373:
                text, lang, cats, kind, tj = emojis[int(rnd() * len(emojis))]
                tp = '"text":' + tj + ','
            else:
                kind = 'original'
                lang = lang_names[bisect_right(lang_cum, rnd() * lang_total)]
                pl = pools[bench_bucket(t)][lang]
                text, lang, cats, tj, wl = pl[int(rnd() * len(pl))]
                if rnd() < 0.5:
                    k = int(rnd() * len(suffixes))
                    text = text + ' ' + suffixes[k]
                    tj = tj[:-1] + suffix_json[k]
                    wl += suffix_weighted_len[k]
                if wl > 280:
                    tp, note = text_piece(text)
                else:
                    tp = '"text":' + tj + ','
            user = pick(lang)
            h = bench_hint(rng, lang, kind)
            conv = tid
            m = metrics[int(rnd() * 4096)]
            role = source_role(rnd(), text) if kind == 'original' and i < stop_sources else None
            if role:
                # ---- this post is a source: queue its copies
                n_cluster += 1
                src = {'id': tid, 'lang': lang, 'cats': cats, 'cluster': 'b%07d' % n_cluster, 'tp': tp,
                       'note': note, 'text': text, 'user': user, 'hint': h}
                cluster, canonical = src['cluster'], tid
                if role == 'template':
                    if tpl_queue:          # the source becomes the template's canonical text
                        tpl = tpl_queue.pop(0)
                        text = template_canonical(tpl)
                        lang, cats = tpl['lang'], ';'.join(cats_tuple(tpl['tags']))
                        tp, note = text_piece(text)
                        h = X_API.lang_hint[lang]
                        src.update(lang=lang, cats=cats, text=text, tp=tp, note=note, hint=h)
                        variants = [template_variant(rng, tpl, t) for _ in range(rng.randint(10, 60))]
                        variants = [(v, [c]) for v, c in variants]
                    else:
                        variants = [generic_variant(rng, text, lang) for _ in range(rng.randint(10, 60))]
                    for v, extra in variants:
                        queue(due(i, delay), ('near_copy', src, text_piece(v) + (extra,)))
                elif role == 'exact':
                    for _ in range(rng.choice((1, 1, 2, 2, 3, 4, 5))):
                        queue(due(i, delay * 0.75), ('exact_copy', src))
                elif role == 'repost':
                    for _ in range(rng.randint(1, 5)):
                        queue(due(i, delay * 0.4), ('repost', src))
                else:
                    queue(due(i, delay * 0.4), ('reply_echo', src))
        hour = t - t % 3600
        if hour != hour_cache[0]:
            hour_cache[0], hour_cache[1] = hour, iso_ms(hour)[:14]
        created = '%s%02d:%02d.000Z' % (hour_cache[1], (t % 3600) // 60, t % 60)
        body = '{"id":"%s",%s"created_at":"%s","lang":"%s","author_id":"%s","conversation_id":"%s",%s' \
               '"public_metrics":%s,"edit_history_tweet_ids":["%s"]%s%s' % (
                   tid, tp, created, h, user['id'], conv, reply_to, m, tid, refs, note)
        return body, user, '%s,%s,%s,%s,%s,' % (lang, kind, cluster, canonical, cats), tid

    # ---- lines: about 10% are pages of 2-20 tweets, the rest bare tweets (a share damaged on request)
    tf = open(os.path.join(out, F_BENCH_TRUTH), 'w', encoding='utf-8')
    tf.write(','.join(GT_HEADER) + '\n')
    f = open(os.path.join(out, F_BENCH), 'wb')
    buf, tbuf = [], []
    line_no = 0
    i = 0
    while i < n:
        line_no += 1
        if rnd() < 0.1 and n - i >= 2:
            k = min(n - i, rng.randint(2, 20))
            data, us, seen, ids = [], [], set(), []
            for _ in range(k):
                body, user, tail, tid = make_tweet(i)
                data.append(body + '}')
                ids.append(int(tid))
                if user['id'] not in seen:
                    seen.add(user['id'])
                    us.append(user['json'])
                tbuf.append('x,%s,%s,%d,%s' % (tid, F_BENCH, line_no, tail))
                i += 1
            buf.append('{"data":[%s],"includes":{"users":[%s]},"meta":{"result_count":%d,"newest_id":"%d",'
                       '"oldest_id":"%d"}}' % (','.join(data), ','.join(us), k, max(ids), min(ids)))
        else:
            body, user, tail, tid = make_tweet(i)
            line = body + ',"author":' + user['json'] + '}'
            if broken_rate and rnd() < broken_rate:
                why = rng.choice(BROKEN_KINDS)
                line = damage(line, why)
                lang_ = tail.split(',')[0]
                tail = '%s,broken,,,,' % lang_
                tbuf.append('x,%s,%s,%d,%s%s' % ('' if why == 'missing_field' else tid, F_BENCH, line_no, tail, why))
            else:
                tbuf.append('x,%s,%s,%d,%s' % (tid, F_BENCH, line_no, tail))
            buf.append(line)
            i += 1
        if len(buf) >= 20000:
            f.write(('\n'.join(buf) + '\n').encode('utf-8', 'surrogateescape'))
            tf.write('\n'.join(tbuf) + '\n')
            buf, tbuf = [], []
    if buf:
        f.write(('\n'.join(buf) + '\n').encode('utf-8', 'surrogateescape'))
        tf.write('\n'.join(tbuf) + '\n')
    f.close()
    tf.close()
    if heap:
        print('note: %d planted copies fell past the end and were not written' % len(heap), file=sys.stderr)
