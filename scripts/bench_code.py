#!/usr/bin/env python3
"""Benchmark of `code` (lexicon coder, keep4o codebook) against a Python `re` peer.

    python3 scripts/bench_code.py                       # after `make bench-data` and a release build
    python3 scripts/bench_code.py --posts 1000000 --peer-posts 100000 --workers 2

Swift: `.build/release/code bench` reads the X v2 JSON lines, NFKC-normalises the texts (as ingest
stores text_nfkc), builds the automaton, then codes every post on --workers threads: one
Aho-Corasick pass, word-boundary checks, negation windows, regexes behind anchors, gate and
implications, evidence JSON. Only the coding is timed.

Peer: the same indicators (exported with `code codebook export --format json`), one compiled `re`
per indicator searched in every post (literal phrases keep re's fast literal search; the same word
boundary rule is checked on each match; regex indicators as they are), on NFKC + lower-cased text,
thresholds by summed weights, implications and gate. It does no negation and writes no evidence, so
it does less work than the Swift coder. (One alternation per category was tried first: ~80 posts/s,
re tries every branch at every position.) Single process (the GIL makes
threads useless for `re`). Timed on the first --peer-posts posts; both sides are also timed on that
same slice so the ratio compares like with like.

Target (issue 5): 1M posts in under 20 s on 2 cores. Standard library only.
"""
import argparse
import json
import os
import random
import re
import subprocess
import sys
import time
import unicodedata

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, '.build', 'release', 'code')
CODEBOOK = os.path.join(ROOT, 'codebooks', 'keep4o.yaml')
BENCH_FILE = os.path.join(ROOT, 'data', 'bench', 'x_v2_bench.jsonl')
FALLBACK_FILE = os.path.join(ROOT, 'data', 'bench', 'code_bench_from_sample.jsonl')

# Latin-script neighbours that break a word boundary (approximates the Swift table).
WORD = r'0-9A-Za-z\u00C0-\u024F\u0370-\u03FF\u0400-\u04FF'


def texts_of(path, limit):
    out = []
    with open(path, 'rb') as f:
        for line in f:
            if len(out) >= limit:
                break
            try:
                obj = json.loads(line.decode('utf-8'))
            except ValueError:  # broken records (bad UTF-8 or JSON) are skipped, as the Swift reader does
                continue
            data = obj.get('data', obj)
            items = data if isinstance(data, list) else [data]
            for item in items:
                if not isinstance(item, dict):
                    continue
                text = (item.get('note_tweet') or {}).get('text') or item.get('text')
                if isinstance(text, str):
                    out.append(text)
    return out[:limit]


def make_fallback(n):
    """Without the generated 1M-post file: cycle the sample's X texts (seeded), tagged so none repeat."""
    sample = os.path.join(ROOT, 'data', 'sample', 'x_keep4o.jsonl')
    base = texts_of(sample, 10 ** 9)
    if not base:
        sys.exit('bench_code: no data/bench/x_v2_bench.jsonl and no data/sample/x_keep4o.jsonl; run make bench-data')
    rng = random.Random(4242)
    os.makedirs(os.path.dirname(FALLBACK_FILE), exist_ok=True)
    with open(FALLBACK_FILE, 'w', encoding='utf-8') as f:
        for i in range(n):
            f.write(json.dumps({'id': str(i), 'text': rng.choice(base) + ' #%d' % i}, ensure_ascii=False) + '\n')
    return FALLBACK_FILE


def swift_bench(path, posts, workers):
    out = subprocess.run([BIN, 'bench', '--codebook', CODEBOOK, '--workers', str(workers), '--limit', str(posts), path],
                         check=True, capture_output=True, text=True).stdout
    fields = dict(kv.split('=') for kv in out.split())
    return int(fields['posts']), float(fields['code_s']), int(fields['present'])


def peer_rules():
    out = subprocess.run([BIN, 'codebook', 'export', '--format', 'json', CODEBOOK], check=True, capture_output=True,
                         text=True).stdout
    book = json.loads(out)
    word = re.compile('[' + WORD + ']')
    indicators = []
    for index, category in enumerate(book['categories']):
        for ind in category['indicators']:
            if 'phrase' in ind:
                p = ind['phrase']
                # A literal pattern keeps re's fast literal search; the boundary is checked on each match.
                indicators.append((index, re.compile(re.escape(p)), ind['weight'], bool(word.match(p[0])), bool(word.match(p[-1]))))
            else:
                # Python's re has no variable-width look-behind: drop it (the peer matches a bit more).
                indicators.append((index, re.compile(re.sub(r'^\(\?<![^)]*\)', '', ind['regex'])), ind['weight'], False, False))
    return book, indicators


def peer_code(texts, book, indicators):
    """One compiled re per indicator per post; first match on word boundaries counts its weight once."""
    word = re.compile('[' + WORD + ']')
    ids = [c['id'] for c in book['categories']]
    thresholds = [c['threshold'] for c in book['categories']]
    index = {c: i for i, c in enumerate(ids)}
    present = 0
    for raw in texts:
        text = unicodedata.normalize('NFKC', raw).lower()
        weight = [0.0] * len(ids)
        for category, pattern, w, bound_start, bound_end in indicators:
            for m in pattern.finditer(text):
                s, e = m.span()
                if bound_start and s > 0 and word.match(text[s - 1]):
                    continue
                if bound_end and e < len(text) and word.match(text[e]):
                    continue
                weight[category] += w
                break
        values = [weight[i] >= thresholds[i] for i in range(len(ids))]
        for a, b in book['implications']:
            if values[index[a]]:
                values[index[b]] = True
        if book['gate'] and not values[index[book['gate']]]:
            values = [False] * len(ids)
        present += sum(values)
    return present


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--posts', type=int, default=1_000_000)
    ap.add_argument('--peer-posts', type=int, default=100_000)
    ap.add_argument('--workers', type=int, default=2)
    args = ap.parse_args()
    if not os.path.exists(BIN):
        sys.exit('bench_code: build first: swift build -c release --product code')
    path = BENCH_FILE
    note = ''
    if not os.path.exists(path):
        path = make_fallback(args.posts)
        note = ' (data/bench/x_v2_bench.jsonl missing: sample X texts cycled, see %s)' % os.path.relpath(FALLBACK_FILE, ROOT)

    n_full, t_full, _ = swift_bench(path, args.posts, args.workers)
    n_small, t_small, present_swift = swift_bench(path, args.peer_posts, args.workers)
    n_one, t_one, _ = swift_bench(path, args.peer_posts, 1)

    book, indicators = peer_rules()
    texts = texts_of(path, args.peer_posts)
    start = time.perf_counter()
    present_peer = peer_code(texts, book, indicators)
    t_peer = time.perf_counter() - start

    print('code benchmark: lexicon coder, codebook %s@%s, input %s%s' % (book['name'], book['version'], os.path.relpath(path, ROOT), note))
    print('%-44s %10s %9s %12s %8s' % ('run', 'posts', 'seconds', 'posts/s', 'vs peer'))
    peer_rate = len(texts) / t_peer
    rows = [
        ('swift code, %d workers, full input' % args.workers, n_full, t_full),
        ('swift code, %d workers, peer slice' % args.workers, n_small, t_small),
        ('swift code, 1 worker, peer slice', n_one, t_one),
        ('python re peer (1 process), peer slice', len(texts), t_peer),
    ]
    for name, n, t in rows:
        print('%-44s %10d %9.2f %12.0f %7.1fx' % (name, n, t, n / t, (n / t) / peer_rate))
    verdict = 'PASS' if (n_full >= 1_000_000 and t_full < 20) else ('n/a (fewer than 1M posts)' if n_full < 1_000_000 else 'FAIL')
    print('target: 1M posts < 20 s on %d workers: %s (%.2f s for %d posts)' % (args.workers, verdict, t_full, n_full))
    print('categories present on the peer slice: swift %d, peer %d (peer has no negation and drops look-behinds)'
          % (present_swift, present_peer))


if __name__ == '__main__':
    main()
