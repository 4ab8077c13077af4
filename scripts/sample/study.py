"""The sample study (data/sample/): one seeded run that builds the X and Reddit collections, spreads the
tweets over two X files (15 of them collected twice), writes the three files with their damaged records,
links the accidental near-duplicates, and writes the ground truth and the README that describes it all."""
import csv
import os
import random
from collections import Counter, defaultdict

from .codebook import CATS, GT_HEADER, KINDS, LANGS
from .composer import Composer
from .copies import Novelty, link_near_duplicates
from .phrases import CAMPAIGNS, readme_template
from .records import Clusters
from .reddit_posts import build_reddit
from .users import Users
from .writers import TWARC_COLUMNS, write_reddit, write_x_csv, write_x_jsonl
from .x_posts import build_x, finish_x, make_x_broken

F_JSONL, F_CSV, F_REDDIT = 'x_keep4o.jsonl', 'x_keep4o_twarc.csv', 'reddit_keep4o.ndjson'

# What each planted damage looks like, for the README's table (file, ingest reject code) -> description.
BROKEN_WHAT = {
    (F_JSONL, 'invalid_json'): 'a quote inside the text is not escaped',
    (F_JSONL, 'invalid_utf8'): 'line written in Latin-1 (é as byte 0xE9)',
    (F_JSONL, 'nul_byte'): 'a raw NUL byte at the end of the text',
    (F_JSONL, 'bad_date'): 'created_at is "yesterday" (tweet inside a page)',
    (F_JSONL, 'missing_field'): 'tweet has no id',
    (F_JSONL, 'empty_text'): 'text is "" (tweet inside a page)',
    (F_JSONL, 'truncated'): 'last line cut mid-JSON, no newline at end of file',
    (F_CSV, 'wrong_column_count'): 'row cut after 22 of 81 columns',
    (F_CSV, 'bad_date'): 'created_at 2025-08-09T25:61:00.000Z',
    (F_REDDIT, 'missing_field'): 'comment with no body, title or selftext',
    (F_REDDIT, 'bad_date'): 'created_utc is "not-a-date"',
    (F_REDDIT, 'removed'): 'comment body [removed] or [deleted], author [deleted]',
}


def generate_sample(out, seed):
    """Writes the sample study into `out`; returns the ground-truth rows."""
    rng = random.Random(seed)
    comp = Composer(rng)
    users = Users(rng)
    clusters = Clusters()
    novelty = Novelty()
    xrecs, tsrc = build_x(rng, comp, users, clusters, novelty)
    xb = make_x_broken(rng, comp, users)
    finish_x(rng, xrecs + list(xb.values()))
    uid_by_name = {}
    for lang in users.x:
        for u in users.x[lang]:
            uid_by_name[u['username']] = u['id']
    # -- which file each tweet lands in; 15 tweets are collected twice (JSONL and CSV)
    order = list(range(len(xrecs)))
    rng.shuffle(order)
    csv_idx = set(order[:690])
    jsonl = [r for i, r in enumerate(xrecs) if i not in csv_idx]
    csvr = [r for i, r in enumerate(xrecs) if i in csv_idx]
    twice = rng.sample([r for r in jsonl if r.kind in ('original', 'near_copy', 'repost', 'short')], 15)
    subs, comments = build_reddit(rng, comp, users, clusters, novelty, tsrc,
                                  [r for r in jsonl if r.kind == 'original' and not r.ref_type])
    os.makedirs(out, exist_ok=True)
    gt = []
    jsonl_broken = {'page': [xb['bad_date'], xb['empty_text']],
                    'line': [xb['invalid_json'], xb['invalid_utf8'], xb['nul_byte'], xb['missing_field']],
                    'last': xb['truncated']}
    for r, line, xid in write_x_jsonl(os.path.join(out, F_JSONL), rng, jsonl, jsonl_broken, uid_by_name):
        gt.append(('x', xid, F_JSONL, line, r))
    for r, line, xid in write_x_csv(os.path.join(out, F_CSV), rng, csvr + twice,
                                    [xb['wrong_column_count'], xb['bad_date_csv']], uid_by_name):
        gt.append(('x', xid, F_CSV, line, r))
    for r, line, xid in write_reddit(os.path.join(out, F_REDDIT), subs + comments):
        gt.append(('reddit', xid, F_REDDIT, line, r))
    link_near_duplicates([r for _, _, _, _, r in gt])
    # -- canonical = earliest post of each cluster
    first = {}
    for plat, xid, f, line, r in gt:
        if r.cluster and (r.cluster not in first or r.t < first[r.cluster][0]):
            first[r.cluster] = (r.t, xid)
    rows = []
    for plat, xid, f, line, r in gt:
        broken = r.kind == 'broken'
        rows.append([plat, xid, f, line, r.lang, r.kind, r.cluster,
                     first[r.cluster][1] if r.cluster else '',
                     '' if broken else ';'.join(r.cats), r.broken])
    with open(os.path.join(out, 'ground_truth.csv'), 'w', encoding='utf-8', newline='') as f:
        w = csv.writer(f, lineterminator='\n')
        w.writerow(GT_HEADER)
        w.writerows(rows)
    write_readme(out, seed, rows, twice)
    return rows


def _table(header, rows):
    out = ['| ' + ' | '.join(header) + ' |', '|' + '---|' * len(header)]
    out += ['| ' + ' | '.join(str(c) for c in r) + ' |' for r in rows]
    return '\n'.join(out)


def summarize(rows):
    """Counts used by the README. rows: ground-truth rows (lists of str)."""
    files = Counter(r[2] for r in rows)
    kinds = Counter(r[5] for r in rows)
    langs = Counter(r[4] for r in rows)
    readable = [r for r in rows if r[5] != 'broken']
    relevant = [r for r in readable if 'relevant' in r[8].split(';')]
    cats = Counter(c for r in relevant for c in r[8].split(';'))
    return files, kinds, langs, readable, relevant, cats


def write_readme(out, seed, rows, twice):
    """README.md from scripts/sample_data/readme_template.md and the counts of this run."""
    files, kinds, langs, readable, relevant, cats = summarize(rows)
    n = len(rows)
    lines_per_file = {F_JSONL: len(set(r[3] for r in rows if r[2] == F_JSONL)),
                      F_CSV: sum(1 for r in rows if r[2] == F_CSV), F_REDDIT: sum(1 for r in rows if r[2] == F_REDDIT)}
    clusters = defaultdict(list)
    for r in rows:
        if r[6]:
            clusters[r[6]].append(r)
    tpl_rows = []
    for tpl in CAMPAIGNS.templates:
        cid = 'tpl-' + tpl['key']
        members = clusters[cid]
        by_file = Counter(m[2] for m in members)
        tpl_rows.append((cid, tpl['lang'], sum(1 for m in members if m[5] == 'near_copy'),
                         sum(1 for m in members if m[5] == 'repost'),
                         ', '.join('%s %d' % (k, v) for k, v in sorted(by_file.items()))))
    exact_groups = [c for c, m in clusters.items() if any(x[5] == 'exact_copy' for x in m)]
    decoys = [c for c in clusters if c.startswith('decoy-')]
    broken = [r for r in rows if r[5] == 'broken']
    lang_rows = [(l, langs[l], '%.1f%%' % (100.0 * langs[l] / n)) for l in LANGS if langs[l]]
    kind_rows = [(k, kinds[k], '%.1f%%' % (100.0 * kinds[k] / n)) for k in KINDS if kinds[k]]
    cat_rows = [(c, cats[c], '%.1f%%' % (100.0 * cats[c] / max(1, len(relevant)))) for c in CATS]
    text = readme_template() % dict(
        seed=seed, n=n, nj=files[F_JSONL], nc=files[F_CSV], nr=files[F_REDDIT],
        lj=lines_per_file[F_JSONL], lc=lines_per_file[F_CSV], lr=lines_per_file[F_REDDIT],
        nsub=sum(1 for r in rows if r[2] == F_REDDIT and r[1].startswith('t3_')),
        ncom=sum(1 for r in rows if r[2] == F_REDDIT and r[1].startswith('t1_')),
        nread=len(readable), nbroken=len(broken), ncol=len(TWARC_COLUMNS), ntwice=len(twice),
        tpl_table=_table(['cluster', 'lang', 'near copies', 'reposts', 'rows per file'], tpl_rows),
        nexact=kinds['exact_copy'], nexact_groups=len(exact_groups), nrepost=kinds['repost'],
        necho=kinds['reply_echo'], ndecoy=len(decoys), nshort=kinds['short'], nemoji=kinds['emoji_only'],
        nnoise=kinds['noise'], nsame=len(set(r[1] for r in rows if r[6].startswith('same-'))),
        nsame_groups=len([c for c in clusters if c.startswith('same-')]),
        broken_table=_table(['file', 'line', 'external_id', 'reason', 'what'],
                            [(r[2], r[3], r[1] or '(none)', r[9], BROKEN_WHAT[(r[2], r[9])]) for r in broken]),
        lang_table=_table(['lang', 'rows', 'share'], lang_rows),
        kind_table=_table(['kind', 'rows', 'share'], kind_rows),
        nrel=len(relevant), cat_table=_table(['category', 'records', 'share'], cat_rows))
    with open(os.path.join(out, 'README.md'), 'w', encoding='utf-8') as f:
        f.write(text)
