"""Panel test fixtures: a SYNTHETIC treatment table (not real campaigns) and one real panel build.

The synthetic table follows the campaign step's contract (docs/architecture.md, study/panel/
treatment.py): targeted country x year for ``[panel].first_year``..``campaign_window[1]``,
``cohort_<t>`` (+ ``_core``) per spec treatment, counts and first-campaign attributes. Its
countries and years are invented for the tests; nothing is estimated from it.
"""

from __future__ import annotations

import shutil
import time
import tomllib
from pathlib import Path

import pandas as pd
import pytest

REPO = Path(__file__).resolve().parents[2]
SPEC = tomllib.loads((REPO / "preregistration" / "analysis.toml").read_text())

# SYNTHETIC: (iso3, first campaign year, treatment the first campaign counts for)
SYNTHETIC_TARGETS = (("NGA", 2014, "violence"), ("POL", 2016, "gbv"), ("BLR", 2020, "expression"))


def synthetic_treatment(spec: dict = SPEC, targets=SYNTHETIC_TARGETS, last_year: int | None = None) -> pd.DataFrame:
    """A SYNTHETIC treatment table following the contract (one campaign per target country)."""
    first = int(spec["panel"]["first_year"])
    last = last_year or int(spec["panel"]["campaign_window"][1])
    rows = []
    for iso3, start, kind in targets:
        cum = 0
        for year in range(first, last + 1):
            n = int(year == start)
            cum += n
            row = {"iso3": iso3, "year": year, "n_campaigns": n, "n_campaigns_cum": cum,
                   "issue_areas_started": "synthetic_area" if n else ""}
            for t in sorted(spec["treatments"]):
                g = start if t in ("any", kind) else 0
                row[f"cohort_{t}"] = g
                row[f"cohort_{t}_core"] = g
            row.update(first_campaign_id=f"SYN-{iso3}", first_issue_area="synthetic_area",
                       first_leadership="domestic", first_leadership_model="advocacy_network")
            rows.append(row)
    return pd.DataFrame(rows).astype({"year": "int64", "n_campaigns": "int64", "n_campaigns_cum": "int64"})


def make_root(dest: Path) -> Path:
    """A scratch project root: copies of the spec and data/raw, the synthetic treatment table."""
    for rel in ("preregistration", "data/raw"):
        shutil.copytree(REPO / rel, dest / rel)
    (dest / "data" / "derived").mkdir(parents=True, exist_ok=True)
    synthetic_treatment().to_parquet(dest / "data" / "derived" / "treatment.parquet", index=False)
    return dest


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> dict:
    """The panel built once from the real vendored data (with the synthetic treatment table)."""
    from study import cli

    root = make_root(tmp_path_factory.mktemp("panel") / "project")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("STUDY_ROOT", str(root))
        started = time.perf_counter()
        code = cli.main(["-q", "panel"])
        seconds = time.perf_counter() - started
    assert code == 0
    panel = pd.read_parquet(root / "data" / "derived" / "panel.parquet")
    return {"root": root, "panel": panel, "seconds": seconds}


@pytest.fixture
def copy_of_built(built, tmp_path, monkeypatch) -> Path:
    """A private copy of the built project (outputs included), STUDY_ROOT pointing at it."""
    root = tmp_path / "project"
    shutil.copytree(built["root"], root)
    monkeypatch.setenv("STUDY_ROOT", str(root))
    return root
