#!/usr/bin/env python3
"""Writes the sample's generator ground truth as a labels file for `annotate import-labels`.

The sample study is synthetic: data/sample/ground_truth.csv says which codebook categories the
generator put into every record. For measuring coders on the sample (make eval-coder) it is imported
as the reference coder, visibly named (e.g. human:ground-truth); on a real study labels come from
annotators. One row per stored post: broken records (never stored) are left out, and a post whose id
appears twice (collected twice) is written once.

Usage: ground_truth_to_labels.py data/sample/ground_truth.csv codebooks/keep4o.yaml OUT.csv [--languages en,zh]
"""
import argparse
import csv
import re
import sys


def category_ids(codebook_path):
    """The category ids of a codebook, in order (the `- id:` lines under `categories:`)."""
    ids = []
    with open(codebook_path, encoding="utf-8") as f:
        in_categories = False
        for line in f:
            if line.startswith("categories:"):
                in_categories = True
            elif in_categories:
                match = re.match(r"^  - id: *([a-z][a-z0-9_]*)", line)
                if match:
                    ids.append(match.group(1))
    if not ids:
        sys.exit(f"{codebook_path}: no categories found")
    return ids


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("ground_truth")
    parser.add_argument("codebook")
    parser.add_argument("out")
    parser.add_argument("--languages", help="only posts whose intended language (ground truth `lang`) is one of these")
    args = parser.parse_args()
    ids = category_ids(args.codebook)
    languages = set(args.languages.split(",")) if args.languages else None
    seen = {}
    rows = []
    with open(args.ground_truth, encoding="utf-8", newline="") as f:
        for number, row in enumerate(csv.DictReader(f), 2):
            if row["kind"] == "broken" or not row["external_id"]:
                continue
            if languages and row["lang"].split("-")[0] not in languages:
                continue
            categories = [c for c in row["categories"].split(";") if c]
            unknown = [c for c in categories if c not in ids]
            if unknown:
                sys.exit(f"{args.ground_truth}:{number}: categories {unknown} are not in {args.codebook}")
            key = (row["platform"], row["external_id"])
            if key in seen:
                if seen[key] != categories:
                    sys.exit(f"{args.ground_truth}:{number}: {key} appears twice with different categories")
                continue
            seen[key] = categories
            rows.append([row["external_id"], row["platform"]] + [1 if c in categories else 0 for c in ids])
    with open(args.out, "w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(["id", "platform"] + ids)
        writer.writerows(rows)
    print(f"{args.out}: {len(rows)} posts labelled from {args.ground_truth}")


if __name__ == "__main__":
    main()
