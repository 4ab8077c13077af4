#!/usr/bin/env python3
"""Check the generated sample study against its ground truth (standard library only).

    python3 scripts/check_sample.py                    # checks data/sample, regenerates twice
    python3 scripts/check_sample.py --dir /tmp/s --no-regen

Asserts that every record of the three source files has exactly one ground-truth row at the right
line, that valid lines parse and the planted broken ones do not, that CSV rows have the header's
column count (except the planted one), that the ground truth obeys the codebook rules, and that the
generator is deterministic (two runs, same seed, same sha256; and equal to the files in --dir).
Prints per-language, per-kind and per-category tables.
"""
import argparse
import csv
import hashlib
import json
import os
import re
import subprocess
import sys
import tempfile
from collections import Counter, defaultdict

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import sample as G  # noqa: E402  (the generator package: scripts/sample/)

FAIL = []


def check(cond, msg):
    if not cond:
        FAIL.append(msg)
        print('FAIL:', msg)


def snowflake_seconds(i):
    return ((int(i) >> 22) + G.TWITTER_EPOCH_MS) // 1000


def iso_to_unix(s):
    m = re.fullmatch(r'(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)\.000Z', s)
    if not m:
        return None
    y, mo, d, h, mi, se = map(int, m.groups())
    if not (1 <= mo <= 12 and 1 <= d <= 31 and h < 24 and mi < 60 and se < 60):
        return None
    return G.ts(y, mo, d, h, mi, se)


def load_gt(d):
    with open(os.path.join(d, 'ground_truth.csv'), encoding='utf-8', newline='') as f:
        r = csv.reader(f)
        header = next(r)
        check(header == G.GT_HEADER, 'ground_truth header')
        return [row for row in r]


def check_jsonl(d, gt, texts, times):
    path = os.path.join(d, G.F_JSONL)
    raw = open(path, 'rb').read()
    lines = raw.split(b'\n')
    check(not raw.endswith(b'\n'), 'JSONL: last line is cut off without a newline')
    by_line = defaultdict(list)
    for row in gt:
        if row[2] == G.F_JSONL:
            by_line[int(row[3])].append(row)
    check(sorted(by_line) == list(range(1, len(lines) + 1)), 'JSONL: every line has ground-truth rows')
    n_records = 0
    pages = bare = 0
    for no, line in enumerate(lines, start=1):
        rows = by_line[no]
        reasons = [r[9] for r in rows if r[5] == 'broken']
        try:
            s = line.decode('utf-8')
            if '\x00' in s:
                raise ValueError('nul')
            o = json.loads(s)
        except Exception:
            check(len(rows) == 1 and reasons and reasons[0] in
                  ('invalid_json', 'invalid_utf8', 'nul_byte', 'truncated'),
                  'JSONL line %d does not parse and is not a planted broken line' % no)
            n_records += 1
            continue
        tweets = o['data'] if 'data' in o else [o]
        if 'data' in o:
            pages += 1
            check(o['meta']['result_count'] == len(tweets), 'JSONL line %d: result_count' % no)
            check(5 <= len(tweets) <= 52, 'JSONL line %d: page size %d' % (no, len(tweets)))
        else:
            bare += 1
            check('author' in o or 'id' not in o, 'JSONL line %d: bare tweet has inline author' % no)
        check(len(tweets) == len(rows), 'JSONL line %d: %d tweets but %d ground-truth rows' % (no, len(tweets), len(rows)))
        n_records += len(tweets)
        for t, row in zip(tweets, rows):
            check(t.get('id', '') == row[1], 'JSONL line %d: id order %s vs %s' % (no, t.get('id'), row[1]))
            if row[5] == 'broken':
                if row[9] == 'bad_date':
                    check(iso_to_unix(t['created_at']) is None, 'JSONL bad_date tweet has a parsable date')
                elif row[9] == 'empty_text':
                    check(t['text'] == '', 'JSONL empty_text tweet has text')
                elif row[9] == 'missing_field':
                    check('id' not in t, 'JSONL missing_field tweet has an id')
                continue
            ts = iso_to_unix(t['created_at'])
            check(ts is not None and snowflake_seconds(t['id']) == ts,
                  'JSONL tweet %s: snowflake and created_at disagree' % t['id'])
            full = t['note_tweet']['text'] if 'note_tweet' in t else t['text']
            if 'note_tweet' in t:
                check(t['text'].endswith('…') and G.x_weighted_len(full) > 280, 'note_tweet %s' % t['id'])
            else:
                check(G.x_weighted_len(t['text']) <= 280 or t['text'].startswith('RT @'),
                      'long tweet %s without note_tweet' % t['id'])
            texts[(row[2], row[1])] = full
            times[row[1]] = ts
    check(pages > bare, 'JSONL: most lines are pages (%d pages, %d bare)' % (pages, bare))
    return n_records, len(lines), pages, bare


def check_csv(d, gt, texts, times):
    path = os.path.join(d, G.F_CSV)
    raw = open(path, 'rb').read()
    check(not raw.startswith(b'\xef\xbb\xbf'), 'CSV has no BOM')
    check(b'\r' not in raw, 'CSV has no CR')
    rows_gt = [r for r in gt if r[2] == G.F_CSV]
    with open(path, encoding='utf-8', newline='') as f:
        rd = csv.reader(f)
        header = next(rd)
        check(header == G.TWARC_COLUMNS, 'CSV header equals twarc-csv default columns')
        recs = []
        while True:
            start = rd.line_num + 1
            try:
                row = next(rd)
            except StopIteration:
                break
            recs.append((start, row))
    check(len(recs) == len(rows_gt), 'CSV: %d rows vs %d ground-truth rows' % (len(recs), len(rows_gt)))
    ci = {c: i for i, c in enumerate(header)}
    for (start, row), g in zip(recs, rows_gt):
        check(start == int(g[3]), 'CSV line %d vs ground truth %s' % (start, g[3]))
        check(row[0] == g[1], 'CSV id %s vs %s' % (row[0], g[1]))
        if g[9] == 'wrong_column_count':
            check(len(row) != len(header), 'CSV planted short row has the full column count')
            continue
        check(len(row) == len(header), 'CSV line %d has %d columns' % (start, len(row)))
        ts = iso_to_unix(row[ci['created_at']])
        if g[9] == 'bad_date':
            check(ts is None, 'CSV bad_date row has a valid date')
            continue
        check(ts is not None and snowflake_seconds(row[0]) == ts, 'CSV %s: snowflake/created_at' % row[0])
        check('\n' not in row[ci['text']], 'CSV text has a raw newline')
        text = row[ci['text']].replace('\\n', '\n')
        if not row[ci['referenced_tweets.retweeted.id']]:
            texts[(g[2], g[1])] = text
        times[row[0]] = ts
    return len(recs)


def check_reddit(d, gt, texts, times):
    path = os.path.join(d, G.F_REDDIT)
    raw = open(path, 'rb').read()
    check(raw.startswith(b'\xef\xbb\xbf'), 'Reddit: BOM at start')
    check(raw.endswith(b'\r\n'), 'Reddit: CRLF at end')
    body = raw[3:].decode('utf-8')
    lines = body.split('\r\n')[:-1]
    check(all('\n' not in l for l in lines), 'Reddit: only CRLF line ends')
    rows_gt = [r for r in gt if r[2] == G.F_REDDIT]
    check(len(lines) == len(rows_gt), 'Reddit: %d lines vs %d rows' % (len(lines), len(rows_gt)))
    for no, (line, g) in enumerate(zip(lines, rows_gt), start=1):
        check(int(g[3]) == no, 'Reddit line number %s vs %d' % (g[3], no))
        o = json.loads(line)          # every Reddit line is valid JSON, even the broken records
        full = ('t3_' if 'title' in o else 't1_') + o['id']
        check(full == g[1], 'Reddit id %s vs %s' % (full, g[1]))
        cu = o['created_utc']
        if g[9] == 'bad_date':
            check(not re.fullmatch(r'\d+(\.\d+)?', str(cu)), 'Reddit bad_date is a number')
            continue
        if g[9] == 'missing_field':
            check(not any(k in o for k in ('body', 'title', 'selftext')), 'Reddit missing_field has text')
            continue
        if g[9] == 'removed':
            check(o.get('body') in ('[removed]', '[deleted]'), 'Reddit removed body')
            continue
        check(re.fullmatch(r'\d+(\.0)?', str(cu)) is not None, 'Reddit created_utc %r' % cu)
        text = o['title'] + ('\n\n' + o['selftext'] if o.get('selftext') not in ('', '[removed]', None) else '') \
            if 'title' in o else o['body']
        texts[(g[2], g[1])] = text
        times[g[1]] = int(float(cu))
    return len(lines)


def check_gt(gt, texts, times):
    clusters = defaultdict(list)
    for r in gt:
        check(r[0] in ('x', 'reddit'), 'platform %s' % r[0])
        check(r[4] in G.LANGS, 'lang %s' % r[4])
        check(r[5] in G.KINDS, 'kind %s' % r[5])
        cats = [c for c in r[8].split(';') if c]
        check(all(c in G.CATS for c in cats), 'categories %s' % r[8])
        check(cats == [c for c in G.CATS if c in cats], 'categories in codebook order: %s' % r[8])
        if cats:
            check('relevant' in cats, 'categories without relevant: %s' % r[8])
        if 'companion' in cats:
            check('relational_attachment' in cats, 'companion without relational_attachment')
        check((r[5] == 'broken') == bool(r[9]), 'broken_reason only on broken rows')
        if r[5] in ('noise', 'emoji_only'):
            check(not cats, '%s with categories' % r[5])
        key = (r[2], r[1])
        if r[5] != 'broken' and key in texts:
            check(texts[key].strip() != '', 'record %s has no text' % r[1])
        if r[5] == 'short' and key in texts:
            check(len(texts[key]) < 30, 'short post of %d chars' % len(texts[key]))
        if r[5] == 'emoji_only' and key in texts:
            check(not re.search(r'\w', texts[key]), 'emoji-only post with letters')
        if r[6]:
            clusters[r[6]].append(r)
        else:
            check(r[7] == '', 'canonical without cluster')
    for cid, members in clusters.items():
        canon = {m[7] for m in members}
        check(len(canon) == 1, 'cluster %s has several canonicals' % cid)
        ids = {m[1] for m in members}
        if not cid.startswith('decoy-'):
            check(len(ids) >= 2, 'cluster %s has one post' % cid)
        c = members[0][7]
        known = [times[m[1]] for m in members if m[1] in times]
        if c in times and known:
            check(times[c] == min(known), 'cluster %s: canonical is not the earliest' % cid)
    # near copies against their canonical text
    js = []
    for cid, members in clusters.items():
        if not cid.startswith('tpl-'):
            continue
        c = members[0][7]
        ctext = next((texts[(m[2], m[1])] for m in members if m[1] == c and (m[2], m[1]) in texts), None)
        for m in members:
            if m[5] == 'near_copy' and (m[2], m[1]) in texts and ctext:
                js.append(G.jaccard(texts[(m[2], m[1])], ctext))
    inside = sum(1 for j in js if 0.6 <= j <= 0.95)
    check(js and inside / len(js) >= 0.8, 'near copies: %d of %d within Jaccard 0.6-0.95' % (inside, len(js)))
    # an exact copy has the same text as another member of its cluster (its source)
    for cid, members in clusters.items():
        for m in members:
            t = texts.get((m[2], m[1]))
            if m[5] != 'exact_copy' or t is None:
                continue
            others = [texts.get((o[2], o[1])) for o in members if o[1] != m[1]]
            check(t in others, 'exact copy %s has no identical post in %s' % (m[1], cid))
    # no near-duplicates the ground truth does not know about: every pair of posts with 30+ normalised
    # characters and 5-shingle Jaccard >= 0.6 is in one cluster (reposts excluded: their text is cut)
    items, seen = [], set()
    for r in gt:
        key = (r[2], r[1])
        if key in texts and r[5] != 'repost' and r[1] not in seen:
            seen.add(r[1])
            t = G.norm_text(texts[key])
            if len(t) >= 30:
                items.append((r, G.shingles(t)))
    df = Counter(x for _, sh in items for x in sh)
    index = defaultdict(list)
    unlabelled = []
    for i, (r, sh) in enumerate(items):
        order = sorted(sh, key=lambda x: (df[x], x))
        plen = len(order) - int(-(-0.6 * len(order) // 1)) + 1
        cands = set()
        for x in order[:plen]:
            cands.update(index[x])
        for j in sorted(cands):
            r2, o = items[j]
            if len(sh & o) >= 0.6 * len(sh | o) and not (r[6] and r[6] == r2[6]):
                unlabelled.append((r[1], r2[1], r[6], r2[6]))
        for x in order[:plen]:
            index[x].append(i)
    check(not unlabelled, '%d near-duplicate pairs are not in one cluster, e.g. %s' % (len(unlabelled), unlabelled[:3]))
    # decoys stay below the near-copy range of every template
    canon = [texts.get((m[2], m[1])) for cid, ms in clusters.items() if cid.startswith('tpl-')
             for m in ms if m[1] == m[7]]
    for cid, ms in clusters.items():
        if cid.startswith('decoy-'):
            t = texts.get((ms[0][2], ms[0][1]))
            if t:
                jm = max(G.jaccard(t, c) for c in canon if c)
                check(jm < 0.6, 'decoy %s is a near copy of a template (%.2f)' % (cid, jm))
    return js, clusters


def sha_dir(d):
    out = {}
    for name in sorted(os.listdir(d)):
        with open(os.path.join(d, name), 'rb') as f:
            out[name] = hashlib.sha256(f.read()).hexdigest()
    return out


def table(title, counter, total, order=None):
    print('\n%s' % title)
    print('  %-26s %7s %7s' % ('', 'rows', 'share'))
    keys = order or [k for k, _ in counter.most_common()]
    for k in keys:
        if counter.get(k):
            print('  %-26s %7d %6.1f%%' % (k, counter[k], 100.0 * counter[k] / total))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--dir', default=os.path.join(HERE, '..', 'data', 'sample'))
    ap.add_argument('--seed', type=int, default=4242)
    ap.add_argument('--no-regen', action='store_true', help='skip the determinism check')
    a = ap.parse_args()
    d = os.path.abspath(a.dir)
    gt = load_gt(d)
    texts, times = {}, {}
    nj, lj, pages, bare = check_jsonl(d, gt, texts, times)
    nc = check_csv(d, gt, texts, times)
    nr = check_reddit(d, gt, texts, times)
    js, clusters = check_gt(gt, texts, times)
    files = Counter(r[2] for r in gt)
    check(files[G.F_JSONL] == nj and files[G.F_CSV] == nc and files[G.F_REDDIT] == nr, 'record counts per file')
    readable = [r for r in gt if r[5] != 'broken']
    check(len(readable) >= 3000, 'at least 3000 readable posts (%d)' % len(readable))
    print('files: %s %d records on %d lines (%d pages, %d bare); %s %d rows; %s %d records'
          % (G.F_JSONL, nj, lj, pages, lj - pages, G.F_CSV, nc, G.F_REDDIT, nr))
    print('ground truth: %d rows, %d readable, %d broken, %d clusters' % (len(gt), len(readable),
                                                                          len(gt) - len(readable), len(clusters)))
    if js:
        js.sort()
        print('near copies vs template (5-char shingle Jaccard): n=%d min %.2f median %.2f max %.2f, %d in 0.6-0.95'
              % (len(js), js[0], js[len(js) // 2], js[-1], sum(1 for j in js if 0.6 <= j <= 0.95)))
    n = len(gt)
    table('per language (all rows)', Counter(r[4] for r in gt), n, G.LANGS)
    table('per kind (all rows)', Counter(r[5] for r in gt), n, G.KINDS)
    rel = [r for r in readable if 'relevant' in r[8].split(';')]
    table('per category (share of %d readable relevant rows)' % len(rel),
          Counter(c for r in rel for c in r[8].split(';')), len(rel), G.CATS)
    orig = [r for r in rel if r[5] == 'original']
    table('per category, originals only (%d)' % len(orig), Counter(c for r in orig for c in r[8].split(';')),
          len(orig), G.CATS)
    print('\nper file: %s' % dict(files))
    if not a.no_regen:
        shas = []
        for _ in range(2):
            tmp = tempfile.mkdtemp(prefix='keep4o-sample-')
            subprocess.run([sys.executable, os.path.join(HERE, 'generate_sample.py'), '--seed', str(a.seed),
                            '--out', tmp], check=True)
            shas.append(sha_dir(tmp))
        check(shas[0] == shas[1], 'same seed, same bytes (two runs)')
        mine = sha_dir(d)
        check(all(mine.get(k) == v for k, v in shas[0].items()), '%s equals a fresh run with seed %d' % (d, a.seed))
        print('\ndeterminism: two runs identical: %s; %s matches: %s'
              % (shas[0] == shas[1], d, all(mine.get(k) == v for k, v in shas[0].items())))
        for k, v in sorted(shas[0].items()):
            print('  %s  %s' % (v[:16], k))
    print('\n%s' % ('OK' if not FAIL else '%d FAILURES' % len(FAIL)))
    sys.exit(1 if FAIL else 0)


if __name__ == '__main__':
    main()
