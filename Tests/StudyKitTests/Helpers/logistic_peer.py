#!/usr/bin/env python3
"""Independent logistic regression for SupervisedTests: scikit-learn's LogisticRegression (lbfgs).

Usage: logistic_peer.py DATASETS.json   (prints one JSON array of results to stdout)

DATASETS.json is a list of {"x": [[float, ...] per row], "y": [0|1, ...], "weights": [float, ...] or null,
"l2": float}. For each, the fit minimising sum_i w_i * logloss_i + l2/2 * |coef|^2 (intercept not
penalised) is scikit-learn's LogisticRegression(C=1/l2); the result is {"coef": [...], "intercept": float,
"probabilities": [...]}. When scikit-learn is missing, a venv is made at .build/python-peer and the
script re-runs there with scripts/python-requirements.txt installed.
"""
import json
import sys

from peer_venv import ensure_packages


def main():
    ensure_packages(__file__, ["sklearn"])
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    with open(sys.argv[1]) as f:
        datasets = json.load(f)
    out = []
    for d in datasets:
        x = np.array(d["x"], dtype=np.float64)
        y = np.array(d["y"], dtype=np.int64)
        model = LogisticRegression(C=1.0 / d["l2"], solver="lbfgs", tol=1e-12, max_iter=100000)
        model.fit(x, y, sample_weight=None if d["weights"] is None else np.array(d["weights"]))
        out.append({"coef": model.coef_[0].tolist(), "intercept": float(model.intercept_[0]),
                    "probabilities": model.predict_proba(x)[:, 1].tolist()})
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
