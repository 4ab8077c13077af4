#!/usr/bin/env python3
"""Benchmark of language-detect against Python peers (langid.py, pycld2), in one run.

1. Ingests data/bench/x_v2_bench.jsonl (1M X posts, `make bench-data`) into data/bench/langid.sqlite
   with the release `ingest` (once; not timed).
2. Times the release `language-detect` (both detectors, 2 worker threads) on all posts: the whole
   stage, reading posts from SQLite and writing post_languages in one transaction.
3. Copies the first 100k posts into data/bench/langid-100k.sqlite and times the stage on those.
4. Times pycld2 on the same 100k texts and langid.py on the first 10k of them (--peer-sample; it
   takes milliseconds per post), both installed from PyPI into data/bench/.venv-langid, texts
   already in memory, in 2 processes (the machine has 2 cores). Detection only, no database: a
   comparison in the peers' favour. pycld2 is CLD2 alone, so it does less than the stage.
Prints wall-clock and CPU-time rates and the ratio to each peer. The machine is shared: the load
average is printed, and posts per CPU-second says what 2 free cores would do.

Usage: python3 scripts/bench_language_detect.py [--posts 100000] [--peer-sample N]
"""
import argparse
import os
import resource
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


def cpu_of_children():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(cmd, **kw):
    """(wall seconds, CPU seconds of the child and its children, completed process)."""
    cpu, start = cpu_of_children(), time.perf_counter()
    result = subprocess.run(cmd, text=True, capture_output=True, **kw)
    return time.perf_counter() - start, cpu_of_children() - cpu, result


def time_stage(db, extra=()):
    wall, cpu, result = timed([os.path.join(BIN, "language-detect"), "--db", db, "--workers", "2", *extra])
    if result.returncode != 0:
        sys.exit(f"bench: language-detect failed: {result.stderr.strip()}")
    return wall, cpu, result.stdout.strip()


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
    # One thread per process for numpy (langid.py), so that 2 processes use the 2 cores.
    env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1")
    _wall, cpu, result = timed([python, script, peer, path], env=env)
    if result.returncode != 0:
        return None, result.stderr.strip().splitlines()[-1:]
    measured = json.loads(result.stdout)
    measured["cpu"] = cpu
    return measured, []


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--posts", type=int, default=100_000, help="posts in the comparison set")
    parser.add_argument("--peer-sample", type=int, default=10_000,
                        help="time langid.py on only the first N of them (0: all); it takes milliseconds per post")
    args = parser.parse_args()
    for tool in ("ingest", "language-detect"):
        if not os.path.exists(os.path.join(BIN, tool)):
            sys.exit(f"bench: {BIN}/{tool} missing: run `swift build -c release` first")

    total = ensure_bench_db()
    load_before = os.getloadavg()[0]
    rows = []
    seconds, cpu, out = time_stage(DB)
    rows.append((f"language-detect, all {total:,} posts (stage: SQLite in and out)", total, seconds, cpu))
    print("bench:", out, flush=True)
    seconds_cld2, cpu_cld2, out = time_stage(DB, ["--detector", "cld2"])
    rows.append((f"language-detect --detector cld2, all {total:,} posts", total, seconds_cld2, cpu_cld2))

    texts = make_small_db(min(args.posts, total))
    n = len(texts)
    seconds_small, cpu_small, out = time_stage(DB_SMALL)
    ours, ours_cpu = n / seconds_small, n / cpu_small
    rows.append((f"language-detect, the same {n:,} posts (stage)", n, seconds_small, cpu_small))

    python, notes = ensure_venv()
    peers = {}
    for peer, label, sample in (("pycld2", "pycld2 (CLD2 only), 2 processes, detection only", n),
                                ("langid", "langid.py, 2 processes, detection only", args.peer_sample or n)):
        result, errors = time_peer(python, peer, texts[:sample])
        if result is None:
            notes.append(f"{peer}: could not run: {' '.join(errors)}")
            continue
        rows.append((label + ("" if sample == n else f" (first {sample:,})"), result["n"], result["seconds"], result["cpu"]))
        peers[peer] = (result["n"] / result["seconds"], result["n"] / result["cpu"])
        if result["errors"]:
            notes.append(f"{peer}: {result['errors']} texts raised an error (counted as detected)")

    load_after = os.getloadavg()[0]
    print()
    print(f"{'run':66} {'posts':>10} {'wall s':>8} {'posts/s':>10} {'CPU s':>8} {'posts/CPU-s':>12}")
    for label, count, secs, cpu_secs in rows:
        print(f"{label:66} {count:>10,} {secs:>8.2f} {count / secs:>10,.0f} {cpu_secs:>8.2f} {count / cpu_secs:>12,.0f}")
    print()
    print(f"1M-post stage throughput: {total / seconds:,.0f} posts/s wall-clock with 2 workers (target 100,000); "
          f"{total / cpu:,.0f} posts per CPU-second, i.e. {2 * total / cpu:,.0f} posts/s if both cores were ours")
    print(f"load average (1 min) before/after: {load_before:.1f} / {load_after:.1f} on {os.cpu_count()} cores "
          "(other work on the machine slows the wall-clock figures; the CPU figures are less affected)")
    for peer, (rate, rate_cpu) in peers.items():
        print(f"ratio language-detect (stage, {n:,} posts) / {peer}: {ours / rate:.1f}x wall-clock, "
              f"{ours_cpu / rate_cpu:.1f}x per CPU-second")
    if SOURCE_NOTE:
        notes.insert(0, SOURCE_NOTE)
    for note in notes:
        print("note:", note)


if __name__ == "__main__":
    main()
