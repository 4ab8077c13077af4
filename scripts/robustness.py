#!/usr/bin/env python3
"""Kill-and-rerun, concurrency and memory checks of the pipeline (`make robustness`).

Needs the release binaries (`swift build -c release`; `make robustness` builds them once).

1. Reference: every stage, uninterrupted, on data/sample into a fresh database, then
   `aggregate export`. Each stage's duration is measured.
2. Kill and re-run: for several rounds, from an empty database, each stage in order is started
   again and again and SIGKILLed after a seeded random delay scaled to its measured duration;
   after every kill the database must pass `PRAGMA integrity_check` and the stage's output must be
   either what was there before or the whole new output (never half of it); then the stage is
   run without a kill and its output must equal the reference run's (row counts and content,
   run ids left out). At the end of each round the export directory must equal the reference's
   byte for byte. Only kills that landed while the process was still running are counted.
3. Ingest on a bigger input (--bench posts split over several files, one transaction per file):
   after a kill the committed files must be a prefix of the command line, each complete
   (read = stored + duplicates + rejected); the re-run must skip them and finish the rest.
4. Concurrency: `annotate import` sessions of two coders, repeated, while dedupe, language-detect,
   code and aggregate run on the same database; nothing may fail with "database is locked" and
   every annotation and output row must be there at the end.
5. Memory: ingest of a generated ~1 GB file, peak RSS from /usr/bin/time -f %M (--memory-mb 0 skips).

Prints `kills survived`, `rows lost` and the other figures; exits 1 on any failure.
"""
import argparse
import hashlib
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
BIN = os.path.join(ROOT, '.build', 'release')
SAMPLE = os.path.join(ROOT, 'data', 'sample')
SAMPLE_FILES = [os.path.join(SAMPLE, f) for f in ('x_keep4o.jsonl', 'x_keep4o_twarc.csv', 'reddit_keep4o.ndjson')]
SEED = '4242'

# Each stage: its command (a function of the database path) and the tables it writes.
STAGES = [
    ('ingest', lambda db: ['ingest', '--db', db] + SAMPLE_FILES,
     ['source_files', 'posts', 'duplicate_records', 'rejects']),
    ('dedupe', lambda db: ['dedupe', '--db', db, '--seed', SEED], ['post_clusters', 'clusters']),
    ('language-detect', lambda db: ['language-detect', '--db', db, '--model', os.path.join(ROOT, 'data/models/lid.176.ftz')],
     ['post_languages']),
    ('code', lambda db: ['code', '--db', db, '--codebook', os.path.join(ROOT, 'codebooks/keep4o.yaml')],
     ['codebooks', 'codings']),
    ('annotate-sample', lambda db: ['annotate', 'sample', '--db', db, '--name', 'pilot', '--size', '200', '--seed', SEED,
                                    '--coders', 'coder1,coder2', '--overlap', '0.3'],
     ['samples', 'sample_posts']),
    ('aggregate', lambda db: ['aggregate', 'run', '--db', db], None),  # tables listed at run time
]
# Columns that legitimately differ between databases: which run wrote a row, when, and author
# pseudonyms (keyed with a salt drawn per database).
VOLATILE = {'run_id', 'loaded_at', 'updated_at', 'author_key', 'samples.created_at'}
KEY_TABLES = ['posts', 'post_clusters', 'post_languages', 'codings']


class Failure(Exception):
    pass


def command(args):
    return [os.path.join(BIN, args[0])] + args[1:]


def run(args, check=True, cwd=ROOT):
    p = subprocess.run(command(args), cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if check and p.returncode != 0:
        raise Failure(f"{' '.join(args)} failed ({p.returncode}): {p.stderr.strip()[-600:]}")
    return p


def connect(db):
    return sqlite3.connect(f'file:{db}?mode=ro', uri=True, timeout=30)


def integrity(db):
    with connect(db) as c:
        result = c.execute('PRAGMA integrity_check').fetchall()
    c.close()
    if result != [('ok',)]:
        raise Failure(f'{db}: integrity_check says {result[:5]}')


def tables_of(db):
    c = connect(db)
    names = [r[0] for r in c.execute("SELECT name FROM sqlite_schema WHERE type='table' AND name NOT LIKE 'sqlite_%'")]
    c.close()
    return names


def digest(db, table, where='1'):
    """Row count and a hash of the content (volatile columns left out, rows in key order)."""
    c = connect(db)
    try:
        cols = [r[1] for r in c.execute(f'PRAGMA table_info("{table}")') if r[1] not in VOLATILE and f'{table}.{r[1]}' not in VOLATILE]
        if not cols:
            return (0, '')
        order = ', '.join(f'"{x}"' for x in cols)
        h = hashlib.sha256()
        n = 0
        for row in c.execute(f'SELECT {order} FROM "{table}" WHERE {where} ORDER BY {order}'):
            h.update(repr(row).encode())
            n += 1
        return (n, h.hexdigest()[:16])
    except sqlite3.OperationalError:
        return (None, 'no table')
    finally:
        c.close()


def state(db, tables):
    return {t: digest(db, t) for t in tables}


def runs_status(db):
    c = connect(db)
    rows = c.execute('SELECT status, count(*) FROM runs GROUP BY 1').fetchall()
    c.close()
    return dict(rows)


def dir_files(path):
    out = {}
    for base, _, files in os.walk(path):
        for f in files:
            full = os.path.join(base, f)
            with open(full, 'rb') as fh:
                out[os.path.relpath(full, path)] = hashlib.sha256(fh.read()).hexdigest()
    return out


def export(db, out):
    shutil.rmtree(out, ignore_errors=True)
    run(['aggregate', 'export', '--db', db, '--out', out])
    return dir_files(out)


def kill_after(args, delay):
    """Starts the command, SIGKILLs it after `delay` seconds. True when the kill landed while it ran."""
    p = subprocess.Popen(command(args), cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        p.wait(timeout=delay)
    except subprocess.TimeoutExpired:
        p.send_signal(signal.SIGKILL)
        p.wait()
        return True
    if p.returncode != 0:
        raise Failure(f"{' '.join(args)} failed without a kill ({p.returncode}): {p.stderr.read().decode()[-400:]}")
    return False


# ---------------------------------------------------------------------------------------------

def reference(work):
    db = os.path.join(work, 'reference.sqlite')
    durations, states = {}, {}
    for name, make, tables in STAGES:
        t0 = time.monotonic()
        run(make(db))
        durations[name] = time.monotonic() - t0
    aggregate_tables = [t for t in tables_of(db) if t.startswith('aggregate') or t.startswith('agg_')]
    for name, make, tables in STAGES:
        states[name] = state(db, tables if tables is not None else aggregate_tables)
    files = export(db, os.path.join(work, 'export-reference'))
    # The export must be deterministic by itself, or comparing it proves nothing.
    again = export(db, os.path.join(work, 'export-reference-2'))
    if again != files:
        raise Failure('two exports of the same database differ: the byte-for-byte comparison would be meaningless')
    return db, durations, states, files, aggregate_tables


def kill_rounds(work, rounds, kills_per_stage, rng, ref, stats):
    ref_db, durations, ref_states, ref_files, aggregate_tables = ref
    for r in range(rounds):
        db = os.path.join(work, f'round{r}.sqlite')
        for name, make, tables in STAGES:
            tables = tables if tables is not None else aggregate_tables
            before = state(db, tables) if os.path.exists(db) else None
            for k in range(kills_per_stage):
                # Most delays inside the measured run time (plus start-up), some just past it.
                delay = rng.uniform(0.0, durations[name] * 1.15)
                stats['attempts'] += 1
                landed = kill_after(make(db), delay)
                if not os.path.exists(db):
                    continue
                integrity(db)
                now = state(db, tables)
                if landed:
                    stats['landed'] += 1
                    stats['by_stage'][name] = stats['by_stage'].get(name, 0) + 1
                if name == 'ingest':
                    # One transaction per file: committed files are whole and a prefix of the list.
                    if 'source_files' in tables_of(db):
                        check_ingest_files(db, SAMPLE_FILES, f'round {r} ingest')
                    continue
                # Atomic: the output is what was there before this stage ran, or all of the new one.
                if now != ref_states[name] and (before is None or now != before) and not all(
                        v[0] in (0, None) for v in now.values()):
                    raise Failure(f'round {r} {name}: half-written output after a kill at {delay:.3f}s: {now} '
                                  f'(before {before}, reference {ref_states[name]})')
                if now == ref_states[name]:
                    before = now
            run(make(db))
            integrity(db)
            now = state(db, tables)
            if now != ref_states[name]:
                diff = {t: (now[t], ref_states[name][t]) for t in tables if now[t] != ref_states[name][t]}
                raise Failure(f'round {r} {name}: after the re-run the output differs from the reference: {diff} (database {db})')
            status = runs_status(db)
            if status.get('running'):
                # The last run of each stage completed; a 'running' row can only be another stage's.
                c = connect(db)
                left = c.execute("SELECT stage FROM runs WHERE status='running'").fetchall()
                c.close()
                if any(s == name for (s,) in left):
                    raise Failure(f'round {r} {name}: a run of this stage is still marked running after a completed re-run')
        files = export(db, os.path.join(work, f'export-round{r}'))
        if files != ref_files:
            diff = sorted(set(f for f in set(files) | set(ref_files) if files.get(f) != ref_files.get(f)))
            raise Failure(f'round {r}: export differs from the reference in {diff[:10]}')
        for t in KEY_TABLES:
            n, _ = digest(db, t)
            stats['rows_lost'] += abs(digest(ref_db, t)[0] - n)
        stats['exports_equal'] += 1
        s = runs_status(db)
        if s.get('running'):
            raise Failure(f'round {r}: runs still marked running after every stage completed: {s}')
        stats['abandoned'] += s.get('abandoned', 0)
        print(f'  round {r + 1}/{rounds}: {stats["landed"]} kills landed so far; export equal to the reference; '
              f'runs: {s}', flush=True)
        os.remove(db)


def split_bench(src, parts, dest):
    """Splits a JSON-lines file into `parts` files of whole lines."""
    with open(src, 'rb') as f:
        lines = f.readlines()
    size = (len(lines) + parts - 1) // parts
    paths = []
    for i in range(parts):
        p = os.path.join(dest, f'bench-part{i + 1}.jsonl')
        with open(p, 'wb') as f:
            f.writelines(lines[i * size:(i + 1) * size])
        paths.append(p)
    return paths


def ingest_counts(db):
    c = connect(db)
    files = c.execute("""SELECT s.path, s.records_read, s.records_stored, s.duplicate_ids, s.records_rejected,
                                (SELECT count(*) FROM posts p WHERE p.source_file_id = s.source_file_id),
                                (SELECT count(*) FROM duplicate_records d WHERE d.source_file_id = s.source_file_id),
                                (SELECT count(*) FROM rejects j WHERE j.source_file_id = s.source_file_id)
                         FROM source_files s ORDER BY s.source_file_id""").fetchall()
    c.close()
    return files


def check_ingest_files(db, paths, label):
    files = ingest_counts(db)
    committed = [f[0] for f in files]
    if committed != paths[:len(committed)]:
        raise Failure(f'{label}: committed files {committed} are not a prefix of {paths}')
    for path, read, stored, dups, rejected, n_posts, n_dups, n_rejects in files:
        if (stored, dups, rejected) != (n_posts, n_dups, n_rejects) or read != stored + dups + rejected:
            raise Failure(f'{label}: {path}: source_files says read {read} = {stored}+{dups}+{rejected}, '
                          f'tables hold {n_posts}+{n_dups}+{n_rejects}')
    return len(files)


def big_ingest(work, n_posts, parts, trials, rng, stats):
    gen = os.path.join(work, 'bench')
    t0 = time.monotonic()
    subprocess.run([sys.executable, os.path.join(ROOT, 'scripts/generate_sample.py'), '--seed', SEED,
                    '--bench', str(n_posts), '--broken-rate', '0.01', '--out', gen], check=True, stdout=subprocess.DEVNULL)
    paths = split_bench(os.path.join(gen, 'x_v2_bench.jsonl'), parts, gen)
    print(f'  generated {n_posts:,} posts in {parts} files ({time.monotonic() - t0:.1f} s)', flush=True)
    ref_db = os.path.join(work, 'big-reference.sqlite')
    t0 = time.monotonic()
    run(['ingest', '--db', ref_db] + paths)
    duration = time.monotonic() - t0
    ref = state(ref_db, ['source_files', 'posts', 'duplicate_records', 'rejects'])
    check_ingest_files(ref_db, paths, 'reference')
    partial = 0
    for i in range(trials):
        db = os.path.join(work, f'big{i}.sqlite')
        kills = rng.randint(1, 3)
        for _ in range(kills):
            # A re-run skips the files already committed: scale the delay to what is left.
            left = len(paths) - (len(ingest_counts(db)) if os.path.exists(db) else 0)
            delay = rng.uniform(0.0, duration * 1.05 * max(left, 1) / len(paths))
            stats['attempts'] += 1
            landed = kill_after(['ingest', '--db', db] + paths, delay)
            if landed:
                stats['landed'] += 1
                stats['by_stage']['ingest (bench files)'] = stats['by_stage'].get('ingest (bench files)', 0) + 1
            if os.path.exists(db):
                integrity(db)
                done = check_ingest_files(db, paths, f'trial {i}')
                if 0 < done < len(paths):
                    partial += 1
        before = len(ingest_counts(db)) if os.path.exists(db) else 0
        p = run(['ingest', '--db', db] + paths)
        skipped = p.stdout.count('already ingested')
        integrity(db)
        check_ingest_files(db, paths, f'trial {i} re-run')
        now = state(db, ['source_files', 'posts', 'duplicate_records', 'rejects'])
        now['source_files'] = ref['source_files'] = (now['source_files'][0], '')  # paths/run ids differ per db only
        if now != ref:
            raise Failure(f'big ingest trial {i}: after the re-run {now} != reference {ref}')
        if skipped != before:
            raise Failure(f'big ingest trial {i}: {before} files were committed but the re-run skipped {skipped}: {p.stdout}')
        stats['rows_lost'] += abs(digest(ref_db, 'posts')[0] - digest(db, 'posts')[0])
        os.remove(db)
    return duration, partial


def concurrency(work, ref, rng, stats, repeats):
    """annotate import of two coders, repeated, while stages re-run on the same database."""
    ref_db = ref[0]
    db = os.path.join(work, 'concurrent.sqlite')
    shutil.copy(ref_db, db)
    csvs = {}
    import csv
    import io
    for coder in ('coder1', 'coder2'):
        out = run(['annotate', 'export', '--db', db, '--sample', 'pilot', '--coder', coder]).stdout
        rows = list(csv.reader(io.StringIO(out)))
        header = rows[0]
        leading = {'post_id', 'platform', 'language', 'created_at', 'status', 'note', 'text'}
        cats = [i for i, h in enumerate(header) if h not in leading]
        # Code every post: status coded, categories 0/1 in a fixed pattern.
        for n, row in enumerate(rows[1:]):
            row[header.index('status')] = 'coded'
            for j, i in enumerate(cats):
                row[i] = '1' if (n + j) % 3 == 0 else '0'
        buf = io.StringIO()
        csv.writer(buf, lineterminator='\n').writerows(rows)
        path = os.path.join(work, f'{coder}.csv')
        with open(path, 'w') as f:
            f.write(buf.getvalue())
        csvs[coder] = (path, len(rows) - 1, len(cats))
    concurrent_stages = ('dedupe', 'language-detect', 'code', 'aggregate')
    # What the stages give when run one after the other on the reference database (dedupe's
    # clusters.languages, for example, depends on post_languages being there).
    expected_db = os.path.join(work, 'sequential.sqlite')
    shutil.copy(ref_db, expected_db)
    for name, make, _ in STAGES:
        if name in concurrent_stages:
            run(make(expected_db))
    checked = [(name, tables if tables is not None else ref[4]) for name, _, tables in STAGES if name in concurrent_stages]
    expected = {name: state(expected_db, tables) for name, tables in checked}
    stage_cmds = [make(db) for name, make, _ in STAGES if name in concurrent_stages]
    procs = []
    t0 = time.monotonic()
    for i in range(repeats):
        for coder, (path, _, _) in csvs.items():
            procs.append(('import ' + coder, subprocess.Popen(command(['annotate', 'import', '--db', db, '--sample', 'pilot',
                                                                        '--coder', coder, path]),
                                                               cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)))
        args = stage_cmds[i % len(stage_cmds)]
        procs.append((args[0], subprocess.Popen(command(args), cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)))
        time.sleep(rng.uniform(0, 0.05))
        # Keep at most ~6 processes at once on a 2-core machine.
        while sum(p.poll() is None for _, p in procs) > 5:
            time.sleep(0.01)
    failures = []
    for label, p in procs:
        _, err = p.communicate()
        stats['concurrent_processes'] += 1
        if p.returncode != 0:
            failures.append(f'{label}: {err.strip()[-300:]}')
    elapsed = time.monotonic() - t0
    if failures:
        raise Failure(f'concurrency: {len(failures)} of {len(procs)} processes failed: {failures[:3]}')
    integrity(db)
    c = connect(db)
    for coder, (_, n, n_cats) in csvs.items():
        progress = c.execute("""SELECT count(*) FROM annotation_progress a JOIN samples s USING (sample_id)
                                WHERE s.name = 'pilot' AND a.coder = ? AND a.status = 'coded'""", ('human:' + coder,)).fetchone()[0]
        labels = c.execute("SELECT count(*) FROM codings WHERE coder = ?", ('human:' + coder,)).fetchone()[0]
        if progress != n or labels != n * n_cats:
            raise Failure(f'concurrency: {coder} imported {n} posts x {n_cats} categories but {progress} posts '
                          f'and {labels} labels are stored')
        stats['annotations_checked'] += labels
    c.close()
    for name, tables in checked:
        now = state(db, tables)
        if name == 'code':
            now['codings'] = digest(db, 'codings', "coder NOT LIKE 'human:%'")
        # The manifest names the upstream runs that were newest when aggregate ran: with stages
        # racing, that legitimately depends on the order they finished in.
        now.pop('aggregate_manifest', None)
        expected[name].pop('aggregate_manifest', None)
        if now != expected[name]:
            diff = {t: (now[t], expected[name][t]) for t in tables if now[t] != expected[name][t]}
            raise Failure(f'concurrency: {name} output differs from a sequential run after concurrent runs: {diff}')
    for t in KEY_TABLES:
        where = "coder NOT LIKE 'human:%'" if t == 'codings' else '1'
        stats['rows_lost'] += abs(digest(ref_db, t)[0] - digest(db, t, where)[0])
    return elapsed, len(procs)


def memory(work, megabytes):
    gen = os.path.join(work, 'memory')
    n = int(megabytes * 1_000_000 / 557)  # the generator writes ~557 bytes per post
    t0 = time.monotonic()
    subprocess.run([sys.executable, os.path.join(ROOT, 'scripts/generate_sample.py'), '--seed', SEED,
                    '--bench', str(n), '--out', gen], check=True, stdout=subprocess.DEVNULL)
    path = os.path.join(gen, 'x_v2_bench.jsonl')
    size = os.path.getsize(path)
    gen_s = time.monotonic() - t0
    db = os.path.join(work, 'memory.sqlite')
    t0 = time.monotonic()
    p = subprocess.run(['/usr/bin/time', '-f', '%M'] + command(['ingest', '--db', db, path]), cwd=ROOT,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if p.returncode != 0:
        raise Failure(f'memory: ingest failed: {p.stderr[-400:]}')
    peak_kb = int(p.stderr.strip().splitlines()[-1])
    seconds = time.monotonic() - t0
    os.remove(path)
    for suffix in ('', '-wal', '-shm'):
        if os.path.exists(db + suffix):
            os.remove(db + suffix)
    return size, peak_kb / 1024, seconds, gen_s


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--seed', type=int, default=4242)
    ap.add_argument('--rounds', type=int, default=6, help='full pipeline rounds with kills (default 6)')
    ap.add_argument('--kills', type=int, default=10, help='kill attempts per stage per round (default 10)')
    ap.add_argument('--bench-posts', type=int, default=200_000, help='posts in the big ingest input (default 200,000)')
    ap.add_argument('--bench-parts', type=int, default=4)
    ap.add_argument('--bench-trials', type=int, default=15)
    ap.add_argument('--concurrency', type=int, default=12, help='rounds of concurrent processes (default 12)')
    ap.add_argument('--memory-mb', type=int, default=1000, help='size of the memory-test input in MB (0 = skip)')
    ap.add_argument('--memory-limit-mb', type=int, default=300)
    ap.add_argument('--min-kills', type=int, default=200)
    ap.add_argument('--keep', action='store_true', help='keep the work directory')
    a = ap.parse_args()
    for name, *_ in STAGES:
        exe = name.split('-sample')[0]
        if not os.path.exists(os.path.join(BIN, exe)):
            sys.exit(f'robustness: {BIN}/{exe} is missing: run `swift build -c release` first (make robustness does)')
    rng = random.Random(a.seed)
    work = tempfile.mkdtemp(prefix='keep4o-robustness-')
    stats = {'attempts': 0, 'landed': 0, 'by_stage': {}, 'rows_lost': 0, 'exports_equal': 0, 'abandoned': 0,
             'concurrent_processes': 0, 'annotations_checked': 0}
    ok = True
    started = time.monotonic()
    try:
        print('reference run of every stage on data/sample ...', flush=True)
        ref = reference(work)
        print('  durations: ' + ', '.join(f'{k} {v:.2f} s' for k, v in ref[1].items()), flush=True)
        print(f'kill and re-run: {a.rounds} rounds x {len(STAGES)} stages x {a.kills} kill attempts (seed {a.seed}) ...', flush=True)
        kill_rounds(work, a.rounds, a.kills, rng, ref, stats)
        print(f'big ingest: {a.bench_posts:,} posts in {a.bench_parts} files, {a.bench_trials} trials of 1-3 kills ...', flush=True)
        big_s, partial = big_ingest(work, a.bench_posts, a.bench_parts, a.bench_trials, rng, stats)
        print(f'  uninterrupted ingest {big_s:.2f} s; {partial} kills left some files committed and others not '
              f'(the re-run skipped the committed ones)', flush=True)
        print('concurrency: annotate import sessions and stages on one database ...', flush=True)
        conc_s, conc_n = concurrency(work, ref, rng, stats, a.concurrency)
        print(f'  {conc_n} processes in {conc_s:.1f} s, none failed; {stats["annotations_checked"]} annotations all stored', flush=True)
        if a.memory_mb:
            print(f'memory: ingest of a ~{a.memory_mb} MB file ...', flush=True)
            size, peak, secs, gen_s = memory(work, a.memory_mb)
            print(f'  {size / 1e6:,.0f} MB ingested in {secs:.1f} s, peak RSS {peak:.0f} MB (limit {a.memory_limit_mb} MB)', flush=True)
            if peak > a.memory_limit_mb:
                raise Failure(f'memory: peak RSS {peak:.0f} MB is over {a.memory_limit_mb} MB')
        if stats['landed'] < a.min_kills:
            raise Failure(f'only {stats["landed"]} kills landed while a stage ran (need {a.min_kills}): raise --rounds/--kills')
    except Failure as e:
        ok = False
        print(f'robustness: FAILED: {e}', file=sys.stderr)
    finally:
        if not a.keep:
            shutil.rmtree(work, ignore_errors=True)
        else:
            print(f'work directory kept: {work}')
    print()
    print(f'kills survived: {stats["landed"]} of {stats["attempts"]} attempts landed while a stage ran '
          f'({", ".join(f"{k} {v}" for k, v in stats["by_stage"].items())}); '
          f'exports equal to the reference: {stats["exports_equal"]}/{a.rounds}')
    print(f'runs marked abandoned by the next run of their stage (kills after StageRun.begin): {stats["abandoned"]}; '
          f'none left running')
    print(f'rows lost: {stats["rows_lost"]} (posts, post_clusters, post_languages, codings vs the reference)')
    print(f'concurrent processes: {stats["concurrent_processes"]}; total {time.monotonic() - started:.0f} s')
    print('robustness: ' + ('ok' if ok else 'FAILED'))
    sys.exit(0 if ok else 1)


if __name__ == '__main__':
    main()
