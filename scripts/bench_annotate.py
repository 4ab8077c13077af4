#!/usr/bin/env python3
"""make bench: `annotate agreement` against the PyPI peers krippendorff and irrCAC on the same data.

Builds a throwaway study database with one sample of N posts coded by 3 coders on 10 categories
(seeded random ratings with 10% missing), then times, in this one run:
  - annotate agreement --replicates 0     (all statistics, point estimates, plus reading SQLite)
  - annotate agreement --replicates 1000  (with the bootstrap intervals)
  - Python: irrCAC Fleiss + AC1 + Krippendorff and krippendorff.alpha on the same 10 matrices
  - Python: krippendorff.alpha on 100 bootstrap resamples per category (alpha only)
Needs the release binary (.build/release/annotate) and the peers (make python-peers).
"""
import json, os, random, sqlite3, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, ".build", "release", "annotate")
PEER_PYTHON = os.path.join(ROOT, ".build", "python-peer", "bin", "python3")
UNITS = int(os.environ.get("BENCH_ANNOTATE_UNITS", "5000"))
CODERS = ["a", "b", "c"]
CATEGORIES = [f"c{i}" for i in range(10)]
YAML = "name: bench\nversion: '1'\nlanguages: [en]\ngate: c0\ncategories:\n" + "".join(
    f"  - {{id: {c}, label: {{en: {c}}}, definition: d}}\n" for c in CATEGORIES)


def build(path):
    open(path, "wb").close()
    # Opening through the tool creates our schema; the sample lookup then fails, as expected.
    subprocess.run([BIN, "agreement", "--db", path, "--sample", "none"], capture_output=True)
    db = sqlite3.connect(path)
    db.executescript("""
    CREATE TABLE IF NOT EXISTS codebooks(codebook_id INTEGER PRIMARY KEY, name TEXT NOT NULL, version TEXT NOT NULL, fingerprint TEXT NOT NULL UNIQUE, yaml TEXT NOT NULL, loaded_at TEXT NOT NULL);
    CREATE TABLE IF NOT EXISTS codings(post_id INTEGER NOT NULL, category TEXT NOT NULL, value INTEGER NOT NULL, coder TEXT NOT NULL, evidence TEXT, confidence REAL, run_id INTEGER, PRIMARY KEY (post_id, category, coder)) WITHOUT ROWID;
    INSERT INTO runs(run_id, stage, tool_version, parameters, started_at, status) VALUES (1, 'bench', '0', '{}', 'now', 'completed');
    INSERT INTO source_files(source_file_id, path, fingerprint, size_bytes, format, run_id, records_read, records_stored, duplicate_ids, records_rejected) VALUES (1, 'bench', 'f', 0, 'csv', 1, 0, 0, 0, 0);
    """)
    db.execute("INSERT INTO codebooks(name, version, fingerprint, yaml, loaded_at) VALUES ('bench', '1', 'fp', ?, 'now')", (YAML,))
    db.execute("INSERT INTO samples(sample_id, name, codebook_fingerprint, seed, parameters, population, size, created_at, run_id) VALUES (1, 'bench', 'fp', 1, '{}', ?, ?, 'now', 1)", (UNITS, UNITS))
    rng = random.Random(42)
    matrices = {c: [] for c in CATEGORIES}
    for post in range(1, UNITS + 1):
        db.execute("INSERT INTO posts(post_id, platform, external_id, created_at, created_unix, text, source_file_id, source_line) VALUES (?, 'x', ?, 'now', 0, 't', 1, ?)", (post, str(post), post))
        db.execute("INSERT INTO sample_posts VALUES (1, ?, ?, 'all', ?, ?, 1.0)", (post, post, UNITS, UNITS))
        truth = {c: int(rng.random() < 0.2) for c in CATEGORIES}
        row = {c: [] for c in CATEGORIES}
        for coder in CODERS:
            missing = rng.random() < 0.1
            if not missing:
                db.execute("INSERT INTO annotation_progress VALUES (1, ?, ?, 'coded', NULL, 'now')", ("human:" + coder, post))
            for c in CATEGORIES:
                v = truth[c] if rng.random() < 0.85 else int(rng.random() < 0.5)
                if not missing:
                    db.execute("INSERT INTO codings VALUES (?, ?, ?, ?, '[]', NULL, 1)", (post, c, v, "human:" + coder))
                row[c].append(None if missing else v)
        for c in CATEGORIES:
            matrices[c].append(row[c])
    db.commit()
    return matrices


PEER = r'''
import json, sys, time
import numpy as np, pandas as pd, krippendorff
from irrCAC.raw import CAC
matrices = json.load(open(sys.argv[1]))
t = time.perf_counter()
for units in matrices.values():
    frame = pd.DataFrame([[np.nan if v is None else float(v) for v in u] for u in units])
    cac = CAC(frame, categories=[0.0, 1.0], digits=15)
    cac.fleiss(); cac.gwet(); cac.krippendorff()
    krippendorff.alpha(reliability_data=frame.to_numpy().T, level_of_measurement="nominal", value_domain=[0.0, 1.0])
point = time.perf_counter() - t
rng = np.random.default_rng(1)
t = time.perf_counter()
for units in matrices.values():
    data = np.array([[np.nan if v is None else float(v) for v in u] for u in units])
    for _ in range(100):
        idx = rng.integers(0, len(data), len(data))
        krippendorff.alpha(reliability_data=data[idx].T, level_of_measurement="nominal", value_domain=[0.0, 1.0])
boot = time.perf_counter() - t
print(json.dumps({"point": point, "boot100": boot}))
'''


def timed(args):
    t = time.perf_counter()
    subprocess.run(args, check=True, capture_output=True)
    return time.perf_counter() - t


def main():
    if not os.path.exists(BIN):
        sys.exit("bench_annotate: build first: swift build -c release --product annotate")
    python = PEER_PYTHON if os.path.exists(PEER_PYTHON) else sys.executable
    with tempfile.TemporaryDirectory() as tmp:
        db = os.path.join(tmp, "bench.sqlite")
        matrices = build(db)
        data = os.path.join(tmp, "matrices.json")
        json.dump(matrices, open(data, "w"))
        peer_script = os.path.join(tmp, "peer.py")
        open(peer_script, "w").write(PEER)
        base = [BIN, "agreement", "--db", db, "--sample", "bench"]
        swift_point = min(timed(base + ["--replicates", "0"]) for _ in range(3))
        swift_boot = timed(base + ["--replicates", "1000"])
        peer = json.loads(subprocess.run([python, peer_script, data], check=True, capture_output=True, text=True).stdout)
    cells = UNITS * len(CODERS) * len(CATEGORIES)
    print(f"annotate agreement: {UNITS} posts x {len(CODERS)} coders x {len(CATEGORIES)} categories ({cells:,} decisions, 10% missing)")
    print(f"{'what':<62} {'seconds':>9} {'ratio':>8}")
    print(f"{'annotate agreement, 5 statistics x 11 rows, no bootstrap':<62} {swift_point:>9.3f} {'1.00':>8}")
    print(f"{'Python irrCAC (3 coefficients) + krippendorff, 10 rows':<62} {peer['point']:>9.3f} {peer['point'] / swift_point:>8.2f}")
    per_swift = swift_boot / (11 * 1000)
    per_peer = peer["boot100"] / (10 * 100)
    print(f"{'annotate agreement, 1000 bootstrap replicates (all statistics)':<62} {swift_boot:>9.3f}")
    print(f"{'  per replicate per row, all 5 statistics':<62} {per_swift * 1e3:>8.3f}ms {'1.00':>8}")
    print(f"{'  Python krippendorff.alpha alone, per resample':<62} {per_peer * 1e3:>8.3f}ms {per_peer / per_swift:>8.2f}")


if __name__ == "__main__":
    main()
