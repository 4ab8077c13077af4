#!/usr/bin/env python3
"""Benchmark `ingest` on the 1M-post X v2 bench file (make bench-data), with two baselines
measured in the same run on the same machine:
  - reading the file: `cat FILE > /dev/null` (page cache warm)
  - a bare SQLite insert of the same rows: sqlite3's own CSV .import of (id, created_at, text)
    into a table with the same unique key, in one transaction.
Prints throughput, peak memory, and the ratio of ingest's time to the baselines' sum.

Also measures MediaCrawler input: the same texts as Xiaohongshu notes in JSON lines and in one
indented JSON array, and as Weibo comments in CSV (written here from the bench file, not timed).

  --compare BINARY   also time another ingest build on the same files in the same run (for a
                     before/after figure: build the other commit's ingest, copy it aside, pass it)."""
import argparse, csv, json, os, subprocess, sys, tempfile, time

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


def write_mediacrawler(path, out_dir, limit):
    """The bench file's first `limit` texts as MediaCrawler exports (Xiaohongshu notes as JSON lines
    and as a JSON array, Weibo comments as CSV), in its field layout. Returns the three paths."""
    collected = 1_760_000_000_000
    notes, comments = [], []
    with open(path, encoding="utf-8") as src:
        for line in src:
            try:
                obj = json.loads(line)
            except ValueError:
                continue
            for t in obj.get("data", [obj]) if isinstance(obj.get("data"), list) else [obj]:
                if "id" not in t or "text" not in t:
                    continue
                i = len(notes)
                notes.append({"note_id": "n%d" % i, "type": "normal", "title": "note %d" % i, "desc": t["text"],
                              "time": 1_754_000_000_000 + i * 1000, "user_id": "u%d" % (i % 5000),
                              "nickname": "nick%d" % (i % 5000), "liked_count": "1.2万" if i % 10 == 0 else str(i % 997),
                              "collected_count": "3", "comment_count": "12", "share_count": "4",
                              "ip_location": "广东", "tag_list": "keep4o", "last_modify_ts": collected,
                              "source_keyword": "keep4o", "xsec_token": "t"})
                comments.append({"comment_id": "c%d" % i, "create_time": 1_754_028_800 + i,
                                 "create_date_time": time.strftime("%Y-%m-%d %H:%M:%S+08:00", time.gmtime(1_754_028_800 + i)),
                                 "note_id": "w%d" % (i // 10), "content": t["text"], "sub_comment_count": "0",
                                 "comment_like_count": str(i % 50), "last_modify_ts": collected, "ip_location": "北京",
                                 "parent_comment_id": "c%d" % i, "user_id": "u%d" % (i % 5000),
                                 "nickname": "nick%d" % (i % 5000), "gender": "f", "profile_url": "", "avatar": ""})
                if len(notes) >= limit:
                    break
            if len(notes) >= limit:
                break
    jsonl = os.path.join(out_dir, "xhs_search_contents.jsonl")
    with open(jsonl, "w", encoding="utf-8") as f:
        for n in notes:
            f.write(json.dumps(n, ensure_ascii=False) + "\n")
    array = os.path.join(out_dir, "xhs_search_contents.json")
    with open(array, "w", encoding="utf-8") as f:
        f.write(json.dumps([dict(n, note_id="a" + n["note_id"]) for n in notes], ensure_ascii=False, indent=4))
    table = os.path.join(out_dir, "weibo_search_comments.csv")
    with open(table, "w", newline="", encoding="utf-8-sig") as f:
        w = csv.DictWriter(f, fieldnames=list(comments[0].keys()))
        w.writeheader()
        w.writerows(comments)
    return jsonl, array, table


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--compare", help="another ingest binary to time on the same files (before/after)")
    ap.add_argument("--mediacrawler-posts", type=int, default=200_000)
    args = ap.parse_args()
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
        compare = None
        if args.compare:
            other_db = os.path.join(tmp, "other.sqlite")
            compare = timed([args.compare, "--db", other_db, DATA])
        layouts = write_mediacrawler(DATA, tmp, args.mediacrawler_posts)
        mediacrawler = []
        for path in layouts:
            mc_db = os.path.join(tmp, "mc-%s.sqlite" % os.path.basename(path))
            secs, rss, mc_out = timed([INGEST, "--db", mc_db, path])
            mediacrawler.append((os.path.basename(path), os.path.getsize(path) / 1e6, secs, rss, mc_out.strip().splitlines()[0]))
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
    if compare:
        other_s, other_rss, other_out = compare
        print(f"compared build {args.compare}: {other_s:.2f} s, {mb / other_s:.0f} MB/s, peak {other_rss / 1024:,.0f} MB "
              f"(this build: {ingest_s:.2f} s, {mb / ingest_s:.0f} MB/s, peak {ingest_rss / 1024:,.0f} MB)")
        print(other_out.strip().splitlines()[0])
    print(f"## ingest of MediaCrawler exports ({args.mediacrawler_posts:,} of the same texts)")
    print(f"{'file':<30}{'MB':>8}{'seconds':>9}{'MB/s':>7}{'posts/s':>10}{'peak MB':>9}")
    for name, size_mb, secs, rss, summary in mediacrawler:
        print(f"{name:<30}{size_mb:>8.0f}{secs:>9.2f}{size_mb / secs:>7.0f}{args.mediacrawler_posts / secs:>10,.0f}{rss / 1024:>9,.0f}")
    for *_, summary in mediacrawler:
        print(summary)


if __name__ == "__main__":
    main()
