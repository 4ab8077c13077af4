#!/usr/bin/env python3
"""Benchmark and accuracy check for the `dedupe` stage.

    python3 scripts/bench_dedupe.py                 # what `make bench` runs
    python3 scripts/bench_dedupe.py --posts 200000  # smaller, for a quick look

What it does, in one run:
 1. Bench data: data/bench/x_v2_bench.jsonl (+ ground_truth.csv) from scripts/generate_sample.py when
    present (`make bench-data`); otherwise a seeded synthetic X v2 file with planted campaigns written
    by this script (same ground-truth columns).
 2. Ingests it with the release `ingest` into data/bench/dedupe/bench.sqlite, and its first
    --subset posts into subset.sqlite.
 3. Times the release `dedupe` (all cores) on both with /usr/bin/time (wall time, peak RSS).
 4. Times a Python peer on the subset: datasketch MinHash + MinHashLSH (PyPI, installed into a venv
    under data/bench), the same normalisation, shingles, permutations and threshold, and the same
    canonical-centred assignment (exact text first, then the earliest verified canonical).
 5. Precision and recall of same-cluster pairs against the generator's ground truth, for the bench
    data and (when data/sample exists) for the sample study.
Standard library only, apart from the peer's datasketch.
"""
import argparse
import collections
import csv
import json
import os
import random
import re
import sqlite3
import subprocess
import sys
import time
import unicodedata

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, '.build', 'release')
BENCH = os.path.join(ROOT, 'data', 'bench')
WORK = os.path.join(BENCH, 'dedupe')
VENV = os.path.join(BENCH, '.venv-dedupe')
PLANTED_KINDS = {'exact_copy', 'near_copy', 'repost', 'reply_echo'}


def log(message):
    print(message, file=sys.stderr, flush=True)


def run(cmd, **kw):
    log('$ ' + ' '.join(cmd))
    return subprocess.run(cmd, check=True, **kw)


# ------------------------------------------------------------------------------------------------
# Synthetic fallback data (only when the study's generator is not available)
# ------------------------------------------------------------------------------------------------
WORDS = """model choice users openai keep back bring voice trust tool friend night work story please
listen people paying subscription update removed again really always never every helped writing daily
creative partner feel felt lost grief angry sad hope want need give take company product decision
""".split()


def vocabulary(rng, size=6000):
    """Real words first, then pronounceable made-up words; drawn with Zipf weights (s = 1.05) so
    that, as in real posts, a few words are everywhere and most are rare."""
    syllables = [c + v for c in 'bcdfghjklmnprstvwz' for v in 'aeiou'] + ['th', 'st', 'ing', 'er', 'an', 'ou']
    words = list(dict.fromkeys(['the', 'to', 'and', 'a', 'i', 'it', 'of', 'is', 'you', 'that', 'for', 'this', '4o',
                                'was', 'me', 'my', 'we', 'not', 'on', 'with'] + WORDS))
    seen = set(words)
    while len(words) < size:
        w = ''.join(rng.choice(syllables) for _ in range(rng.choice([1, 2, 2, 3, 3, 4])))
        if w not in seen:
            seen.add(w)
            words.append(w)
    weights, total = [], 0.0
    for r in range(len(words)):
        total += 1.0 / (r + 1) ** 1.05
        weights.append(total)
    return words, weights


ZH = list('我们需要模型回来请不要删除它陪伴了很多夜晚付费用户选择权利尊重声音朋友工具温暖记忆对话每天帮助写作学习')
JA = list('私たちはモデルを返してくださいもう一度選ぶ自由がほしい大切な存在でした毎日話して助けられた夜も朝も')
TAGS = ['#keep4o', '#4oforever', '#OpenSource4o', '#keep4oAPI', '#AI', '#ChatGPT']
EMOJI = ['🕯️', '💔', '🙏', '😭', '😤', '✊']


def synthetic(path, truth_path, posts, seed):
    """X v2 tweets: 62% unique originals, the rest planted campaign copies (exact copies, small-edit
    near copies, reposts and reply echoes of a template original), in en (80%), zh and ja."""
    rng = random.Random(seed)
    words, cumulative = vocabulary(rng)
    t0 = 1754600000
    next_id = [1800000000000000000]

    def new_id():
        next_id[0] += rng.randint(1, 5000)
        return str(next_id[0])

    def sentence(lang):
        if lang == 'en':
            return ' '.join(rng.choices(words, cum_weights=cumulative, k=rng.randint(12, 40)))
        chars = ZH if lang == 'zh' else JA
        return ''.join(rng.choice(chars) for _ in range(rng.randint(24, 70)))

    def edit(text, lang):
        if lang == 'en':
            tokens = text.split(' ')
            for _ in range(rng.randint(1, 2)):
                op = rng.random()
                i = rng.randrange(len(tokens))
                if op < 0.4:
                    tokens[i] = rng.choices(words, cum_weights=cumulative)[0]
                elif op < 0.7:
                    tokens.insert(i, rng.choices(words, cum_weights=cumulative)[0])
                elif len(tokens) > 10:
                    del tokens[i]
            text = ' '.join(tokens)
        else:
            chars = list(text)
            chars[rng.randrange(len(chars))] = rng.choice(ZH if lang == 'zh' else JA)
            text = ''.join(chars)
        extra = rng.random()
        if extra < 0.3:
            text += ' ' + rng.choice(EMOJI)
        elif extra < 0.5:
            text = '@' + rng.choice(['OpenAI', 'sama', 'ChatGPTapp']) + ' ' + text
        return text

    rows = []
    truth = []
    cluster_no = 0
    written = 0
    with open(path, 'w', encoding='utf-8') as out:
        def emit(tweet, lang, kind, cluster, canonical):
            nonlocal written
            written += 1
            out.write(json.dumps(tweet, ensure_ascii=False) + '\n')
            truth.append(['x', tweet['id'], os.path.basename(path), written, lang, kind, cluster, canonical, '', ''])

        while written < posts:
            lang = rng.choices(['en', 'zh', 'ja'], [80, 10, 10])[0]
            t = t0 + rng.randint(0, 200 * 86400)
            text = sentence(lang) + ' ' + rng.choice(TAGS)
            oid = new_id()
            base = {'id': oid, 'text': text, 'created_at': time.strftime('%Y-%m-%dT%H:%M:%S.000Z', time.gmtime(t)),
                    'author_id': str(rng.randint(1, 10**9)), 'lang': lang}
            if rng.random() < 0.985:
                emit(base, lang, 'original', '', '')
                continue
            cluster_no += 1
            cid = 'c%d' % cluster_no
            emit(base, lang, 'original', cid, oid)
            copies = min(int(rng.paretovariate(1.2) * 6), 3000)
            for _ in range(copies):
                if written >= posts:
                    break
                kind = rng.choices(['near_copy', 'exact_copy', 'repost', 'reply_echo'], [55, 20, 20, 5])[0]
                tt = t + rng.randint(1, 5 * 86400)
                tweet = {'id': new_id(), 'created_at': time.strftime('%Y-%m-%dT%H:%M:%S.000Z', time.gmtime(tt)),
                         'author_id': str(rng.randint(1, 10**9)), 'lang': lang}
                if kind == 'near_copy':
                    tweet['text'] = edit(text, lang)
                elif kind == 'exact_copy':
                    tweet['text'] = text + (' https://t.co/' + ''.join(rng.choice('abcdefXYZ123') for _ in range(10))
                                            if rng.random() < 0.5 else '')
                elif kind == 'repost':
                    tweet['text'] = 'RT @someone: ' + text
                    tweet['referenced_tweets'] = [{'type': 'retweeted', 'id': oid}]
                else:
                    tweet['text'] = '@someone ' + text
                    tweet['referenced_tweets'] = [{'type': 'replied_to', 'id': oid}]
                emit(tweet, lang, kind, cid, oid)
    with open(truth_path, 'w', encoding='utf-8', newline='') as f:
        w = csv.writer(f)
        w.writerow(['platform', 'external_id', 'source_file', 'line', 'lang', 'kind', 'cluster',
                    'canonical_external_id', 'categories', 'broken_reason'])
        w.writerows(truth)


def bench_data(posts, seed, directory):
    """Returns (jsonl path, ground truth path, description)."""
    official = os.path.join(directory, 'x_v2_bench.jsonl')
    for name in ('x_v2_bench.truth.csv', 'ground_truth.csv'):
        official_truth = os.path.join(directory, name)
        if os.path.exists(official) and os.path.exists(official_truth):
            return official, official_truth, '%s (scripts/generate_sample.py --bench)' % os.path.relpath(official, ROOT)
    path = os.path.join(WORK, 'synthetic2_x_%d.jsonl' % posts)
    truth = os.path.join(WORK, 'synthetic2_ground_truth_%d.csv' % posts)
    if not (os.path.exists(path) and os.path.exists(truth)):
        log('generating %d synthetic posts (the study generator output is not there)' % posts)
        synthetic(path, truth, posts, seed)
    return path, truth, 'synthetic campaigns written by bench_dedupe.py (seed %d)' % seed


# ------------------------------------------------------------------------------------------------
# Running the Swift tools
# ------------------------------------------------------------------------------------------------
def ingest(jsonl, db):
    # ingest skips a file whose content it already stored, and a killed ingest stored nothing of it.
    run([os.path.join(BIN, 'ingest'), '--db', db, jsonl], stdout=subprocess.DEVNULL)
    return db


def timed_dedupe(db, threshold, extra=()):
    cmd = ['/usr/bin/time', '-v', os.path.join(BIN, 'dedupe'), '--db', db, '--threshold', str(threshold), *extra]
    log('$ ' + ' '.join(cmd[2:]))
    started = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True)
    wall = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit('dedupe failed:\n' + done.stdout + done.stderr)
    rss = int(re.search(r'Maximum resident set size \(kbytes\): (\d+)', done.stderr).group(1)) / 1024
    cpu = re.search(r'Percent of CPU this job got: (\d+)%', done.stderr)
    phases = re.search(r'read\+signatures ([\d.]+) s, clustering ([\d.]+) s, writing ([\d.]+) s', done.stdout)
    user = float(re.search(r'User time \(seconds\): ([\d.]+)', done.stderr).group(1))
    system = float(re.search(r'System time \(seconds\): ([\d.]+)', done.stderr).group(1))
    return {'wall': wall, 'rss_mb': rss, 'cpu_pct': int(cpu.group(1)) if cpu else 0, 'cpu_s': user + system,
            'read': float(phases.group(1)), 'cluster': float(phases.group(2)), 'write': float(phases.group(3)),
            'stdout': done.stdout}


# ------------------------------------------------------------------------------------------------
# The Python peer: datasketch, same normalisation and shingles as Sources/StudyKit/Dedupe/MatchText.swift
# ------------------------------------------------------------------------------------------------
RT_RE = re.compile(r'^(?:\s*rt @[A-Za-z0-9_]+:)+')
URL_RE = re.compile(r'(?<!\w)https?://\S*')
MENTION_RE = re.compile(r'(?<!\w)@[A-Za-z0-9_]+')
SPACE_RE = re.compile(r'[\s\u200b\ufeff]+')
HASHTAG_RE = re.compile(r'#\w*')


def normalize(text_nfkc):
    t = RT_RE.sub('', text_nfkc.lower())
    t = URL_RE.sub(' ', t)
    t = MENTION_RE.sub(' ', t)
    return SPACE_RE.sub(' ', t).strip()


def shingle_length(t):
    han = hangul = other = 0
    for ch in HASHTAG_RE.sub(' ', t):
        c = ord(ch)
        if c < 0x80:
            if ch.isalnum():
                other += 2
        elif (0x4E00 <= c <= 0x9FFF or 0x3400 <= c <= 0x4DBF or 0x3040 <= c <= 0x30FF or 0x31F0 <= c <= 0x31FF
              or 0xF900 <= c <= 0xFAFF or 0x20000 <= c <= 0x3FFFF):
            han += 5
        elif 0xAC00 <= c <= 0xD7AF or 0x1100 <= c <= 0x11FF or 0x3130 <= c <= 0x318F:
            hangul += 5
        elif ch.isalnum():
            other += 2
    if han + hangul > 0 and han + hangul >= other:
        return 2 if han >= hangul else 3
    return 5


def shingles(t):
    n = shingle_length(t)
    if len(t) <= n:
        return {t}
    return {t[i:i + n] for i in range(len(t) - n + 1)}


PEER = r'''
import json, sqlite3, sys, time
sys.path.insert(0, sys.argv[3])
from bench_dedupe import normalize, shingles
from datasketch import MinHash, MinHashLSH
db, threshold = sys.argv[1], float(sys.argv[2])
started = time.perf_counter()
rows = sqlite3.connect(db).execute(
    "SELECT post_id, created_unix, text_nfkc FROM posts ORDER BY created_unix, post_id").fetchall()
rank = {post_id: i for i, (post_id, _, _) in enumerate(rows)}
lsh = MinHashLSH(threshold=threshold, num_perm=128)
first_with_text, signature, canonical = {}, {}, {}
for post_id, _, text in rows:
    t = normalize(text)
    if not t:                                   # nothing left: stays alone, as in dedupe
        canonical[post_id] = post_id
        continue
    if t in first_with_text:                    # exact copy
        canonical[post_id] = canonical[first_with_text[t]]
        continue
    first_with_text[t] = post_id
    m = MinHash(num_perm=128, seed=1)
    m.update_batch([s.encode('utf-8') for s in shingles(t)])
    best = None                                 # earliest verified canonical
    for c in lsh.query(m):
        if m.jaccard(signature[c]) >= threshold and (best is None or rank[c] < rank[best]):
            best = c
    if best is None:
        canonical[post_id] = post_id
        signature[post_id] = m
        lsh.insert(post_id, m)
    else:
        canonical[post_id] = best
print(json.dumps({"seconds": time.perf_counter() - started, "posts": len(rows),
                  "clusters": len(set(canonical.values())), "b": lsh.b, "r": lsh.r, "canonical": canonical}))
'''


def cpu_pressure():
    try:
        with open('/proc/pressure/cpu') as f:
            return re.search(r'avg60=([\d.]+)', f.readline()).group(1)
    except (OSError, AttributeError):
        return '?'


def python_peer(db, threshold):
    py = os.path.join(VENV, 'bin', 'python')
    if not os.path.exists(py):
        run([sys.executable, '-m', 'venv', VENV])
    if subprocess.run([py, '-c', 'import datasketch'], capture_output=True).returncode != 0:
        run([py, '-m', 'pip', 'install', '-q', 'datasketch==2.0.0'])
    script = os.path.join(WORK, 'peer_datasketch.py')
    with open(script, 'w') as f:
        f.write(PEER)
    log('$ datasketch peer on ' + db)
    done = subprocess.run(['/usr/bin/time', '-v', py, script, db, str(threshold), os.path.dirname(os.path.abspath(__file__))],
                          capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit('python peer failed:\n' + done.stderr[-3000:])
    result = json.loads(done.stdout)
    result['rss_mb'] = int(re.search(r'Maximum resident set size \(kbytes\): (\d+)', done.stderr).group(1)) / 1024
    result['cpu_s'] = (float(re.search(r'User time \(seconds\): ([\d.]+)', done.stderr).group(1))
                       + float(re.search(r'System time \(seconds\): ([\d.]+)', done.stderr).group(1)))
    result['canonical'] = {int(k): v for k, v in result['canonical'].items()}
    return result


# ------------------------------------------------------------------------------------------------
# Pair precision / recall against the ground truth
# ------------------------------------------------------------------------------------------------
def pairs(n):
    return n * (n - 1) // 2


def truth_clusters(db, truth_path):
    """post_id -> planted cluster: every row with a cluster (the original and its exact_copy,
    near_copy, repost and reply_echo posts), plus the original each copy names as canonical_external_id."""
    ids = {(p, e): pid for pid, p, e in sqlite3.connect(db).execute('SELECT post_id, platform, external_id FROM posts')}
    member = {}
    with open(truth_path, encoding='utf-8') as f:
        for row in csv.DictReader(f):
            if row['cluster']:
                key = row['cluster']
                for ext in (row['external_id'], row['canonical_external_id'] if row['kind'] in PLANTED_KINDS else ''):
                    pid = ids.get((row['platform'], ext))
                    if pid is not None:
                        member[pid] = key
    return member


def pair_scores(predicted, truth):
    """predicted: post_id -> cluster (all posts); truth: post_id -> planted cluster."""
    pred_sizes = collections.Counter(predicted.values())
    true_sizes = collections.Counter(truth.values())
    both = collections.Counter((truth[p], predicted[p]) for p in truth if p in predicted)
    tp = sum(pairs(n) for n in both.values())
    predicted_pairs = sum(pairs(n) for n in pred_sizes.values())
    # Predicted pairs inside the planted posts only: merges between planted clusters.
    planted_pred = collections.Counter(predicted[p] for p in truth if p in predicted)
    predicted_planted_pairs = sum(pairs(n) for n in planted_pred.values())
    true_pairs = sum(pairs(n) for n in true_sizes.values())
    return {'tp': tp, 'true_pairs': true_pairs, 'predicted_pairs': predicted_pairs,
            'recall': tp / true_pairs if true_pairs else float('nan'),
            'precision': tp / predicted_pairs if predicted_pairs else float('nan'),
            'precision_planted': tp / predicted_planted_pairs if predicted_planted_pairs else float('nan')}


def dedupe_clusters(db):
    return dict(sqlite3.connect(db).execute('SELECT post_id, cluster_id FROM post_clusters'))


def unplanted_exact_pairs(db, truth):
    """Predicted pairs outside the planted clusters whose normalised texts are identical: real copies
    the generator did not label (e.g. many people posting "bring back 4o")."""
    con = sqlite3.connect(db)
    groups = collections.defaultdict(list)
    for pid, cid, text in con.execute('SELECT post_id, cluster_id, text_nfkc FROM post_clusters JOIN posts USING (post_id)'):
        if pid not in truth:
            groups[(cid, normalize(text))].append(pid)
    return sum(pairs(len(v)) for v in groups.values())


def sample_scores_and_sweep(args):
    """Precision/recall of pairs on the sample study at --threshold, and a threshold sweep."""
    sample_scores = None
    sweep = []
    sample_dir = args.sample
    sample_files = [os.path.join(sample_dir, f) for f in ('x_keep4o.jsonl', 'x_keep4o_twarc.csv', 'reddit_keep4o.ndjson')]
    if all(os.path.exists(f) for f in sample_files) and os.path.exists(os.path.join(sample_dir, 'ground_truth.csv')):
        sample_db = os.path.join(WORK, 'sample.sqlite')
        for suffix in ('', '-wal', '-shm'):
            if os.path.exists(sample_db + suffix):
                os.remove(sample_db + suffix)
        run([os.path.join(BIN, 'ingest'), '--db', sample_db, *sample_files], stdout=subprocess.DEVNULL)
        truth_sample = truth_clusters(sample_db, os.path.join(sample_dir, 'ground_truth.csv'))
        sweep = []
        for t in sorted({0.6, 0.65, 0.7, 0.75, 0.8} - {args.threshold}) + [args.threshold]:
            run([os.path.join(BIN, 'dedupe'), '--db', sample_db, '--threshold', str(t)], stdout=subprocess.DEVNULL)
            sweep.append((t, pair_scores(dedupe_clusters(sample_db), truth_sample)))
        sample_scores = pair_scores(dedupe_clusters(sample_db), truth_sample)
        sample_scores['posts'] = sqlite3.connect(sample_db).execute('SELECT count(*) FROM posts').fetchone()[0]
        sample_scores['extra_exact'] = unplanted_exact_pairs(sample_db, truth_sample)
    return sample_scores, sweep


def print_sweep(args, sweep):
    if sweep:
        print()
        print('Threshold sweep on the sample study (the last run of the sweep uses --threshold %.2f)' % args.threshold)
        print('| threshold | recall | precision | precision within planted posts |')
        print('|---|---|---|---|')
        for t, sc in sorted(sweep):
            print('| %.2f | %.4f | %.4f | %.4f |' % (t, sc['recall'], sc['precision'], sc['precision_planted']))


def sample_report(args):
    scores, sweep = sample_scores_and_sweep(args)
    if scores is None:
        sys.exit('no sample study in %s' % args.sample)
    print('Sample study (%d posts): recall %.4f, precision %.4f, precision within planted posts %.4f '
          '(true pairs %d, predicted pairs %d)' % (scores['posts'], scores['recall'], scores['precision'],
                                                   scores['precision_planted'], scores['true_pairs'], scores['predicted_pairs']))
    print_sweep(args, sweep)


# ------------------------------------------------------------------------------------------------
def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--posts', type=int, default=1_000_000, help='posts in the synthetic fallback data')
    ap.add_argument('--subset', type=int, default=100_000, help='posts for the side-by-side with datasketch')
    ap.add_argument('--threshold', type=float, default=0.7)
    ap.add_argument('--seed', type=int, default=4242)
    ap.add_argument('--sample', default=os.path.join(ROOT, 'data', 'sample'), help='the sample study folder (default data/sample)')
    ap.add_argument('--sample-only', action='store_true', help='only the precision/recall on the sample study (seconds)')
    ap.add_argument('--data', default=BENCH, help='folder with x_v2_bench.jsonl and its truth file (default data/bench)')
    args = ap.parse_args()
    os.makedirs(WORK, exist_ok=True)
    for tool in ('ingest', 'dedupe'):
        if not os.path.exists(os.path.join(BIN, tool)):
            sys.exit('missing %s: run `swift build -c release` first' % os.path.join(BIN, tool))

    if args.sample_only:
        sample_report(args)
        return
    jsonl, truth_path, description = bench_data(args.posts, args.seed, args.data)
    tag = '%d-%d' % (os.path.getsize(jsonl), int(os.path.getmtime(jsonl)))  # a regenerated file gets new databases
    full_db = ingest(jsonl, os.path.join(WORK, 'bench-%s.sqlite' % tag))
    subset_path = os.path.join(WORK, 'subset-%s-%d.jsonl' % (tag, args.subset))
    if not os.path.exists(subset_path):
        # Whole lines until about --subset posts (a line may be a page of several tweets).
        partial = subset_path + '.part'
        with open(jsonl, encoding='utf-8') as src, open(partial, 'w', encoding='utf-8') as dst:
            posts = 0
            for line in src:
                if posts >= args.subset:
                    break
                try:
                    record = json.loads(line)
                    posts += len(record['data']) if isinstance(record, dict) and isinstance(record.get('data'), list) else 1
                except ValueError:
                    posts += 1
                dst.write(line)
        os.replace(partial, subset_path)
    subset_db = ingest(subset_path, os.path.join(WORK, 'subset-%s-%d.sqlite' % (tag, args.subset)))
    n_full = sqlite3.connect(full_db).execute('SELECT count(*) FROM posts').fetchone()[0]
    n_sub = sqlite3.connect(subset_db).execute('SELECT count(*) FROM posts').fetchone()[0]

    load_at_start = 'load average %.2f %.2f %.2f' % os.getloadavg()
    full = timed_dedupe(full_db, args.threshold)
    sub = timed_dedupe(subset_db, args.threshold)
    peer = python_peer(subset_db, args.threshold)

    truth_full = truth_clusters(full_db, truth_path)
    scores_full = pair_scores(dedupe_clusters(full_db), truth_full)
    truth_sub = truth_clusters(subset_db, truth_path)
    scores_sub = pair_scores(dedupe_clusters(subset_db), truth_sub)
    scores_peer = pair_scores(peer['canonical'], truth_sub)
    extra_exact = unplanted_exact_pairs(full_db, truth_full)

    sample_scores, sweep = sample_scores_and_sweep(args)

    cores = os.cpu_count()
    print()
    print('dedupe benchmark  (threshold %.2f, 128 permutations; data: %s; %d cores)' % (args.threshold, description, cores))
    print()
    print('| run | posts | wall s | CPU s (user+sys) | read+sign s | cluster s | write s | peak RSS MB | CPU % |')
    print('|---|---|---|---|---|---|---|---|---|')
    for name, n, r in (('Swift dedupe, release, all posts', n_full, full), ('Swift dedupe, release, subset', n_sub, sub)):
        print('| %s | %d | %.2f | %.2f | %.2f | %.2f | %.2f | %.0f | %d |' % (
            name, n, r['wall'], r['cpu_s'], r['read'], r['cluster'], r['write'], r['rss_mb'], r['cpu_pct']))
    print('| Python datasketch peer (b=%d, r=%d), subset, no DB write | %d | %.2f | %.2f | - | - | - | %.0f | - |' % (
        peer['b'], peer['r'], peer['posts'], peer['seconds'], peer['cpu_s'], peer['rss_mb']))
    print()
    print('Machine load during the run: %s (CPU pressure "some" avg60 %s%%; wall times stretch when other '
          'processes share the cores, CPU seconds do not)' % (load_at_start, cpu_pressure()))
    print()
    swift_compute = sub['read'] + sub['cluster']
    print('Subset speed ratio (datasketch time / Swift time), same run: %.1fx on whole runs (Swift includes '
          'process start and writing %d rows), %.1fx on read+signatures+clustering only'
          % (peer['seconds'] / sub['wall'], n_sub, peer['seconds'] / swift_compute))
    verdict = 'PASS' if full['wall'] < 60 and full['rss_mb'] < 1536 else 'FAIL'
    print('Target for %d posts: < 60 s wall and < 1.5 GB peak on 2 cores: %s (%.1f s wall, %.1f CPU s, %.0f MB)'
          % (n_full, verdict, full['wall'], full['cpu_s'], full['rss_mb']))
    print()
    print('Same-cluster pairs against the ground truth (planted copies + their original)')
    print('| data | method | true pairs | predicted pairs | recall | precision | precision within planted posts |')
    print('|---|---|---|---|---|---|---|')
    rows = [('bench, all posts', 'Swift dedupe', scores_full), ('bench subset', 'Swift dedupe', scores_sub),
            ('bench subset', 'datasketch peer (no repost links)', scores_peer)]
    if sample_scores:
        rows.insert(0, ('sample study (%d posts)' % sample_scores['posts'], 'Swift dedupe', sample_scores))
    for data, method, s in rows:
        print('| %s | %s | %d | %d | %.4f | %.4f | %.4f |' % (data, method, s['true_pairs'], s['predicted_pairs'],
                                                            s['recall'], s['precision'], s['precision_planted']))
    print_sweep(args, sweep)
    print()
    print('Predicted pairs outside planted clusters with identical normalised text (real copies the '
          'generator did not label): bench %d%s' % (extra_exact, '' if not sample_scores else ', sample %d' % sample_scores['extra_exact']))


if __name__ == '__main__':
    main()
