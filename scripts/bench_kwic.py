#!/usr/bin/env python3
"""make bench: `annotate kwic` on the 1M-post bench file, the FTS5 trigram index against a full scan.

Ingests data/bench/x_v2_bench.jsonl (make bench-data) into a fresh study, then, in this one run:
  - the first `annotate kwic` (builds the index): its time and the index's size on disk;
  - for each pattern (phrases and regular expressions, common and rare, Latin and CJK):
    `annotate kwic PATTERN` (every match counted, the first 50 shown with context) with the index
    (best of 3 wall times) and with --no-index (every post read and matched by the same code, one
    run); the outputs (totals and lines) must be equal;
  - a bare SQL scan for the phrases as a floor: sqlite3 `count(*) ... WHERE text_nfkc LIKE '%p%'`
    (ASCII-only case folding, no context: less work than kwic does, so not the same answer);
  - ingest with and without the index present: the bench file's second half ingested into two
    copies of a study holding its first half, one of them with the index built.
Needs the release binaries (.build/release/{ingest,annotate}) and the sqlite3 shell.
"""
import os, re, shutil, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.path.join(ROOT, "data", "bench", "x_v2_bench.jsonl")
BIN = os.path.join(ROOT, ".build", "release")
REPEATS = int(os.environ.get("BENCH_KWIC_REPEATS", "3"))   # index runs; a scan runs once (it is long)

# (label, arguments): what a researcher revising the codebook would look for.
PATTERNS = [
    ("phrase, in 61% of posts", ["keep4o"]),
    ("phrase, two words", ["bring back"]),
    ("phrase, rare", ["writing partner"]),
    ("phrase, Japanese", ["返して"]),
    ("phrase, Chinese", ["还我4o"]),
    ("phrase, 2 characters (scan)", ["4o"]),
    ("regex with literals", ["--regex", r"miss(ed|ing)? (you|it|4o)"]),
    ("regex, alternatives", ["--regex", "companion|friend"]),
    ("regex without literal (scan)", ["--regex", r"\b[0-9]o\b"]),
]


def timed(args, **kwargs):
    start = time.perf_counter()
    proc = subprocess.run(args, capture_output=True, text=True, **kwargs)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit(f"bench_kwic: {' '.join(args)} failed:\n{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}")
    return elapsed, proc


def kwic(db, arguments, index=True):
    best, out = None, None
    for _ in range(REPEATS if index else 1):
        args = [os.path.join(BIN, "annotate"), "kwic", "--db", db, "--limit", "50"] + arguments
        if not index:
            args.append("--no-index")
        elapsed, proc = timed(args)
        best = elapsed if best is None else min(best, elapsed)
        out = proc.stdout
    head = re.match(r'kwic \S+ "(.*)": (\d+) matches in (\d+) posts \((\d+) posts checked', out)
    if head is None:
        sys.exit(f"bench_kwic: unexpected output of {' '.join(arguments)}:\n{out[:500]}")
    via = re.search(r"^  via (.*)$", out, re.M).group(1)
    lines = [line for line in out.splitlines() if line.strip() and not line.startswith(("kwic ", "  via "))]
    return best, int(head.group(2)), int(head.group(4)), via, lines


def size_mb(path):
    return sum(os.path.getsize(path + suffix) for suffix in ("", "-wal") if os.path.exists(path + suffix)) / 1e6


def main():
    if not os.path.exists(DATA):
        sys.exit("bench_kwic: run `make bench-data` first")
    with tempfile.TemporaryDirectory() as tmp:
        db = os.path.join(tmp, "study.sqlite")
        timed([os.path.join(BIN, "ingest"), "--db", db, DATA])
        posts = int(subprocess.run(["sqlite3", db, "SELECT count(*) FROM posts"],
                                   capture_output=True, text=True).stdout)
        subprocess.run(["sqlite3", db, "PRAGMA wal_checkpoint(TRUNCATE)"], capture_output=True)
        before = size_mb(db)
        build, _ = timed([os.path.join(BIN, "annotate"), "kwic", "--db", db, "keep4o", "--limit", "1"])
        subprocess.run(["sqlite3", db, "PRAGMA wal_checkpoint(TRUNCATE)"], capture_output=True)
        index_mb = size_mb(db) - before
        print(f"## annotate kwic on {posts:,} posts (release build, 2 shared cores; index: best of {REPEATS} runs)")
        print(f"first run, building the FTS5 trigram index (detail=none, external content): {build:.1f} s; "
              f"index {index_mb:.0f} MB beside {before:.0f} MB of study")
        print()
        print(f"{'pattern':<32}{'matches':>9}{'checked':>10}{'FTS5 s':>9}{'scan s':>9}{'speed-up':>10}{'LIKE s':>9}")
        for label, arguments in PATTERNS:
            fts, matches, checked, via, lines = kwic(db, arguments)
            scan, scan_matches, scanned, _, scan_lines = kwic(db, arguments, index=False)
            if matches != scan_matches or lines != scan_lines:
                sys.exit(f"bench_kwic: {label}: the index and the scan disagree ({matches} vs {scan_matches})")
            like = ""
            if "--regex" not in arguments:
                phrase = arguments[0].replace("'", "''")
                elapsed, _ = timed(["sqlite3", db, f"SELECT count(*) FROM posts WHERE text_nfkc LIKE '%{phrase}%'"])
                like = f"{elapsed:.2f}"
            used = via.startswith("FTS5")
            print(f"{label:<32}{matches:>9,}{checked:>10,}{fts:>9.2f}{scan:>9.2f}"
                  f"{(f'{scan / fts:.1f}x' if used else 'scan'):>10}{like:>9}")
        print("(checked: posts read and matched; the index reads only the posts that contain every trigram)")

        # Ingest with the index present: the second half of the file into a study holding the first.
        with open(DATA, "rb") as f:
            half = sum(1 for _ in f) // 2
        first, second = os.path.join(tmp, "first.jsonl"), os.path.join(tmp, "second.jsonl")
        with open(DATA, "rb") as source, open(first, "wb") as a, open(second, "wb") as b:
            for number, line in enumerate(source):
                (a if number < half else b).write(line)
        plain, indexed = os.path.join(tmp, "plain.sqlite"), os.path.join(tmp, "indexed.sqlite")
        timed([os.path.join(BIN, "ingest"), "--db", plain, first])
        subprocess.run(["sqlite3", plain, "PRAGMA wal_checkpoint(TRUNCATE)"], capture_output=True)
        shutil.copy(plain, indexed)
        timed([os.path.join(BIN, "annotate"), "kwic", "--db", indexed, "keep4o", "--limit", "1"])
        without, _ = timed([os.path.join(BIN, "ingest"), "--db", plain, second])
        with_index, _ = timed([os.path.join(BIN, "ingest"), "--db", indexed, second])
        print()
        print(f"ingest of the second half ({os.path.getsize(second) / 1e6:.0f} MB) into a study holding the first: "
              f"{without:.1f} s without the index, {with_index:.1f} s with it "
              "(studies that never run kwic pay nothing)")
        with open("/proc/loadavg") as f:
            print(f"load average after the run: {f.read().split()[0]} "
                  "(2 cores; other work on the machine inflates wall time)")


if __name__ == "__main__":
    main()
