#!/usr/bin/env python3
"""Benchmark of language-detect against Python peers (langid.py, pycld2), in one run.

1. Ingests data/bench/x_v2_bench.jsonl (1M X posts, `make bench-data`) into data/bench/langid.sqlite
   with the release `ingest` (once; not timed).
2. Times the release `language-detect` (both detectors, 2 worker threads) on all posts: the whole
   stage, reading posts from SQLite and writing post_languages in one transaction.
3. Copies the first 100k posts into data/bench/langid-100k.sqlite and times the stage on those.
4. Times langid.py and pycld2 (installed from PyPI into data/bench/.venv-langid) on the same 100k
   texts, already in memory, in 2 processes (the machine has 2 cores). Detection only, no database:
   a conservative comparison in the peers' favour.
Prints a table with posts/s and the ratio to each peer.

Usage: python3 scripts/bench_language_detect.py [--posts 100000] [--peer-sample N]
"""
import argparse
import os
import shutil
import sqlite3
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BENCH = os.path.join(ROOT, "data", "bench")
JSONL = os.path.join(BENCH, "x_v2_bench.jsonl")
DB = os.path.join(BENCH, "langid.sqlite")
DB_SMALL = os.path.join(BENCH, "langid-100k.sqlite")
VENV = os.path.join(BENCH, ".venv-langid")
BIN = os.path.join(ROOT, ".build", "release")
SOURCE_NOTE = ""


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, text=True, capture_output=True, **kw)


DEV_TSV = os.path.join(ROOT, "..", "shared", "data", "langid", "dev.tsv")
FALLBACK_JSONL = os.path.join(BENCH, "x_v2_devtsv_1m.jsonl")


def write_fallback_jsonl(posts=1_000_000):
    """X v2 JSON lines made of shared/data/langid/dev.tsv texts repeated, when the 1M-post bench
    file cannot be generated (scripts/generate_sample.py --bench missing)."""
    import json
    with open(DEV_TSV, encoding="utf-8", newline="\n") as f:
        rows = [line.rstrip("\n").split("\t", 2) for line in f.read().split("\n")[1:] if line]
    with open(FALLBACK_JSONL, "w", encoding="utf-8") as out:
        for i in range(posts):
            lang, _kind, text = rows[i % len(rows)]
            out.write(json.dumps({"id": str(10**17 + i), "text": text, "author_id": str(i % 5000),
                                  "created_at": "2025-08-08T12:00:00.000Z", "lang": lang},
                                 ensure_ascii=False) + "\n")


def ensure_bench_db():
    global JSONL, SOURCE_NOTE, DB
    if not os.path.exists(JSONL):
        SOURCE_NOTE = ("data/bench/x_v2_bench.jsonl is missing (make bench-data needs scripts/generate_sample.py "
                       "--bench): timed instead on 1M posts made of shared/data/langid/dev.tsv texts repeated")
        print("bench:", SOURCE_NOTE, flush=True)
        if not os.path.exists(FALLBACK_JSONL):
            write_fallback_jsonl()
        JSONL = FALLBACK_JSONL
    DB = os.path.join(BENCH, "langid-" + os.path.basename(JSONL).split(".")[0] + ".sqlite")
    if os.path.exists(DB):
        con = sqlite3.connect(DB)
        n = con.execute("SELECT count(*) FROM posts").fetchone()[0]
        con.close()
        if n > 0:
            return n
    print("bench: ingesting the bench file (not timed) ...", flush=True)
    run([os.path.join(BIN, "ingest"), "--db", DB, JSONL])
    con = sqlite3.connect(DB)
    n = con.execute("SELECT count(*) FROM posts").fetchone()[0]
    con.close()
    return n


def make_small_db(posts):
    """The first `posts` posts only, in a copy of the bench database."""
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(DB_SMALL + suffix):
            os.remove(DB_SMALL + suffix)
    con = sqlite3.connect(DB)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    shutil.copyfile(DB, DB_SMALL)
    con = sqlite3.connect(DB_SMALL)
    last = con.execute("SELECT post_id FROM posts ORDER BY post_id LIMIT 1 OFFSET ?", (posts - 1,)).fetchone()[0]
    con.execute("PRAGMA foreign_keys = OFF")
    for table in ("post_languages", "duplicate_records"):
        if con.execute("SELECT count(*) FROM sqlite_master WHERE name = ?", (table,)).fetchone()[0]:
            con.execute(f"DELETE FROM {table} WHERE post_id > ?", (last,))
    con.execute("DELETE FROM posts WHERE post_id > ?", (last,))
    texts = [row[0] for row in con.execute("SELECT text FROM posts ORDER BY post_id")]
    con.commit()
    con.close()
    return texts


def time_stage(db, extra=()):
    start = time.perf_counter()
    out = run([os.path.join(BIN, "language-detect"), "--db", db, "--workers", "2", *extra]).stdout
    return time.perf_counter() - start, out.strip()


def ensure_venv():
    """langid and pycld2 from PyPI in a private venv; returns (python, notes)."""
    python = os.path.join(VENV, "bin", "python")
    if not os.path.exists(python):
        run([sys.executable, "-m", "venv", VENV])
    notes = []
    for package in ("langid", "pycld2"):
        probe = subprocess.run([python, "-c", f"import {package}"], capture_output=True)
        if probe.returncode == 0:
            continue
        result = subprocess.run([python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", package],
                                capture_output=True, text=True)
        if result.returncode != 0:
            tail = (result.stderr or result.stdout).strip().splitlines()[-3:]
            notes.append(f"{package} failed to install: " + " | ".join(tail))
    return python, notes


PEER = r'''
import sys, time, json
from multiprocessing import Pool
peer, path = sys.argv[1], sys.argv[2]
texts = open(path, encoding="utf-8").read().split("\x1e")
def init():
    global detect
    if peer == "langid":
        import langid
        langid.classify("warm up")
        detect = lambda t: langid.classify(t)[0]
    else:
        import pycld2
        def detect(t):
            try:
                return pycld2.detect(t, bestEffort=True)[2][0][1]
            except Exception:
                return "error"
def work(chunk):
    return [detect(t) for t in chunk]
if __name__ == "__main__":
    chunks = [texts[i:i + 500] for i in range(0, len(texts), 500)]
    with Pool(2, initializer=init) as pool:
        pool.map(work, chunks[:2])          # load models in both workers before timing
        start = time.perf_counter()
        results = [x for part in pool.map(work, chunks) for x in part]
        elapsed = time.perf_counter() - start
    print(json.dumps({"seconds": elapsed, "n": len(results), "errors": results.count("error")}))
'''


def time_peer(python, peer, texts):
    path = os.path.join(BENCH, "peer-texts.txt")
    with open(path, "w", encoding="utf-8") as f:
        f.write("\x1e".join(t.replace("\x1e", " ") for t in texts))
    script = os.path.join(BENCH, "peer.py")
    with open(script, "w") as f:
        f.write(PEER)
    import json
    result = subprocess.run([python, script, peer, path], capture_output=True, text=True)
    if result.returncode != 0:
        return None, result.stderr.strip().splitlines()[-1:]
    return json.loads(result.stdout), []


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--posts", type=int, default=100_000, help="posts in the comparison set")
    parser.add_argument("--peer-sample", type=int, default=0,
                        help="time langid.py on only this many of them (0: all); it runs ~1-2 ms per post")
    args = parser.parse_args()
    for tool in ("ingest", "language-detect"):
        if not os.path.exists(os.path.join(BIN, tool)):
            sys.exit(f"bench: {BIN}/{tool} missing: run `swift build -c release` first")

    total = ensure_bench_db()
    rows = []
    seconds, out = time_stage(DB)
    rows.append((f"language-detect, all {total:,} posts (stage: SQLite in and out)", total, seconds))
    print("bench:", out, flush=True)
    seconds_cld2, out = time_stage(DB, ["--detector", "cld2"])
    rows.append((f"language-detect --detector cld2, all {total:,} posts", total, seconds_cld2))

    texts = make_small_db(min(args.posts, total))
    n = len(texts)
    seconds_small, out = time_stage(DB_SMALL)
    ours = n / seconds_small
    rows.append((f"language-detect, the same {n:,} posts (stage)", n, seconds_small))

    python, notes = ensure_venv()
    peers = {}
    for peer, label, sample in (("pycld2", "pycld2 (CLD2 only), 2 processes, detection only", n),
                                ("langid", "langid.py, 2 processes, detection only", args.peer_sample or n)):
        result, errors = time_peer(python, peer, texts[:sample])
        if result is None:
            notes.append(f"{peer}: could not run: {' '.join(errors)}")
            continue
        rows.append((label + ("" if sample == n else f" (first {sample:,})"), result["n"], result["seconds"]))
        peers[peer] = result["n"] / result["seconds"]
        if result["errors"]:
            notes.append(f"{peer}: {result['errors']} texts raised an error (counted as detected)")

    print()
    print(f"{'run':72} {'posts':>10} {'seconds':>9} {'posts/s':>11}")
    for label, count, secs in rows:
        print(f"{label:72} {count:>10,} {secs:>9.2f} {count / secs:>11,.0f}")
    print()
    print(f"1M-post stage throughput: {total / seconds:,.0f} posts/s on 2 cores (target 100,000)")
    for peer, rate in peers.items():
        print(f"ratio language-detect (stage, {n:,} posts) / {peer}: {ours / rate:.1f}x")
    if SOURCE_NOTE:
        notes.insert(0, SOURCE_NOTE)
    for note in notes:
        print("note:", note)


if __name__ == "__main__":
    main()
