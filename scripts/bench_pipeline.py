#!/usr/bin/env python3
"""The whole pipeline, end to end, on the 1M-post bench file (make bench-data): every stage's
release binary in order on one fresh database, timed stage by stage (wall and CPU seconds, peak
memory). Target: under 3 minutes in all on 2 cores."""
import os, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.path.join(ROOT, "data", "bench", "x_v2_bench.jsonl")
BIN = os.path.join(ROOT, ".build", "release")
CODEBOOK = os.path.join(ROOT, "codebooks", "keep4o.yaml")


def run(name, args):
    start = time.perf_counter()
    proc = subprocess.run(["/usr/bin/time", "-f", "%U %S %M", os.path.join(BIN, name)] + args,
                          capture_output=True, text=True)
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit(f"bench_pipeline: {name} failed:\n{proc.stdout}\n{proc.stderr}")
    user, system, rss = proc.stderr.strip().splitlines()[-1].split()
    return wall, float(user) + float(system), int(rss) / 1024


def main():
    if not os.path.exists(DATA):
        sys.exit("bench_pipeline: run `make bench-data` first")
    with tempfile.TemporaryDirectory() as tmp:
        db = os.path.join(tmp, "study.sqlite")
        steps = [
            ("ingest", ["--db", db, DATA]),
            ("dedupe", ["--db", db]),
            ("language-detect", ["--db", db]),
            ("code", ["--db", db, "--codebook", CODEBOOK]),
            ("aggregate", ["run", "--db", db]),
            ("aggregate", ["export", "--db", db, "--out", os.path.join(tmp, "tables")]),
        ]
        print("## the whole pipeline on 1M X posts (release build, one fresh database)")
        print(f"{'stage':<22}{'wall s':>9}{'CPU s':>9}{'peak MB':>9}")
        total_wall = total_cpu = 0.0
        for name, args in steps:
            wall, cpu, rss = run(name, args)
            total_wall += wall
            total_cpu += cpu
            label = name + (" " + args[0] if name == "aggregate" else "")
            print(f"{label:<22}{wall:>9.1f}{cpu:>9.1f}{rss:>9.0f}")
        print(f"{'total':<22}{total_wall:>9.1f}{total_cpu:>9.1f}")
        print(f"target: under 180 s wall in all: {'met' if total_wall < 180 else 'NOT met'}")
        with open("/proc/loadavg") as f:
            print(f"load average after the run: {f.read().split()[0]} (2 cores; other work on the machine inflates wall time)")


if __name__ == "__main__":
    main()
