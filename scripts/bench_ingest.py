#!/usr/bin/env python3
"""Benchmark `ingest` on the 1M-post X v2 bench file (make bench-data), with two baselines
measured in the same run on the same machine:
  - reading the file: `cat FILE > /dev/null` (page cache warm)
  - a bare SQLite insert of the same rows: sqlite3's own CSV .import of (id, created_at, text)
    into a table with the same unique key, in one transaction.
Prints throughput, peak memory, and the ratio of ingest's time to the baselines' sum."""
import csv, json, os, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.path.join(ROOT, "data", "bench", "x_v2_bench.jsonl")
INGEST = os.path.join(ROOT, ".build", "release", "ingest")


def timed(cmd, **kw):
    """Wall time and peak RSS (KiB) of a command, via GNU time's format when available."""
    start = time.perf_counter()
    proc = subprocess.run(["/usr/bin/time", "-f", "%M"] + cmd, capture_output=True, text=True, **kw)
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit(f"bench: {' '.join(cmd)} failed:\n{proc.stdout}\n{proc.stderr}")
    rss_kib = int(proc.stderr.strip().splitlines()[-1])
    return wall, rss_kib, proc.stdout


def extract_rows(path, out):
    """The rows ingest stores, as CSV for the bare-insert baseline (not timed)."""
    n = 0
    with open(path, encoding="utf-8") as src, open(out, "w", newline="", encoding="utf-8") as dst:
        w = csv.writer(dst)
        for line in src:
            try:
                obj = json.loads(line)
            except ValueError:
                continue
            for t in obj.get("data", [obj]) if isinstance(obj.get("data"), list) else [obj]:
                if "id" in t and "text" in t:
                    text = (t.get("note_tweet") or {}).get("text") or t["text"]
                    w.writerow([t["id"], t.get("created_at", ""), text])
                    n += 1
    return n


def main():
    if not os.path.exists(DATA):
        sys.exit("bench: run `make bench-data` first")
    if not os.path.exists("/usr/bin/time"):
        sys.exit("bench: needs GNU time (apt-get install time)")
    size = os.path.getsize(DATA)
    mb = size / 1e6
    with tempfile.TemporaryDirectory() as tmp:
        rows_csv = os.path.join(tmp, "rows.csv")
        rows = extract_rows(DATA, rows_csv)
        subprocess.run(["cat", DATA], stdout=subprocess.DEVNULL, check=True)  # warm the page cache
        cat_s, _, _ = timed(["sh", "-c", f"cat '{DATA}' > /dev/null"])
        bare_db = os.path.join(tmp, "bare.sqlite")
        bare_s, _, _ = timed(["sqlite3", bare_db,
                              "PRAGMA journal_mode=WAL;",
                              "CREATE TABLE posts(external_id TEXT NOT NULL UNIQUE, created_at TEXT, text TEXT);",
                              ".mode csv", f".import '{rows_csv}' posts"])
        db = os.path.join(tmp, "study.sqlite")
        ingest_s, ingest_rss, out = timed([INGEST, "--db", db, DATA])
    baseline = cat_s + bare_s
    print("## ingest (1M-post X v2 JSON lines, release build)")
    print(f"file: {mb:,.0f} MB, {rows:,} posts")
    print(f"{'what':<34}{'seconds':>9}{'MB/s':>9}")
    print(f"{'cat FILE > /dev/null':<34}{cat_s:>9.2f}{mb / cat_s:>9.0f}")
    print(f"{'bare SQLite insert (sqlite3 .import)':<34}{bare_s:>9.2f}{mb / bare_s:>9.0f}")
    print(f"{'ingest':<34}{ingest_s:>9.2f}{mb / ingest_s:>9.0f}")
    print(f"ingest peak memory: {ingest_rss / 1024:,.0f} MB (target < 500 MB)")
    print(f"ingest throughput: {mb / ingest_s:.0f} MB/s (target >= 50 MB/s)")
    print(f"ratio ingest / (cat + bare insert): {ingest_s / baseline:.2f}")
    print(out.strip().splitlines()[0])


if __name__ == "__main__":
    main()
