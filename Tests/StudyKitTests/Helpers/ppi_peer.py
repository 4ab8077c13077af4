#!/usr/bin/env python3
"""Independent prediction-powered estimates for PredictionPoweredPeerTests.

Usage: ppi_peer.py DATASETS.json   (prints one JSON array of results to stdout)

Each data set is one of
  {"kind": "mean", "Y": [...], "Yhat": [...], "Yhat_unlabeled": [...]}
      -> ppi-python 0.2.3's ppi_mean_pointestimate / ppi_mean_ci at alpha 0.05, power-tuned
         (lam=None) and plain PPI (lam=1), plus the lambda ppi-python chooses;
  {"kind": "logistic", "X": [[1, x], ...], "Y", "Yhat", "X_unlabeled", "Yhat_unlabeled"}
      -> ppi_logistic_pointestimate / ppi_logistic_ci, power-tuned and lam=1;
  {"kind": "stratified", "y", "yhat", "weight", "stratum", "population": [...], "lam": null or x}
      -> a numpy transcription of the stratified (Hajek, inverse-probability weighted) PPI++ mean
         written from the formulas in docs/aggregate.md, not from the Swift code: ppi-python has no
         design-based variance for stratified samples.
When ppi_py is missing, a venv is made at .build/python-peer and the script re-runs there with
scripts/python-requirements.txt installed (as agreement_peer.py does).
"""
import json
import sys

from peer_venv import ensure_packages


def stratified(d, np):
    """Hajek-weighted PPI++ mean for a stratified sample (docs/aggregate.md, "Stratified samples")."""
    y = np.asarray(d["y"], float)
    yhat = np.asarray(d["yhat"], float)
    w = np.asarray(d["weight"], float)
    h = np.asarray(d["stratum"])
    pop = np.asarray(d["population"], float)
    share = w / w.sum()
    big_n = len(pop)
    pop_var = pop.var()  # divisor N

    def design_cov(a, b):
        total = 0.0
        for s in np.unique(h):
            m = h == s
            k = m.sum()
            if k > 1:
                total += k / (k - 1) * np.sum((a[m] - a[m].mean()) * (b[m] - b[m].mean()))
            else:  # one labelled post: centred on 0, the mean of linearised values
                total += np.sum(a[m] * b[m])
        return total

    a = share * (y - np.sum(share * y))
    b = share * (yhat - np.sum(share * yhat))
    if d.get("lam") is None:
        denom = design_cov(b, b) + pop_var / big_n
        lam = float(np.clip(design_cov(a, b) / denom, 0, 1)) if denom > 0 else 0.0
    else:
        lam = float(d["lam"])
    rect = np.sum(share * (y - lam * yhat))
    u = share * ((y - lam * yhat) - rect)
    var = lam ** 2 * pop_var / big_n + design_cov(u, u)
    est = lam * pop.mean() + rect
    se = float(np.sqrt(var))
    return {"estimate": float(est), "low": float(est - 1.959963984540054 * se),
            "high": float(est + 1.959963984540054 * se), "lambda": lam}


def main():
    ensure_packages(__file__, ["ppi_py"])
    import numpy as np
    import ppi_py
    from ppi_py.ppi import _calc_lam_glm

    with open(sys.argv[1]) as f:
        datasets = json.load(f)
    out = []
    for d in datasets:
        if d["kind"] == "mean":
            Y, Yhat, U = (np.asarray(d[k], float) for k in ("Y", "Yhat", "Yhat_unlabeled"))
            result = {}
            for name, lam in (("tuned", None), ("plain", 1)):
                low, high = ppi_py.ppi_mean_ci(Y, Yhat, U, alpha=0.05, lam=lam)
                point = ppi_py.ppi_mean_pointestimate(Y, Yhat, U, lam=lam)
                result[name] = {"estimate": float(np.ravel(point)[0]), "low": float(np.ravel(low)[0]),
                                "high": float(np.ravel(high)[0])}
            # The lambda ppi_mean_ci chooses, recomputed as it does.
            n, big_n = len(Y), len(U)
            est = U.mean() + (Y - Yhat).mean()
            lam = _calc_lam_glm((Y - est).reshape(-1, 1), (Yhat - est).reshape(-1, 1),
                                (U - est).reshape(-1, 1), np.eye(1), clip=True)
            result["tuned"]["lambda"] = float(lam)
            out.append(result)
        elif d["kind"] == "logistic":
            X, XU = np.asarray(d["X"], float), np.asarray(d["X_unlabeled"], float)
            Y, Yhat, U = (np.asarray(d[k], float) for k in ("Y", "Yhat", "Yhat_unlabeled"))
            result = {}
            for name, lam in (("tuned", None), ("plain", 1)):
                low, high = ppi_py.ppi_logistic_ci(X, Y, Yhat, XU, U, alpha=0.05, lam=lam)
                point = ppi_py.ppi_logistic_pointestimate(X, Y, Yhat, XU, U, lam=lam)
                result[name] = {"estimate": [float(v) for v in point], "low": [float(v) for v in low],
                                "high": [float(v) for v in high]}
            out.append(result)
        else:
            out.append(stratified(d, np))
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
