"""``python -m study process`` on a SYNTHETIC study panel and SYNTHETIC campaign files (never the real data)."""

from __future__ import annotations

import hashlib
import importlib.util
from pathlib import Path

import numpy as np
import pandas as pd

from study.cli import main

_spec = importlib.util.spec_from_file_location(
    "did_conftest", Path(__file__).resolve().parents[1] / "did" / "conftest.py")
did_conftest = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(did_conftest)

OUTPUTS = ("results/estimates/process_outcome.csv", "results/figures/process_vs_outcome_P1.png",
           "results/figures/process_vs_outcome_P1.pdf")


def write_inputs(root: Path) -> pd.DataFrame:
    panel = did_conftest.synthetic_study_panel()
    derived = root / "data" / "derived"
    panel.to_parquet(derived / "panel.parquet", index=False)
    ids = sorted(i for i in panel["first_campaign_id"].unique() if i)
    models = ("advocacy_network", "epistemic_community", "mixed", "unclear")
    pd.DataFrame({"id": ids, "name": [f"Synthetic campaign {i}" for i in ids],
                  "leadership_model": [models[k % 4] for k in range(len(ids))],
                  "outcome": "unclear"}).to_parquet(derived / "campaigns.parquet", index=False)
    documented = ids[::2]  # every other campaign documents a petition, so half stay undocumented
    pd.DataFrame({"id": documented, "indicator": "petition_signatures",
                  "value": [str(1000 * (k + 1)) for k in range(len(documented))],
                  "unit": "signatures (SYNTHETIC)", "period": "", "outlet_set": "", "source": "synthetic",
                  "uncertain": "0", "notes": ""}).to_parquet(derived / "process_indicators.parquet", index=False)
    return panel


def digest(root: Path) -> dict[str, str]:
    return {rel: hashlib.sha256((root / rel).read_bytes()).hexdigest() for rel in OUTPUTS}


def test_process_step_writes_unit_effects_engagement_and_figure(study_root):
    panel = write_inputs(study_root)
    assert main(["process"]) == 0
    out = pd.read_csv(study_root / OUTPUTS[0], keep_default_na=False)
    units = out[out.estimand == "unit_effect"]
    treated = panel.loc[panel.cohort_any > 0, "iso3"].unique()
    assert set(units["key"]) <= set(treated) and len(units) > 30
    assert set(out["spec_id"]) == {"P1"} and set(out["estimator"]) == {"process_outcome"}
    # campaign attributes come from the campaign files, keyed by the panel's first campaign
    first = panel.drop_duplicates("iso3").set_index("iso3")["first_campaign_id"]
    assert (units["campaign_id"] == units["key"].map(first)).all()
    scored = units[units["engagement"] != ""]
    assert 0 < len(scored) < len(units)
    assert (scored["indicators"].str.startswith("petition_signatures: ")).all()
    rho = out[out.estimand == "spearman"].iloc[0]
    assert -1 <= float(rho["estimate"]) <= 1 and int(rho["n_units"]) == len(scored)
    # the SYNTHETIC effect grows with event time: the window means are positive on average
    assert np.mean(units["estimate"].astype(float)) > 0
    first_run = digest(study_root)
    assert main(["process"]) == 0
    assert digest(study_root) == first_run
