#!/usr/bin/env python3
"""Seeded generator for the #keep4o sample study and the X API v2 benchmark file.

    python3 scripts/generate_sample.py --out data/sample                  # sample study (seed 4242)
    python3 scripts/generate_sample.py --bench 1000000 --out data/bench   # benchmark file
    python3 scripts/generate_sample.py --seed 7 --out /tmp/s              # another seed

Standard library only. The same seed gives byte-identical files. The code is the package
scripts/sample/ (its __init__.py says where to start reading); the fragment banks and word lists it
composes posts from are data files in scripts/sample_data/.
"""
import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from sample.bench import generate_bench  # noqa: E402
from sample.study import generate_sample  # noqa: E402


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--out', required=True, help='output directory')
    ap.add_argument('--seed', type=int, default=4242)
    ap.add_argument('--bench', type=int, default=0, metavar='N',
                    help='write N tweets of X API v2 JSON lines (x_v2_bench.jsonl + truth) instead of the sample')
    ap.add_argument('--broken-rate', type=float, default=0.0,
                    help='bench only: share of lines written damaged (default 0)')
    a = ap.parse_args(argv)
    if a.bench:
        generate_bench(a.out, a.seed, a.bench, a.broken_rate)
    else:
        generate_sample(a.out, a.seed)


if __name__ == '__main__':
    main()
