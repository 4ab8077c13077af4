#!/usr/bin/env python3
"""Datasette over a real sample study: start the server (as `make browse` does), query canned
queries through Datasette's JSON API and check their rows against the database (read here with
Python's sqlite3 and computed independently), check that the server wrote nothing, and render
the posts table in headless Chromium. Run by `make test` with the venv .build/datasette:

    .build/datasette/bin/python Tests/browse/test_browse.py

Every server is stopped (its process group killed) when its test ends, pass or fail.
"""
import hashlib
import json
import math
import os
import sqlite3
import struct
import sys
import tempfile
import unittest
import urllib.parse
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "scripts"))
sys.path.insert(0, os.path.join(ROOT, "Tests", "Helpers"))
import browse  # noqa: E402
import build_sample_study  # noqa: E402


def get_json(url):
    with urllib.request.urlopen(url, timeout=60) as response:
        return json.load(response)


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def wilson(count, n, z=1.959963984540054):
    """The Wilson score interval, written out here from its formula (Wilson 1927)."""
    p = count / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return centre - half, centre + half


class BrowseTests(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.folder = tempfile.TemporaryDirectory(prefix="browse-test-")
        cls.db = build_sample_study.build(cls.folder.name, os.path.join(ROOT, ".build", "debug"))
        cls.sql = sqlite3.connect("file:%s?mode=ro" % cls.db, uri=True)

    @classmethod
    def tearDownClass(cls):
        cls.sql.close()
        cls.folder.cleanup()

    def query(self, base, name, **params):
        params["_shape"] = "objects"
        params["_size"] = "max"
        return get_json("%s/study/%s.json?%s" % (base, name, urllib.parse.urlencode(params)))

    def test_canned_queries_return_the_rows_of_the_database(self):
        before = sha256(self.db)
        with browse.running_server(self.db) as base:
            # The largest campaigns: cluster sizes counted here from post_clusters, not with the query's SQL.
            campaigns = self.query(base, "largest_campaigns")["rows"]
            sizes = {}
            for (canonical,) in self.sql.execute("SELECT canonical_post_id FROM post_clusters"):
                sizes[canonical] = sizes.get(canonical, 0) + 1
            expected = sorted(((-n, c) for c, n in sizes.items() if n > 1))[:10]
            self.assertEqual([(-r["size"], r["canonical_post_id"]) for r in campaigns], expected)
            self.assertGreater(campaigns[0]["size"], 1)

            # Prevalence: every row's interval is the Wilson interval of its own count and n.
            prevalence = self.query(base, "prevalence")["rows"]
            stored = self.sql.execute(
                "SELECT count(*) FROM aggregate_estimates WHERE posts_set = 'canonical' AND breakdown = 'all' AND method = 'naive'"
            ).fetchone()[0]
            self.assertEqual(len(prevalence), stored)
            self.assertEqual(prevalence[0]["category"], "relevant")
            for row in prevalence:
                if row["n"] == 0:
                    continue
                low, high = wilson(row["count"], row["n"])
                self.assertAlmostEqual(row["share"], round(row["count"] / row["n"], 4), places=4)
                self.assertAlmostEqual(row["ci_low"], round(low, 4), places=4, msg=row["category"])
                self.assertAlmostEqual(row["ci_high"], round(high, 4), places=4, msg=row["category"])

            # A category's posts, with the category given as a form field.
            posts = self.query(base, "category_posts", category="more_than_tool")["rows"]
            coder = self.sql.execute("SELECT value FROM study_settings WHERE key = 'primary_coder'").fetchone()[0]
            coded = {p for (p,) in self.sql.execute(
                "SELECT post_id FROM codings WHERE coder = ? AND category = 'more_than_tool' AND value = 1", (coder,))}
            self.assertEqual(len(posts), min(50, len(coded)))
            self.assertTrue(all(r["post_id"] in coded and r["category"] == "more_than_tool" for r in posts))
            self.assertTrue(all(json.loads(r["evidence"]) for r in posts), "each row carries the coder's evidence")

            # Disagreements between the two human coders: counted here pair by pair.
            disagreements = self.query(base, "disagreements")["rows"]
            labels = {}
            for post, category, coder_name, value in self.sql.execute(
                    "SELECT post_id, category, coder, value FROM codings WHERE coder LIKE 'human:%'"):
                labels.setdefault((post, category), {})[coder_name] = value
            expected = sorted((post, category) for (post, category), by in labels.items()
                              if len(by) == 2 and len(set(by.values())) == 2)
            self.assertEqual(sorted((r["post_id"], r["category"]) for r in disagreements), expected)
            self.assertGreater(len(expected), 0, "the fixture's coders disagree on some posts")

            # Facets of the posts overview: counts per language equal the database's.
            overview = get_json(base + "/study/posts_overview.json?_facet=language&_size=0")
            facet = {v["value"]: v["count"] for v in overview["facet_results"]["language"]["results"]}
            for language, n in self.sql.execute("SELECT language, count(*) FROM post_languages GROUP BY 1"):
                if language in facet:
                    self.assertEqual(facet[language], n, language)
            posts_count = self.sql.execute("SELECT count(*) FROM posts").fetchone()[0]
            self.assertEqual(overview["filtered_table_rows_count"], posts_count)

            # Descriptions come from docs/schema.md.
            table_metadata = get_json(base + "/-/metadata.json")["databases"]["study"]["tables"]
            self.assertIn("HMAC-SHA256", table_metadata["posts"]["columns"]["author_key"])

            # Read-only: writing SQL is refused.
            with self.assertRaises(urllib.error.HTTPError):
                get_json(base + "/study.json?sql=" + urllib.parse.quote("DELETE FROM posts"))
        self.assertEqual(sha256(self.db), before, "the server changed the database file")
        self.assertFalse(os.path.exists(self.db + "-wal") and os.path.getsize(self.db + "-wal") > 0)

    def test_posts_table_renders_in_headless_chromium(self):
        with tempfile.TemporaryDirectory() as out:
            with browse.running_server(self.db) as base:
                page = browse.screenshot(base + "/study/posts?_size=15&_facet=platform", os.path.join(out, "posts.png"),
                                         width=1200, height=800)
            with open(page, "rb") as f:
                png = f.read()
            self.assertEqual(png[:8], b"\x89PNG\r\n\x1a\n")
            width, height = struct.unpack(">II", png[16:24])
            self.assertEqual((width, height), (1200, 800))
            self.assertGreater(len(png), 20_000, "a blank page would compress to almost nothing")

    def test_metadata_names_every_canned_query_of_the_notebooks(self):
        meta = browse.metadata("study")
        queries = meta["databases"]["study"]["queries"]
        self.assertEqual(sorted(queries), ["category_posts", "disagreements", "largest_campaigns", "prevalence"])
        tables = meta["databases"]["study"]["tables"]
        self.assertIn("posts_overview", tables)
        self.assertEqual(tables["posts_overview"]["facets"][-1], {"array": "codes"})
        # Every table of the database is described, and every column of it.
        names = [n for (n,) in self.sql.execute(
            "SELECT name FROM sqlite_schema WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite_%'"
            " ORDER BY name")]
        undocumented = [n for n in names if n not in tables]
        self.assertEqual(undocumented, [], "tables without a ### heading in docs/schema.md")
        for table in names:
            if table not in tables:
                continue
            columns = [r[1] for r in self.sql.execute("PRAGMA table_info(%s)" % table)]
            missing = [c for c in columns if c not in tables[table]["columns"]]
            self.assertEqual(missing, [], "%s: columns without a description in docs/schema.md" % table)


if __name__ == "__main__":
    unittest.main(verbosity=2)
