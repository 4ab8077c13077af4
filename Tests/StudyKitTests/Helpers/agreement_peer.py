#!/usr/bin/env python3
"""Independent agreement coefficients for AgreementTests: the PyPI packages krippendorff and irrCAC.

Usage: agreement_peer.py DATASETS.json   (prints one JSON array of results to stdout)

DATASETS.json is a list of {"ratings": [[value or null, ...] per unit], "categories": [...]}.
When the packages are missing, a venv is made at .build/python-peer and the script re-runs there
with scripts/python-requirements.txt installed.
"""
import json
import math
import sys

from peer_venv import ensure_packages


def clean(x):
    x = float(x)
    return None if math.isnan(x) or math.isinf(x) else x


def main():
    ensure_packages(__file__, ["krippendorff", "irrCAC", "pandas"])
    import numpy as np
    import pandas as pd
    import krippendorff
    from irrCAC.raw import CAC

    with open(sys.argv[1]) as f:
        datasets = json.load(f)
    out = []
    for d in datasets:
        units = [[np.nan if v is None else float(v) for v in unit] for unit in d["ratings"]]
        categories = [float(c) for c in d["categories"]]
        frame = pd.DataFrame(units)
        cac = CAC(frame, categories=categories, digits=15)
        fleiss = cac.fleiss()["est"]
        gwet = cac.gwet()["est"]
        kripp_irr = cac.krippendorff()["est"]
        result = {
            "percent_agreement": clean(fleiss["pa"]),
            "fleiss_kappa": clean(fleiss["coefficient_value"]),
            "gwet_ac1": clean(gwet["coefficient_value"]),
            "krippendorff_alpha_irrcac": clean(kripp_irr["coefficient_value"]),
            "krippendorff_alpha": clean(krippendorff.alpha(
                reliability_data=np.array(units, dtype=float).T,
                level_of_measurement="nominal", value_domain=categories)),
        }
        # Cohen's kappa = Conger's kappa when two coders rated every unit.
        if frame.shape[1] == 2 and not frame.isna().any().any():
            result["cohens_kappa"] = clean(cac.conger()["est"]["coefficient_value"])
        out.append(result)
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
