#!/usr/bin/env python3
"""Turns the shared real-post development corpus into inputs our tools read, for `make eval-coder`.

Input: ../shared/data/real-posts/ (dev.jsonl and the label CSVs; see its README).
Output (a folder, default data/eval/input):
  posts.csv                our-names CSV (id, text, created_at, platform, community): every post that
                           is not a Reddit comment with a known thread
  reddit_comments.ndjson   Reddit comments with their thread's title, as Reddit's API lists them
                           (`body`, `link_title`, `subreddit`, `created_utc`), so ingest stores
                           posts.thread_title exactly as it would for a real Reddit export
  labels_adjudicated.csv, labels_coder_a.csv, labels_coder_b.csv
                           the label files with each id replaced by the external id ingest stores
                           (`t1_<id>` for the NDJSON comments) and a platform column; notes kept
  id_map.csv               corpus id -> platform, external id, file, and what was done to its date
  truth.csv                the adjudicated labels as `aggregate simulate-coverage --truth` reads them
                           (platform, external_id, categories joined by ';'), to check the estimators'
                           intervals on real posts

Decisions, all visible in id_map.csv and docs/code.md:
  - Dates: the corpus gives a day (YYYY-MM-DD) or nothing. A day becomes 00:00:00 UTC of that day.
    45 posts have no date: they get the placeholder 1990-01-01T00:00:00Z (the earliest date ingest
    accepts), so no one can mistake it for a real date; nothing in coding depends on dates.
  - Quotes (kind "quote": posts reproduced in articles) and the other platforms stay in, with the
    platform the corpus names; they are labelled like the rest.
  - The corpus's `topic` (the collector's relevance call) and `lang` are not passed on: coders and
    language-detect see only what a platform export would carry.
The evaluation database is separate from the study (data/eval/real-posts.sqlite).
"""
import argparse
import csv
import datetime
import json
import os
import sys

PLACEHOLDER_DATE = "1990-01-01T00:00:00Z"
LABEL_FILES = {
    "dev_labels.csv": "labels_adjudicated.csv",
    "dev_labels_coder_a.csv": "labels_coder_a.csv",
    "dev_labels_coder_b.csv": "labels_coder_b.csv",
}


def iso_date(day):
    """The corpus's YYYY-MM-DD as midnight UTC, or the placeholder."""
    if day is None:
        return PLACEHOLDER_DATE, "undated: placeholder " + PLACEHOLDER_DATE
    parsed = datetime.date.fromisoformat(day)
    return parsed.isoformat() + "T00:00:00Z", "day only: 00:00:00 UTC"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", help="the real-posts folder (../shared/data/real-posts)")
    parser.add_argument("out", help="output folder")
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)

    posts = []
    with open(os.path.join(args.corpus, "dev.jsonl"), encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            if line.strip():
                try:
                    posts.append(json.loads(line))
                except json.JSONDecodeError as error:
                    sys.exit(f"{args.corpus}/dev.jsonl:{number}: {error}")

    external = {}  # corpus id -> (platform, external id)
    id_rows = []
    csv_rows = []
    ndjson_lines = []
    for post in posts:
        created, date_note = iso_date(post.get("date"))
        community = (post.get("subreddit") or "").removeprefix("r/")
        platform = post["platform"]
        if platform == "reddit" and post.get("reddit_item") == "comment" and post.get("parent_post_title"):
            unix = int(datetime.datetime.fromisoformat(created.replace("Z", "+00:00")).timestamp())
            ndjson_lines.append(json.dumps({"id": post["id"], "body": post["text"], "link_title": post["parent_post_title"],
                                            "subreddit": community or None, "created_utc": unix},
                                           ensure_ascii=False, sort_keys=True))
            external[post["id"]] = (platform, "t1_" + post["id"])
            file = "reddit_comments.ndjson"
        else:
            csv_rows.append({"id": post["id"], "text": post["text"], "created_at": created, "platform": platform,
                             "community": community})
            external[post["id"]] = (platform, post["id"])
            file = "posts.csv"
        id_rows.append({"id": post["id"], "platform": platform, "external_id": external[post["id"]][1], "file": file,
                        "kind": post.get("kind", ""), "date": date_note})

    with open(os.path.join(args.out, "posts.csv"), "w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, ["id", "text", "created_at", "platform", "community"], lineterminator="\n")
        writer.writeheader()
        writer.writerows(csv_rows)
    with open(os.path.join(args.out, "reddit_comments.ndjson"), "w", encoding="utf-8") as f:
        f.write("".join(line + "\n" for line in ndjson_lines))
    with open(os.path.join(args.out, "id_map.csv"), "w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, ["id", "platform", "external_id", "file", "kind", "date"], lineterminator="\n")
        writer.writeheader()
        writer.writerows(id_rows)

    for source, target in LABEL_FILES.items():
        with open(os.path.join(args.corpus, source), encoding="utf-8", newline="") as f:
            reader = csv.DictReader(f)
            rows = list(reader)
            fields = reader.fieldnames
        out_fields = ["id", "platform"] + [name for name in fields if name != "id"]
        with open(os.path.join(args.out, target), "w", encoding="utf-8", newline="") as f:
            writer = csv.DictWriter(f, out_fields, lineterminator="\n")
            writer.writeheader()
            for number, row in enumerate(rows, 2):
                if row["id"] not in external:
                    sys.exit(f"{args.corpus}/{source}:{number}: id '{row['id']}' is not in dev.jsonl")
                platform, external_id = external[row["id"]]
                writer.writerow({**row, "id": external_id, "platform": platform})
        if source == "dev_labels.csv":
            categories = [name for name in fields if name != "id" and all(r[name] in ("0", "1") for r in rows)]
            with open(os.path.join(args.out, "truth.csv"), "w", encoding="utf-8", newline="") as f:
                f.write("platform,external_id,categories\n")
                for row in rows:
                    platform, external_id = external[row["id"]]
                    f.write(f"{platform},{external_id},{';'.join(c for c in categories if row[c] == '1')}\n")

    undated = sum(1 for row in id_rows if row["date"].startswith("undated"))
    print(f"{args.out}: {len(csv_rows)} posts in posts.csv, {len(ndjson_lines)} Reddit comments with their thread title "
          f"in reddit_comments.ndjson; {undated} undated posts got the placeholder date {PLACEHOLDER_DATE} (see id_map.csv)")


if __name__ == "__main__":
    main()
