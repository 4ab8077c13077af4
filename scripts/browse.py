#!/usr/bin/env python3
"""Browse the study database in Datasette, read-only (`make browse`).

    browse.py metadata [--out FILE]          the Datasette metadata, generated (stdout by default)
    browse.py serve [--db FILE] [--port N]   serve the study on 127.0.0.1 until Ctrl-C
    browse.py screenshot --db FILE --out DIR  PNGs of pages, by headless Chromium (docs/browse-*.png)

The metadata is made from the documentation, so it stays in step with it: table and column
descriptions from docs/schema.md (every `### \`table\`` heading, the paragraph under it and its
`| column | meaning |` rows), and canned queries from the Markdown SQL notebooks (every ```sql
block whose first line is `-- datasette: NAME: TITLE`), so the queries people run in the notebooks
are one click away in the browser. Datasette opens the database immutable (`-i`): it cannot write
to it, and SQLite does not even take locks on it.

Needs Datasette in the venv .build/datasette (make browse-venv). Standard library only otherwise.
"""
import argparse
import contextlib
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
VENV = os.path.join(ROOT, ".build", "datasette")
DATASETTE = os.path.join(VENV, "bin", "datasette")
STATIC = os.path.join(ROOT, "scripts", "browse-static")

# Facets shown on each table's page: the ways people slice the study first.
FACETS = {
    "posts_overview": ["platform", "language", "cluster_kind", {"array": "codes"}],
    "posts": ["platform", "lang_hint", "is_reply"],
    "post_languages": ["language", "detector", "und_reason"],
    "post_clusters": ["kind"],
    "clusters": [],
    "codings": ["coder", "category", "value"],
    "aggregate_estimates": ["posts_set", "breakdown", "category", "method"],
    "rejects": ["reason_code"],
    "runs": ["stage", "status"],
}
# Long texts are cut in table pages (the row page shows all of it).
TRUNCATE_CELLS = 160


def parse_schema_doc(path):
    """{table: {"description": str, "columns": {column: meaning}}} from docs/schema.md."""
    tables = {}
    current = None
    prose = []
    header = None  # the first cell of the current Markdown table's header row, None outside tables
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    for line in lines:
        if not line.startswith("|"):
            header = None
        heading = re.match(r"^###\s+`([A-Za-z_][A-Za-z0-9_]*)`\s*$", line)
        if heading:
            current = {"description": "", "columns": {}}
            tables[heading.group(1)] = current
            prose = []
            continue
        if line.startswith("#"):
            current = None
            continue
        if current is None:
            continue
        if line.startswith("|"):
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if header is None:
                header = cells[0]
                continue
            # Only `| column | meaning |` tables describe columns (`| key | meaning |` ones describe keys).
            if header != "column" or len(cells) < 2 or set(cells[0]) <= set("-: "):
                continue
            # Datasette shows descriptions as plain text: Markdown's code quotes would show as backticks.
            meaning = " | ".join(cells[1:]).strip().replace("`", "")
            for name in split_column_names(cells[0]):
                current["columns"][name] = meaning
        elif line.strip() and not current["columns"]:
            prose.append(line.strip().replace("`", ""))
            current["description"] = " ".join(prose)
    return tables


def split_column_names(cell):
    """`a / b / c` or `a, b, c` (each part an identifier, possibly in backticks) name several columns."""
    parts = [p.strip().strip("`") for p in re.split(r"\s*/\s*|\s*,\s*", cell)]
    if all(re.fullmatch(r"[A-Za-z_][A-Za-z0-9_.]*", p) for p in parts):
        return parts
    return [cell.strip("`")]


def canned_queries(notebook_paths):
    """{name: {"title", "sql", "description"}} from ```sql blocks starting with `-- datasette: NAME: TITLE`."""
    queries = {}
    for path in notebook_paths:
        with open(path, encoding="utf-8") as f:
            text = f.read()
        for block in re.finditer(r"^```sql[ \t]*\n(.*?)^```", text, flags=re.M | re.S):
            sql = block.group(1)
            first = sql.split("\n", 1)[0]
            marker = re.match(r"^--\s*datasette:\s*([a-z][a-z0-9_]*)\s*:\s*(.+?)\s*$", first)
            if not marker:
                continue
            name, title = marker.groups()
            if name in queries:
                sys.exit("browse.py: %s: canned query '%s' is defined twice" % (path, name))
            body = sql.split("\n", 1)[1].strip().rstrip(";").strip()
            queries[name] = {
                "title": title,
                "sql": body,
                "description": "From the notebook %s." % os.path.relpath(path, ROOT),
            }
    return queries


def metadata(database_name="study"):
    schema = parse_schema_doc(os.path.join(ROOT, "docs", "schema.md"))
    notebooks = sorted(
        os.path.join(ROOT, "notebooks-md", n)
        for n in os.listdir(os.path.join(ROOT, "notebooks-md")) if n.endswith(".md"))
    tables = {}
    for name, doc in sorted(schema.items()):
        entry = {"description": doc["description"], "columns": doc["columns"]}
        if name in FACETS:
            entry["facets"] = FACETS[name]
        tables[name] = entry
    missing = sorted(set(FACETS) - set(tables))
    if missing:
        sys.exit("browse.py: docs/schema.md does not document %s (facets are set for them)" % ", ".join(missing))
    return {
        "title": "The #keep4o study",
        "extra_css_urls": ["/browse-static/browse.css"],
        "description": "The study database, read-only. Tables and columns are described as in docs/schema.md; "
                       "canned queries come from the notebooks in notebooks-md/.",
        "databases": {database_name: {"tables": tables, "queries": canned_queries(notebooks)}},
    }


def free_port():
    with contextlib.closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def datasette_command(db, metadata_path, port):
    if not os.path.exists(DATASETTE):
        sys.exit("browse.py: Datasette is not installed: run `make browse-venv` (a venv in .build/datasette)")
    return [DATASETTE, "serve", "-i", db, "--metadata", metadata_path, "--host", "127.0.0.1", "--port", str(port),
            "--setting", "truncate_cells_html", str(TRUNCATE_CELLS), "--setting", "sql_time_limit_ms", "5000",
            "--setting", "facet_time_limit_ms", "1000", "--setting", "default_facet_size", "8",
            "--static", "browse-static:" + STATIC]


def check_database(db):
    if not os.path.isfile(db):
        sys.exit("browse.py: %s: no study database here: run `make` (or point --db at one)" % db)
    wal = db + "-wal"
    if os.path.exists(wal) and os.path.getsize(wal) > 0:
        print("browse.py: note: %s is not empty: a stage is running or was killed; immutable mode shows the "
              "database as of its last checkpoint" % wal, file=sys.stderr)


def write_metadata(db):
    os.makedirs(VENV, exist_ok=True)
    path = os.path.join(VENV, "metadata.json")
    name = os.path.splitext(os.path.basename(db))[0]
    with open(path, "w", encoding="utf-8") as f:
        json.dump(metadata(name), f, indent=2, sort_keys=True, ensure_ascii=False)
    return path


@contextlib.contextmanager
def running_server(db, port=None):
    """Datasette on 127.0.0.1 for the duration of the block; stopped (its whole process group) after."""
    check_database(db)
    port = port or free_port()
    metadata_path = write_metadata(db)
    log = tempfile.TemporaryFile()
    process = subprocess.Popen(datasette_command(db, metadata_path, port), stdout=log, stderr=subprocess.STDOUT,
                               start_new_session=True)
    base = "http://127.0.0.1:%d" % port
    try:
        deadline = time.time() + 60
        while True:
            try:
                with urllib.request.urlopen(base + "/-/versions.json", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if process.poll() is not None or time.time() > deadline:
                log.seek(0)
                raise RuntimeError("Datasette did not start:\n" + log.read().decode("utf-8", "replace"))
            time.sleep(0.2)
        yield base
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        log.close()


def chromium():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        for folder in os.environ.get("PATH", "").split(os.pathsep):
            path = os.path.join(folder, name)
            if os.access(path, os.X_OK):
                return path
    sys.exit("browse.py: no chromium: install Debian's `chromium` (scripts/apt-packages.txt lists it)")


def screenshot(url, out, width=1400, height=1000):
    """A PNG of `url` by headless Chromium (its own throwaway profile, no sandbox: it may run as root in CI)."""
    with tempfile.TemporaryDirectory() as profile:
        command = [chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                   "--user-data-dir=" + profile, "--window-size=%d,%d" % (width, height),
                   "--screenshot=" + os.path.abspath(out), url]
        result = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=120,
                                start_new_session=True)
        if result.returncode != 0 or not os.path.exists(out):
            output = result.stdout.decode("utf-8", "replace")[-2000:]
            raise RuntimeError("chromium failed (%d): %s" % (result.returncode, output))
    return out


# Pages kept as pictures in docs/: the posts table with its facets, and the per-post overview.
SCREENSHOTS = [
    ("browse-posts.png", "/{db}/posts?_size=10&_col=platform&_col=created_at&_col=lang_hint&_col=like_count&_col=text"),
    ("browse-posts-overview.png",
     "/{db}/posts_overview?_size=10&_col=post_id&_col=language&_col=cluster_kind&_col=codes&_col=text"),
]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    m = sub.add_parser("metadata")
    m.add_argument("--out")
    m.add_argument("--name", default="study", help="the database's name in Datasette (its file name without extension)")
    s = sub.add_parser("serve")
    s.add_argument("--db", default=os.environ.get("STUDY_DB") or "data/study.sqlite")
    s.add_argument("--port", type=int, default=8001)
    p = sub.add_parser("screenshot")
    p.add_argument("--db", required=True)
    p.add_argument("--out", required=True, help="folder for the PNGs")
    args = parser.parse_args()

    if args.command == "metadata":
        text = json.dumps(metadata(args.name), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
        if args.out:
            with open(args.out, "w", encoding="utf-8") as f:
                f.write(text)
        else:
            sys.stdout.write(text)
    elif args.command == "serve":
        check_database(args.db)
        command = datasette_command(args.db, write_metadata(args.db), args.port)
        print("Serving %s read-only (immutable) at http://127.0.0.1:%d/  (Ctrl-C stops it)" % (args.db, args.port))
        os.execv(command[0], command)
    elif args.command == "screenshot":
        os.makedirs(args.out, exist_ok=True)
        name = os.path.splitext(os.path.basename(args.db))[0]
        with running_server(args.db) as base:
            for file_name, path in SCREENSHOTS:
                out = os.path.join(args.out, file_name)
                screenshot(base + path.format(db=name), out, height=1600)
                print("browse.py: wrote %s" % out)


if __name__ == "__main__":
    main()
