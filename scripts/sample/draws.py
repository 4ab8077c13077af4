"""Weighted draws shared by every part of the generator. All randomness comes from the caller's
random.Random, so the same seed gives the same draws."""
from itertools import accumulate


def cumulative(weights):
    """Running sums, for rng.choices(..., cum_weights=...) and bisection."""
    return list(accumulate(weights))


def wchoice(rng, pairs):
    """One value of [(value, weight), ...]."""
    r = rng.random() * sum(w for _, w in pairs)
    for v, w in pairs:
        r -= w
        if r < 0:
            return v
    return pairs[-1][0]


def quota(rng, pairs, n):
    """n draws with exactly proportional counts (largest remainder), shuffled: the language mix of a
    collection is then the intended one, not a random deviation from it."""
    tot = sum(w for _, w in pairs)
    raw = [(v, n * w / tot) for v, w in pairs]
    counts = [[v, int(x), x - int(x)] for v, x in raw]
    left = n - sum(c[1] for c in counts)
    for c in sorted(counts, key=lambda c: -c[2])[:left]:
        c[1] += 1
    out = [v for v, k, _ in counts for _ in range(k)]
    rng.shuffle(out)
    return out
