"""End-to-end study step on a SYNTHETIC panel that follows the panel contract (never the real panel)."""

from __future__ import annotations

import json
import re
import tomllib

import pandas as pd
import pytest

from study.cli import main
from study.errors import StudyError
from study.estimate.did import study_step

from .conftest import synthetic_study_panel

IDS = ("H1b", "H2", "H3", "H4", "H6", "H7", "H8", "DAG1")


def _reduced_spec(root, ids=IDS) -> None:
    """Reduced configuration for the default test run: the listed ids, 99 bootstrap draws and
    two-point HonestDiD grids; every robustness variant of H1b still runs."""
    path = root / "preregistration" / "analysis.toml"
    text = path.read_text()
    text = text.replace("bootstrap_draws = 999", "bootstrap_draws = 99")
    text = re.sub(r"m_grid_sd = \[[^\]]*\]", "m_grid_sd = [0.0, 0.01]", text)
    text = re.sub(r"mbar_grid = \[[^\]]*\]", "mbar_grid = [0.0, 1.0]", text)
    head, *blocks = text.split("\n[[estimates]]\n")
    keep = [b for b in blocks if re.search(r'^id = "(%s)"$' % "|".join(ids), b, re.M)]
    path.write_text(head + "".join("\n[[estimates]]\n" + b for b in keep))


def test_variants_follow_the_registry():
    from study import paths
    from study.prereg import registry

    spec = tomllib.loads(paths.spec_file().read_text())
    est = {e["id"]: e for e in spec["estimates"]}
    assert [v["id"] for v in study_step.variants(spec, est["H1b"])] == registry.frequentist_variants(spec)
    assert [v["id"] for v in study_step.variants(spec, est["H2"])] == ["primary"]
    r7 = next(v for v in study_step.variants(spec, est["H1b"]) if v["id"] == "R7")
    assert study_step.did_options(spec, est["H1b"], r7)["method"] == "dr"
    primary = study_step.variants(spec, est["H8"])[0]
    assert study_step.did_options(spec, est["H8"], primary)["control_group"] == "notyettreated"
    assert study_step.did_options(spec, est["H1b"], primary)["control_group"] == spec["did"]["control_group"]
    r1 = next(v for v in study_step.variants(spec) if v["id"] == "R1")
    assert study_step.did_options(spec, {**est["H1b"], "control_group": "x"}, r1)["control_group"] == "notyettreated"
    with pytest.raises(StudyError, match="R99"):
        study_step.variants(spec, {**est["H2"], "variants": ["primary", "R99"]})


@pytest.mark.slow
def test_study_step_writes_estimates_and_figures(study_root):
    _reduced_spec(study_root)
    # H6 needs the campaign step's engagement score: without the column it must fail alone, recorded
    panel = synthetic_study_panel().drop(columns="first_engagement")
    panel.to_parquet(study_root / "data" / "derived" / "panel.parquet", index=False)
    assert main(["did"]) == 0
    est_dir = study_root / "results" / "estimates"
    tidy = pd.read_csv(est_dir / "did.csv", keep_default_na=False)
    for col in ("spec_id", "variant", "outcome", "treatment", "estimator", "estimand", "key", "estimate",
                "se", "ci_low", "ci_high", "ci_kind", "p_value", "n_obs", "n_units", "n_treated_units", "df"):
        assert col in tidy.columns
    variants = tidy.groupby("spec_id")["variant"].unique().map(set).to_dict()
    assert variants["H1b"] == {"primary", "R1", "R2", "R3", "R4", "R5", "R6", "R7"}
    assert all(variants[i] == {"primary"} for i in ("H2", "H3", "H4", "H7", "H8"))
    assert set(tidy.spec_id) == {"H1b", "H2", "H3", "H4", "H7", "H8"}  # DAG1: dowhy only; H6: failed
    failures = json.loads((est_dir / "did" / "failures.json").read_text())
    assert [(f["spec_id"], f["variant"]) for f in failures] == [("H6", "primary")]
    assert "first_engagement" in failures[0]["error"]

    h1b = tidy[tidy.spec_id == "H1b"]
    assert set(h1b.estimator) == {"twfe", "cs", "sun_abraham", "imputation"}
    # H1b is the only family member run here: Holm leaves its two-sided p unchanged
    cs_primary = h1b[(h1b.variant == "primary") & (h1b.estimator == "cs") & (h1b.estimand == "primary")].iloc[0]
    holm = tidy[tidy.estimand == "primary_holm"]
    assert list(holm.spec_id) == ["H1b"] and float(holm.p_value.iloc[0]) == pytest.approx(float(cs_primary.p_value))
    from scipy.stats import norm
    z = abs(float(cs_primary.estimate)) / float(cs_primary.se)
    assert float(cs_primary.p_value) == pytest.approx(2 * norm.sf(z))
    prim = h1b[h1b.variant == "primary"]
    # synthetic truth: effect 0.02 (e + 1) on free_expression (H1b) -> mean over e = 0..3 is 0.05
    cs_primary = prim[(prim.estimator == "cs") & (prim.estimand == "primary")].iloc[0]
    assert abs(float(cs_primary.estimate) - 0.05) < 3 * float(cs_primary.se)
    dyn = prim[(prim.estimator == "cs") & (prim.estimand == "dynamic") & (prim.key != "")]
    assert sorted(dyn.key.astype(int)) == list(range(-5, 6)) and set(dyn.ci_kind) == {"uniform95"}
    # registered pre-test: event times -5..-1 jointly (5 df); R did's cell-level test alongside
    pre = prim[prim.estimand == "pretest"].iloc[0]
    assert (pre.key, int(pre.df)) == ("event_time", 5) and 0 < float(pre.p_value) < 1
    doc = json.loads((est_dir / "did" / "H1b_primary.json").read_text())
    assert doc["pretest_event_time"]["event_times"] == [-5, -4, -3, -2, -1]
    assert float(pre.estimate) == pytest.approx(doc["pretest_event_time"]["stat"], rel=1e-11)
    cells = prim[prim.estimand == "pretest_cells"].iloc[0]
    assert int(cells.df) == doc["pretest"]["df"] > 5
    assert {"honestdid_rm", "honestdid_sd", "honestdid_rm_breakdown"} <= set(prim.estimand)
    assert sorted(prim.loc[prim.estimand == "honestdid_sd", "key"]) == ["0", "0.01"]  # SD units, as the spec
    assert doc["honestdid"]["smoothness"][1]["M"] == pytest.approx(0.01 * doc["honestdid"]["outcome_sd"])
    assert doc["settings"]["covariates"] == ["log_gdp_pc", "log_pop", "internet_users", "polyarchy"]
    assert doc["settings"]["bootstrap"] == 99 and doc["settings"]["method"] == "reg"
    assert json.loads((est_dir / "did" / "H1b_R7.json").read_text())["settings"]["method"] == "dr"
    # controls are never-targeted countries only; R6 uses the core-campaign cohorts (fewer treated)
    r6 = h1b[h1b.variant == "R6"].iloc[0]
    assert int(r6.n_treated_units) < int(cs_primary.n_treated_units)

    # heterogeneity splits: two subgroups + their difference, treated countries partitioned
    for spec_id, labels in (("H2", ["high", "low"]), ("H3", ["transnational_ngo", "domestic_or_diaspora"]),
                            ("H4", ["closed_autocracy", "other"]),
                            ("H7", ["epistemic_community_or_mixed", "advocacy_network"])):
        rows = tidy[tidy.spec_id == spec_id].set_index("key")
        assert list(rows.index) == [*labels, "difference"] and set(rows.estimand) == {"subgroup"}
        a, b, d = (rows.loc[k] for k in (*labels, "difference"))
        assert float(d.estimate) == pytest.approx(float(a.estimate) - float(b.estimate), abs=1e-12)
        assert int(d.n_treated_units) == int(a.n_treated_units) + int(b.n_treated_units)
        assert 0 < float(d.se) < float(a.se) + float(b.se)
    # 96 targeted synthetic countries, one (S002) dropped from the balanced sample by a missing value
    assert int(tidy[(tidy.spec_id == "H2") & (tidy.key == "difference")].n_treated_units.iloc[0]) == 95
    h7 = json.loads((est_dir / "did" / "H7_primary.json").read_text())["split"]
    assert h7["excluded"] == {"first_leadership_model = unclear": 18}

    # spillovers: never-targeted countries only, exposure cohorts by region, not-yet-exposed controls
    h8 = tidy[(tidy.spec_id == "H8")]
    assert {"primary", "dynamic", "pretest"} <= set(h8.estimand) and set(h8.treatment) == {"regional_exposure"}
    assert int(h8.n_units.iloc[0]) == 59  # 60 never-targeted synthetic countries, one with a missing value
    h8doc = json.loads((est_dir / "did" / "H8_primary.json").read_text())
    assert h8doc["settings"]["control_group"] == "notyettreated"
    # exposure by region (synthetic): 2007 one region, 2010 two, 2013 two, two regions never exposed
    assert {g: n for g, n in h8doc["sample"]["cohort_sizes"].items()} == {"0": 17, "2007": 9, "2010": 16, "2013": 17}

    for ext in ("png", "pdf"):
        assert (study_root / "results" / "figures" / f"event_study_H1b.{ext}").stat().st_size > 0
        assert (study_root / "results" / "figures" / f"event_study_H8.{ext}").exists()
        assert not (study_root / "results" / "figures" / f"event_study_H2.{ext}").exists()
    assert json.loads((study_root / "results" / "logs" / "did.json").read_text())["step"] == "did"
