"""The synthetic #keep4o sample study (data/sample/) and the X API v2 benchmark file, from one seed.
scripts/generate_sample.py is the command; scripts/sample_data/ holds the hand-written material.

Read in this order; each module tells one part of the story:
    codebook.py      what a post can say: the codebook's categories, the banks' tag letters
    phrases.py       the hand-written material: fragment banks and word lists from scripts/sample_data/
    draws.py         weighted draws
    timeline.py      when people posted: the eras of the protest, daily and hourly activity; ids from times
    text.py          filling slots, X's weighted length, shingles and Jaccard similarity
    style.py         how people actually type
    composer.py      how a post is composed from fragments, and the categories it carries
    users.py         the authors
    copies.py        planted copies (templates, near copies) and keeping every other post apart
    records.py       a post as a collection holds it
    x_posts.py       the X collection, with its damaged records
    reddit_posts.py  the Reddit collection
    writers.py       the file formats: twarc2 JSON lines, twarc-csv, Pushshift NDJSON
    study.py         the sample study: who goes in which file, the ground truth, the README
    bench.py         the benchmark file: a million X tweets, fast

Determinism: everything random comes from one random.Random(seed) per output, drawn in a fixed order,
and no wall-clock time is read, so the same seed gives byte-identical files. Changing the order of draws
(or the banks) changes the output: `make sample` then shows the new files in git diff.

Below: what scripts/check_sample.py uses to check a generated sample against its ground truth.
"""
from .codebook import CATS, GT_HEADER, KINDS, LANGS
from .study import F_CSV, F_JSONL, F_REDDIT
from .text import jaccard, norm_text, shingles, x_weighted_len
from .timeline import TWITTER_EPOCH_MS, ts
from .writers import TWARC_COLUMNS

__all__ = ['CATS', 'F_CSV', 'F_JSONL', 'F_REDDIT', 'GT_HEADER', 'KINDS', 'LANGS', 'TWARC_COLUMNS',
           'TWITTER_EPOCH_MS', 'jaccard', 'norm_text', 'shingles', 'ts', 'x_weighted_len']
