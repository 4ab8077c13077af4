#!/usr/bin/env python3
"""Builds a coded sample study with the built tools, as `make` does, plus human codings.

    build_sample_study.py DIR [--tools .build/debug]     -> DIR/study.sqlite

ingest (the bundled sample), dedupe, language-detect, code (lexicon coder), aggregate run, then an
annotation sample 'pilot' split between coders alice and bob (half of it shared), coded through
`annotate import` with labels made by fixed rules on the post id (so some pairs disagree), and
adjudicated labels for the shared posts. Used by the exchange tests (Swift) and the browse tests
(Python). Standard library only.
"""
import csv
import io
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SAMPLE = ["x_keep4o.jsonl", "x_keep4o_twarc.csv", "reddit_keep4o.ndjson"]


def run(tools, tool, *args):
    result = subprocess.run([os.path.join(tools, tool)] + list(args), cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    if result.returncode != 0:
        sys.exit("build_sample_study.py: %s %s failed:\n%s%s" % (tool, " ".join(args), result.stdout, result.stderr))
    return result.stdout


def labels(rule, post_id, categories):
    """A coder's decision by a fixed rule: relevant always, other categories by the post id."""
    present = {"relevant"}
    if post_id % rule["more_than_tool"] == 0:
        present.add("more_than_tool")
    if post_id % rule["companion"] == 0:
        present.add("companion")
    if post_id % 5 == 0:
        present.add("rights_protest")
    return ["1" if c in present else "0" for c in categories]


RULES = {
    "alice": {"more_than_tool": 2, "companion": 3},
    "bob": {"more_than_tool": 2, "companion": 4},
    "adjudicated": {"more_than_tool": 2, "companion": 6},
}


def code_by_hand(tools, db, directory, coder):
    exported = run(tools, "annotate", "export", "--db", db, "--sample", "pilot", "--coder", coder)
    rows = list(csv.reader(io.StringIO(exported)))
    header = rows[0]
    categories = header[header.index("status") + 1:header.index("note")]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["post_id", "status"] + categories)
    for row in rows[1:]:
        post_id = int(row[0])
        writer.writerow([post_id, "coded"] + labels(RULES[coder], post_id, categories))
    path = os.path.join(directory, coder + ".csv")
    with open(path, "w", encoding="utf-8") as f:
        f.write(out.getvalue())
    run(tools, "annotate", "import", "--db", db, "--sample", "pilot", "--coder", coder, path)


def build(directory, tools):
    os.makedirs(directory, exist_ok=True)
    db = os.path.join(directory, "study.sqlite")
    run(tools, "ingest", "--db", db, *[os.path.join(ROOT, "data", "sample", f) for f in SAMPLE])
    run(tools, "dedupe", "--db", db, "--seed", "4242")
    run(tools, "language-detect", "--db", db, "--model", os.path.join(ROOT, "data", "models", "lid.176.ftz"))
    run(tools, "code", "--db", db, "--codebook", os.path.join(ROOT, "codebooks", "keep4o.yaml"))
    run(tools, "annotate", "sample", "--db", db, "--name", "pilot", "--size", "40", "--seed", "4242",
        "--coders", "alice,bob", "--overlap", "0.5")
    code_by_hand(tools, db, directory, "alice")
    code_by_hand(tools, db, directory, "bob")
    code_by_hand(tools, db, directory, "adjudicated")
    run(tools, "aggregate", "run", "--db", db)
    return db


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    tools = os.path.join(ROOT, ".build", "debug")
    if "--tools" in sys.argv:
        tools = os.path.abspath(sys.argv[sys.argv.index("--tools") + 1])
    print(build(os.path.abspath(sys.argv[1]), tools))
