#!/usr/bin/env python3
"""Benchmark `aggregate` (run + export) on the 1M-post bench data, with a baseline measured in the
same run: the same overall prevalence counts as one bare SQL GROUP BY in the sqlite3 shell.

    python3 scripts/bench_aggregate.py                     # uses data/bench (make bench-data)
    python3 scripts/bench_aggregate.py --db study.sqlite   # a database the real stages filled
    python3 scripts/bench_aggregate.py --demo DIR --truth data/sample/ground_truth.csv --out OUT

When the database has no codings yet (dedupe, language-detect and code not run, as on the
aggregate branch before merge), the upstream tables are filled from the generator's ground truth
(standing in for the real stages, clearly labelled): post_clusters from the planted clusters,
post_languages from the true language, codings of a simulated coder = truth with seeded errors
(sensitivity 0.85, false-positive rate 0.03), and an 'adjudicated' validation sample of 400 posts.
Standard library only."""
import argparse, csv, os, random, sqlite3, subprocess, sys, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, ".build", "release")
CATS = ['relevant', 'more_than_tool', 'companion', 'relational_attachment', 'instrumental_dependency', 'grief',
        'choice_deprivation', 'rights_protest', 'gpt5_negative', 'critique_of_attachment']
CODER = "simulated:keep4o@1.0"

# The columns fixed in docs/conventions (same as Tests/StudyKitTests/AggregateTestSupport.swift).
UPSTREAM_DDL = """
CREATE TABLE IF NOT EXISTS post_clusters (post_id INTEGER PRIMARY KEY REFERENCES posts, cluster_id INTEGER NOT NULL,
  kind TEXT NOT NULL CHECK(kind IN ('unique','exact','repost','near')), canonical_post_id INTEGER NOT NULL,
  similarity REAL NOT NULL, run_id INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS post_languages (post_id INTEGER PRIMARY KEY REFERENCES posts, language TEXT NOT NULL,
  confidence REAL NOT NULL, detector TEXT NOT NULL, script TEXT, lang_hint TEXT, run_id INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS codebooks (codebook_id INTEGER PRIMARY KEY, name TEXT NOT NULL, version TEXT NOT NULL,
  fingerprint TEXT NOT NULL UNIQUE, yaml TEXT NOT NULL, loaded_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS codings (post_id INTEGER NOT NULL REFERENCES posts(post_id), category TEXT NOT NULL,
  value INTEGER NOT NULL CHECK (value IN (0, 1)), coder TEXT NOT NULL, evidence TEXT, confidence REAL, run_id INTEGER,
  PRIMARY KEY (post_id, category, coder)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS codings_by_coder ON codings(coder, category, value);
"""


def run(cmd):
    start = time.perf_counter()
    proc = subprocess.run(["/usr/bin/time", "-f", "%M %U %S"] + cmd, capture_output=True, text=True)
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit(f"bench: {' '.join(cmd)} failed:\n{proc.stdout}\n{proc.stderr}")
    kib, user, system = proc.stderr.strip().splitlines()[-1].split()
    # CPU seconds too: on a 2-core machine shared with other builds, wall time includes waiting.
    return wall, int(kib), proc.stdout, float(user) + float(system)


def fill_from_truth(db_path, truth_path, seed=4242):
    """Stand-in for dedupe, language-detect and code: the generator's truth, with a noisy coder."""
    con = sqlite3.connect(db_path)
    if con.execute("SELECT count(*) FROM sqlite_schema WHERE name = 'codings'").fetchone()[0]:
        if con.execute("SELECT count(*) FROM codings").fetchone()[0]:
            return False  # real upstream output: leave it alone
    con.executescript(UPSTREAM_DDL)
    ids = {(p, e): i for i, p, e in con.execute("SELECT post_id, platform, external_id FROM posts")}
    rng = random.Random(seed)
    clusters, languages, codings, truth_rows = [], [], [], []
    rows = list(csv.DictReader(open(truth_path, encoding="utf-8")))
    by_ext = {}
    for r in rows:
        if (r["platform"], r["external_id"]) in ids:
            by_ext[(r["platform"], r["external_id"])] = r
    for (platform, ext), r in by_ext.items():
        pid = ids[(platform, ext)]
        canon_ext = r["canonical_external_id"] or ext
        canon = ids.get((platform, canon_ext), pid)
        kind = {"exact_copy": "exact", "repost": "repost", "reply_echo": "repost", "near_copy": "near"}.get(r["kind"], "unique")
        if canon == pid:
            kind = "unique"
        clusters.append((pid, canon, kind, canon, 1.0))
        lang = r["lang"] if r["lang"] not in ("mixed", "") else "und"
        languages.append((pid, lang))
        true = set(c for c in r["categories"].split(";") if c)
        truth_rows.append((pid, true))
        auto = set()
        for c in CATS:
            hit = rng.random() < 0.85 if c in true else rng.random() < 0.03
            if hit:
                auto.add(c)
        if "relevant" not in auto:
            auto = set()
        for c in CATS:
            codings.append((pid, c, 1 if c in auto else 0, CODER))
    rng.shuffle(truth_rows)
    for pid, true in sorted(truth_rows[:400]):
        for c in CATS:
            codings.append((pid, c, 1 if c in true else 0, "adjudicated"))
    con.execute("INSERT INTO runs(stage, tool_version, parameters, started_at, finished_at, status, message) "
                "VALUES ('code', 'bench', '{}', 'now', 'now', 'completed', 'simulated from ground truth by scripts/bench_aggregate.py')")
    run_id = con.execute("SELECT max(run_id) FROM runs").fetchone()[0]
    con.executemany("INSERT OR REPLACE INTO post_clusters VALUES (?, ?, ?, ?, ?, %d)" % run_id, clusters)
    con.executemany("INSERT OR REPLACE INTO post_languages VALUES (?, ?, 1.0, 'truth', NULL, NULL, %d)" % run_id, languages)
    con.executemany("INSERT OR REPLACE INTO codings VALUES (?, ?, ?, ?, NULL, NULL, %d)" % run_id, codings)
    con.execute("INSERT OR IGNORE INTO codebooks(name, version, fingerprint, yaml, loaded_at) VALUES "
                "('keep4o', '1.0', 'simulated', 'name: keep4o\ngate: relevant\n', 'now')")
    con.execute("INSERT OR REPLACE INTO study_settings(key, value) VALUES ('primary_coder', ?)", (CODER,))
    con.commit()
    con.close()
    return True


def prepare(db, inputs, truth):
    if not os.path.exists(db):
        run([os.path.join(BIN, "ingest"), "--db", db] + inputs)
    return fill_from_truth(db, truth)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--db", default=os.path.join(ROOT, "data", "bench", "study.sqlite"))
    ap.add_argument("--truth", default=os.path.join(ROOT, "data", "bench", "x_v2_bench.truth.csv"))
    ap.add_argument("--inputs", nargs="*", default=[os.path.join(ROOT, "data", "bench", "x_v2_bench.jsonl")])
    ap.add_argument("--demo", metavar="OUT", help="prepare --db from --inputs/--truth, run aggregate and export to OUT; no timing")
    a = ap.parse_args()
    if not os.path.exists("/usr/bin/time"):
        sys.exit("bench: needs GNU time (apt-get install time)")
    aggregate = os.path.join(BIN, "aggregate")
    if a.demo:
        simulated = prepare(a.db, a.inputs, a.truth)
        print("upstream tables:", "simulated from ground truth" if simulated else "from the real stages")
        print(run([aggregate, "run", "--db", a.db])[2], end="")
        print(run([aggregate, "export", "--db", a.db, "--out", a.demo])[2], end="")
        return
    for path in a.inputs + [a.truth]:
        if not os.path.exists(path) and not os.path.exists(a.db):
            sys.exit(f"bench: {path} missing: run `make bench-data` first")
    t0 = time.perf_counter()
    prepare(a.db, a.inputs, a.truth)
    setup = time.perf_counter() - t0
    con = sqlite3.connect(a.db)
    simulated = con.execute("SELECT count(*) FROM runs WHERE message LIKE 'simulated from ground truth%'").fetchone()[0] > 0
    posts = con.execute("SELECT count(*) FROM posts").fetchone()[0]
    codings = con.execute("SELECT count(*) FROM codings").fetchone()[0]
    coder = con.execute("SELECT value FROM study_settings WHERE key = 'primary_coder'").fetchone()[0]
    con.close()
    # Baseline: the overall canonical prevalence counts alone, as one SQL query in the sqlite3 shell.
    baseline_sql = (f"SELECT k.category, sum(k.value) FROM codings k JOIN post_clusters c ON c.post_id = k.post_id "
                    f"JOIN post_languages l ON l.post_id = k.post_id WHERE k.coder = '{coder}' "
                    f"AND c.canonical_post_id = k.post_id AND l.language <> 'und' GROUP BY k.category;")
    run(["sqlite3", a.db, "SELECT count(*) FROM codings;"])  # warm the page cache for both contenders
    base_s, base_kib, _, base_cpu = run(["sqlite3", a.db, baseline_sql])
    run_s, run_kib, _, run_cpu = run([aggregate, "run", "--db", a.db])
    out = os.path.join(os.path.dirname(a.db), "aggregate-bench-out")
    exp_s, exp_kib, _, exp_cpu = run([aggregate, "export", "--db", a.db, "--out", out])
    load = os.getloadavg()[0]
    print(f"aggregate bench: {posts:,} posts, {codings:,} codings rows, coder {coder}"
          f" ({'upstream simulated from ground truth' if simulated else 'real upstream stages'}; setup {setup:.1f} s, not timed)")
    print(f"{'step':<44}{'wall s':>9}{'cpu s':>8}{'peak MiB':>10}{'posts/s (wall)':>16}")
    for name, s, kib, cpu in [("baseline: sqlite3 GROUP BY (overall only)", base_s, base_kib, base_cpu),
                              ("aggregate run (all tables, three methods)", run_s, run_kib, run_cpu),
                              ("aggregate export (csv md tex json svg)", exp_s, exp_kib, exp_cpu)]:
        print(f"{name:<44}{s:>9.2f}{cpu:>8.2f}{kib / 1024:>10.0f}{posts / s:>16,.0f}")
    print(f"ratio aggregate run / baseline query: {run_s / base_s:.2f}x wall, {run_cpu / max(base_cpu, 0.01):.2f}x cpu"
          f" (load average {load:.1f} on {os.cpu_count()} cores during the run)")


if __name__ == "__main__":
    main()
