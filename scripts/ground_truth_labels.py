#!/usr/bin/env python3
"""Write the sample study's ground truth for the posts of one annotation sample, as the CSV that
`annotate import` reads (post_id, status, one 0/1 column per category).

The sample study has no human coders; its generator wrote down what every post was built to say
(data/sample/ground_truth.csv). `make` imports these labels as coder `human:ground-truth`, so the
stand-in is visible in every table and manifest. On a real study the reference labels come from
annotators (`annotate code`, `annotate adjudicate`).

Usage: ground_truth_labels.py --db data/study.sqlite --sample validation --truth data/sample/ground_truth.csv --out FILE
"""
import argparse
import csv
import os
import sqlite3
import sys


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--sample", required=True)
    parser.add_argument("--truth", required=True)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()

    truth = {}
    with open(args.truth, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            truth[(row["platform"], row["external_id"])] = set(filter(None, row["categories"].split(";")))

    db = sqlite3.connect(f"file:{os.path.abspath(args.db)}?mode=ro", uri=True)
    sample = db.execute("SELECT sample_id, codebook_fingerprint FROM samples WHERE name = ?", (args.sample,)).fetchone()
    if sample is None:
        sys.exit(f"{args.db}: no sample named '{args.sample}' (run `annotate sample` first)")
    yaml = db.execute("SELECT yaml FROM codebooks WHERE fingerprint = ?", (sample[1],)).fetchone()
    # The category ids of the sample's codebook, in order: `  - id: NAME` lines under `categories:`.
    categories = [line.split(":", 1)[1].strip().strip("\"'") for line in yaml[0].splitlines()
                  if line.strip().startswith("- id:")]
    posts = db.execute("""
        SELECT s.post_id, p.platform, p.external_id FROM sample_posts s JOIN posts p ON p.post_id = s.post_id
        WHERE s.sample_id = ? ORDER BY s.position
        """, (sample[0],)).fetchall()
    missing = [f"{platform}:{external}" for _, platform, external in posts if (platform, external) not in truth]
    if missing:
        sys.exit(f"{args.truth}: no ground truth for {len(missing)} posts of sample '{args.sample}', e.g. {missing[0]}")
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    with open(args.out, "w", newline="", encoding="utf-8") as f:
        out = csv.writer(f, lineterminator="\n")
        out.writerow(["post_id", "status"] + categories)
        for post_id, platform, external in posts:
            labels = truth[(platform, external)]
            out.writerow([post_id, "coded"] + [1 if c in labels else 0 for c in categories])
    print(f"{args.out}: ground truth of {len(posts)} posts of sample '{args.sample}' ({len(categories)} categories)")


if __name__ == "__main__":
    main()
