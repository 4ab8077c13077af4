#!/usr/bin/env bash
# The real output shown in docs/annotate.md, one text file per example, made by the release tools
# on a COPY of a study (the bundled sample study after `make`); the study itself is only read.
#
#   scripts/annotate_doc_examples.sh data/study.sqlite /tmp/out
#
# Files written to the output folder (each starts with the commands, as `$ annotate ...` lines):
#   screen.txt            the coding screen at 80x24 on a reply, scrolled to its second page
#   screen-definition.txt the same screen after `?` (the definition page in the post's place)
#   reference.txt         a pilot coder's spreadsheet (CSV without a status column) imported
#   disagree.txt          `annotate agreement --disagreements` (its last line) and the CSV it wrote
#   status.txt            `adjudicate --unanimous-only`, a coder's later change, `adjudicate --status`
#   validate.txt          `annotate validate --against adjudicated` (with the re-opened post left out)
#   errors.txt            `annotate validate --errors` against the pilot coder
#   kwic.txt              `annotate kwic`
#
# The sample study has no human coders. As in the Makefile's validation-sample target, the
# generator's ground truth (data/sample/ground_truth.csv, through scripts/ground_truth_labels.py)
# stands in for them: coder1 of the pilot sample gets the ground truth of the posts assigned to
# them, and coder2 gets the same labels EXCEPT on a few shared posts changed on purpose below, so
# that the two coders disagree there (the agreement, disagreement and adjudication examples need
# that). Needs: the release tools (BIN, default .build/release), sqlite3, python3; the screen is
# rendered by the PyPI package pyte in .build/docex-venv (created on the first run), or, when it
# cannot be installed, by cutting the last frame out of the raw output.
set -euo pipefail

if [[ $# -ne 2 ]]; then
    echo "usage: $0 STUDY.sqlite OUT_DIR   (e.g. $0 data/study.sqlite /tmp/out)" >&2
    exit 2
fi
study=$1
out=$2
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bin=${BIN:-$repo/.build/release}
truth=$repo/data/sample/ground_truth.csv
[[ -f $study ]] || { echo "$0: $study: no such study" >&2; exit 1; }
[[ -x $bin/annotate ]] || { echo "$0: $bin/annotate: build the release tools first (make build)" >&2; exit 1; }

mkdir -p "$out"
work=$(mktemp -d "${TMPDIR:-/tmp}/annotate-doc.XXXXXX")
trap 'rm -rf "$work"' EXIT
db=$work/study.sqlite
# A consistent copy even while another process writes the study; every command below uses the copy.
sqlite3 -readonly "$study" ".backup '$db'"
export STUDY_DB=$db

sample=pilot
# The lexicon coder `make` codes with (codebooks/keep4o.yaml), e.g. lexicon:keep4o@1.1.
lexicon=$(cd "$repo" && "$bin/code" coder-name)
coder1=coder1
coder2=coder2

# "$ annotate ARGS" (quoted where a shell would need it, without --db) and the command's output.
show() {
    local shown=() arg
    for arg in "$@"; do
        if [[ $arg =~ ^[A-Za-z0-9_./:,=@+-]+$ ]]; then shown+=("$arg"); else shown+=("\"$arg\""); fi
    done
    echo "\$ annotate ${shown[*]}"
    "$bin/annotate" "$@" 2>&1
}

decisions_of() {   # how many decisions a coder has stored in the sample
    sqlite3 "$db" "SELECT count(*) FROM annotation_progress p JOIN samples s USING (sample_id)
                   WHERE s.name = '$sample' AND p.coder = 'human:$1'"
}

# --- The coding screen --------------------------------------------------------------------------
# Before any import, so coder1 has decided nothing and `]` (next undecided post, which saves nothing)
# walks their posts in order. The post: the reply of coder1 with the most text lines, so that it
# has a second page at 80x24.
venv=$repo/.build/docex-venv
python=python3
if [[ ! -x $venv/bin/python ]] || ! "$venv/bin/python" -c "import pyte" 2>/dev/null; then
    { python3 -m venv "$venv" && "$venv/bin/pip" install --quiet "pyte==0.8.2"; } >&2 \
        || echo "$0: pyte could not be installed; the screen is cut from the raw output" >&2
fi
if "$venv/bin/python" -c "import pyte" 2>/dev/null; then python=$venv/bin/python; fi

cat > "$work/screen.py" <<'PY'
"""Runs `annotate code` on a pseudo-terminal of 80x24, types keys, and writes what the screen shows."""
import os, pty, re, select, struct, fcntl, sqlite3, sys, termios, time, unicodedata

annotate, db, sample, coder, screen_out, definition_out = sys.argv[1:7]
COLUMNS, ROWS = 80, 24

def width(text):
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)

# coder1's posts in the order the screen shows them (sample position), and the reply with most lines.
posts = sqlite3.connect(f"file:{db}?mode=ro", uri=True).execute("""
    SELECT p.post_id, p.text, p.replied_to_id IS NOT NULL
    FROM sample_posts s JOIN samples m ON m.sample_id = s.sample_id JOIN posts p ON p.post_id = s.post_id
    JOIN sample_assignments a ON a.sample_id = s.sample_id AND a.post_id = s.post_id AND a.coder = ?
    WHERE m.name = ? ORDER BY s.position""", ("human:" + coder, sample)).fetchall()
def lines(text):
    return sum(max(1, -(-width(line) // COLUMNS)) for line in text.split("\n"))
index, post_id = max(((i, p[0]) for i, p in enumerate(posts) if p[2]), key=lambda ip: (lines(posts[ip[0]][1]), -ip[0]))

try:
    import pyte
    screen = pyte.Screen(COLUMNS, ROWS)
    stream = pyte.ByteStream(screen)
except ImportError:
    pyte = None
raw = bytearray()

pid, fd = pty.fork()
if pid == 0:
    fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLUMNS, 0, 0))
    env = dict(os.environ, TERM="xterm-256color", NO_COLOR="1")
    os.execve(annotate, [annotate, "code", "--db", db, "--sample", sample, "--coder", coder], env)

def pump(quiet=0.6, limit=15.0):
    """Reads the program's output until it has been quiet for `quiet` seconds."""
    end = time.time() + limit
    while time.time() < end:
        ready, _, _ = select.select([fd], [], [], quiet)
        if not ready:
            return True
        try:
            data = os.read(fd, 65536)
        except OSError:
            return False
        if not data:
            return False
        raw.extend(data)
        if pyte:
            stream.feed(data)
    return True

def shown():
    if pyte:
        return [line.rstrip() for line in screen.display]
    # Without pyte: every frame starts at ESC[H; take the last one and drop the escape sequences.
    frame = bytes(raw).rsplit(b"\x1b[H", 1)[-1].decode("utf-8", "replace")
    frame = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", frame)
    return [line.rstrip() for line in frame.split("\r\n")][:ROWS]

def keys(data):
    os.write(fd, data)
    pump()

pump()
for _ in range(index):
    keys(b"]")                 # next undecided post: moves without deciding anything
keys(b"\x1b[6~")               # PgDn: the post's second page
first = shown()
keys(b"?")                     # the highlighted category's definition, in the post's place
second = shown()
keys(b"\x1b")                  # Esc: back to the post
keys(b"q")                     # quit; nothing was decided
pump(quiet=1.0)
_, status = os.waitpid(pid, 0)
if os.waitstatus_to_exitcode(status) != 0:
    sys.exit(f"annotate code exited with {os.waitstatus_to_exitcode(status)}")
if not any(f"#{post_id} " in line for line in first):
    sys.exit(f"the screen does not show post #{post_id}:\n" + "\n".join(first))
for path, rows in ((screen_out, first), (definition_out, second)):
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(rows).rstrip("\n") + "\n")
print(f"post {post_id}, post {index + 1} of coder {coder}'s list", file=sys.stderr)
PY
before=$(decisions_of "$coder1")
"$python" "$work/screen.py" "$bin/annotate" "$db" "$sample" "$coder1" "$work/screen" "$work/screen-definition"
after=$(decisions_of "$coder1")
[[ $before == "$after" ]] || { echo "$0: the screen stored decisions ($before -> $after)" >&2; exit 1; }
{ echo "\$ annotate code --sample $sample --coder $coder1     # ] to the reply, PgDn"; cat "$work/screen"; } \
    > "$out/screen.txt"
{ echo "\$ annotate code --sample $sample --coder $coder1     # then ?"; cat "$work/screen-definition"; } \
    > "$out/screen-definition.txt"

# --- The coders' spreadsheets ---------------------------------------------------------------------
python3 "$repo/scripts/ground_truth_labels.py" --db "$db" --sample "$sample" --truth "$truth" \
    --out "$work/pilot-truth.csv" >&2
# Each coder's file holds only the posts assigned to them (import refuses others). coder1's has no
# status column, as a spreadsheet made by hand. coder2's differs ON PURPOSE from the ground truth on
# the first four shared posts the ground truth codes relevant: 'grief' is flipped there (grief is in
# no implication, so the changed rows still follow the codebook's rules). change.csv is coder2's later
# change of one more shared post (its 'grief' flipped too), made after adjudication to re-open it.
python3 - "$db" "$sample" "$coder1" "$coder2" "$work" <<'PY'
import csv, sqlite3, sys
db, sample, coder1, coder2, work = sys.argv[1:6]
con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
def assigned(coder):
    return {row[0] for row in con.execute("""
        SELECT a.post_id FROM sample_assignments a JOIN samples s USING (sample_id)
        WHERE s.name = ? AND a.coder = ?""", (sample, "human:" + coder))}
mine1, mine2 = assigned(coder1), assigned(coder2)
with open(f"{work}/pilot-truth.csv", newline="", encoding="utf-8") as f:
    rows = list(csv.DictReader(f))
header = list(rows[0].keys())
shared = [r for r in rows if int(r["post_id"]) in mine1 & mine2 and r["relevant"] == "1"]
changed, later = shared[:4], shared[4]
def write(path, selected, columns, flip=()):
    with open(path, "w", newline="", encoding="utf-8") as f:
        out = csv.writer(f, lineterminator="\n")
        out.writerow(columns)
        for r in selected:
            values = dict(r)
            if r["post_id"] in flip:
                values["grief"] = "0" if r["grief"] == "1" else "1"
            out.writerow([values[c] for c in columns])
write(f"{work}/{coder1}.csv", [r for r in rows if int(r["post_id"]) in mine1], [c for c in header if c != "status"])
write(f"{work}/{coder2}.csv", [r for r in rows if int(r["post_id"]) in mine2], header,
      flip={r["post_id"] for r in changed})
write(f"{work}/change.csv", [later], header, flip={later["post_id"]})
print(f"coder2 differs on posts {', '.join(r['post_id'] for r in changed)}; later change: post {later['post_id']}",
      file=sys.stderr)
PY

cd "$work"   # so the commands show short file names
{
    echo "\$ head -3 $coder1.csv"
    head -3 "$coder1.csv"
    show import --sample "$sample" --coder "$coder1" "$coder1.csv"
} > "$out/reference.txt"
"$bin/annotate" import --sample "$sample" --coder "$coder2" "$coder2.csv" >&2

# --- Agreement: the disagreements sheet -----------------------------------------------------------
# The agreement table itself is cut to "…" (docs/annotate.md shows one above); its last line names the file.
show agreement --sample "$sample" --disagreements disagreements.csv > agreement.txt
{
    head -n 1 agreement.txt
    echo "…"
    tail -n 1 agreement.txt
    echo "\$ cat disagreements.csv"
    cat disagreements.csv
} > "$out/disagree.txt"

# --- Adjudication: the agreed posts settled, a coder's later change re-opens one -----------------
{
    show adjudicate --sample "$sample" --coder carol --unanimous-only
    show import --sample "$sample" --coder "$coder2" change.csv
    show adjudicate --sample "$sample" --status
} > "$out/status.txt"

# --- Validation against the settled labels (the re-opened post is left out) ------------------------
# The lexicon coder only: `make`'s supervised coder learned from the ground truth of the training
# sample, which (same seed and strata) holds every post of the pilot sample, so its figures here would
# be measured on its own training labels.
show validate --against adjudicated --sample "$sample" --coders "$lexicon" > "$out/validate.txt"

# --- What the automated coder got wrong, against the pilot coder (coder1) -------------------------
show validate --against "$coder1" --sample "$sample" --coders "$lexicon" --errors --category companion --limit 3 \
    > "$out/errors.txt"

# --- A phrase in context: "friend" in posts the automated coder left out of companion ---------------
show kwic friend --category companion --value 0 --coder "$lexicon" --canonical --sort right --context 32 --limit 8 \
    > "$out/kwic.txt"

ls "$out"
