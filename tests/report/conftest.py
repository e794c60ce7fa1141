"""SYNTHETIC inputs for the report tests: estimate files that follow the tidy-estimate contract
(docs/architecture.md), a small panel and campaign table, a data manifest, deviations and figures.

Every number here is drawn from a seeded generator and means nothing: it exists to test that the
tables, figures and the page show what the files say. Country codes are ISO 3166 user-assigned
(``XAA``, ``XAB``, …) so they cannot be mistaken for real countries.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from study.campaigns import schema
from study.prereg import registry

REPO = Path(__file__).resolve().parents[2]
SEED = 20261201  # fixed seed of the synthetic fixtures (tests only)
DID_ESTIMATORS = ("twfe", "cs", "sun_abraham", "imputation")
# subgroup keys: "dimension=level" rows for one outcome id, bare levels for the registered split ids
SUBGROUPS = ("issue_area=gbv_womens_rights", "issue_area=death_penalty", "internet_users=low", "internet_users=high")
SPLIT_LEVELS = ("high", "low")
REGIONS = ("East Asia & Pacific", "Europe & Central Asia", "Latin America & Caribbean",
           "Middle East & North Africa", "Sub-Saharan Africa")

DEVIATIONS_MD = """# Deviations from the preregistration (SYNTHETIC fixture for the report tests)

| id | estimator | variant | what changed | reason | date |
|---|---|---|---|---|---|
| H1f | bayes | * | Bayesian model added for the latent score | synthetic fixture row | 2026-12-01 |
"""


def _tidy(spec_id, variant, outcome, treatment, estimator, estimand, key, est, se, crit, ci_kind,
          p=np.nan, n_obs=np.nan, n_units=np.nan, n_treated=np.nan, **extra):
    low, high = (est - crit * se, est + crit * se) if crit else (np.nan, np.nan)
    row = {"spec_id": spec_id, "variant": variant, "outcome": outcome, "treatment": treatment,
           "estimator": estimator, "estimand": estimand, "key": key, "estimate": est, "se": se,
           "ci_low": low, "ci_high": high, "ci_kind": ci_kind, "p_value": p,
           "n_obs": n_obs, "n_units": n_units, "n_treated_units": n_treated}
    row.update(extra)
    return row


def synthetic_did(spec: dict, rng: np.random.Generator) -> pd.DataFrame:
    """Rows as the did step writes them (study/estimate/did/study_step.py): TWFE, Sun & Abraham and
    imputation give an overall ``simple`` ATT, Callaway & Sant'Anna the ``primary`` estimand, ``simple``,
    ``dynamic`` with uniform bands (keys beyond the event window too), the pre-test and HonestDiD rows
    with breakdown values. ``subgroup`` rows follow the contract of the brief (not written by the step yet)."""
    rows = []
    for k, e in enumerate(spec["estimates"]):
        variants = e.get("variants", registry.frequentist_variants(spec))
        sizes = dict(n_obs=2600.0 + 30 * k, n_units=130.0 - k, n_treated=20.0 + k)
        tidy = lambda *a, **kw: _tidy(e["id"], *a[:1], e["outcome"], e["treatment"], *a[1:], **{**sizes, **kw})  # noqa: E731
        for estimator in (x for x in DID_ESTIMATORS if x in e["estimators"]):
            for variant in variants:
                for estimand in (("primary", "simple") if estimator == "cs" else ("simple",)):
                    est, se = rng.normal(0, 0.02), rng.uniform(0.005, 0.02)
                    rows.append(tidy(variant, estimator, estimand, "", est, se, 1.96, "pointwise95", p=rng.uniform()))
            if estimator == "twfe":
                continue
            for t in range(-7, 8) if estimator == "cs" else range(-5, 6):
                est, se = rng.normal(0, 0.02), rng.uniform(0.005, 0.02)
                if estimator == "cs":
                    rows.append(tidy("primary", "cs", "dynamic", str(t), est, se, 2.8, "uniform95"))
                else:
                    rows.append(tidy("primary", estimator, "event_time", str(t), est, se, 1.96, "pointwise95"))
            if estimator != "cs":
                continue
            rows.append(tidy("primary", "cs", "pretest", "", rng.chisquare(4), np.nan, 0, "", p=rng.uniform()))
            for estimand, grid in (("honestdid_rm", spec["honestdid"]["mbar_grid"]),
                                   ("honestdid_sd", spec["honestdid"]["m_grid_sd"])):
                est = rng.normal(0, 0.02)
                for m in grid:
                    rows.append(tidy("primary", "cs", estimand, f"{m:g}", est, 0.01 * (1 + 3 * m), 1.96, "robust95"))
                breakdown = float(rng.uniform(0, 2)) if estimand == "honestdid_rm" else np.nan
                rows.append(tidy("primary", "cs", f"{estimand}_breakdown", "", breakdown, np.nan, 0, ""))
            for key in SPLIT_LEVELS if e.get("split") else SUBGROUPS if k == 0 else ():
                est, se = rng.normal(0, 0.03), rng.uniform(0.01, 0.04)
                rows.append(tidy("primary", "cs", "subgroup", key, est, se, 1.96, "pointwise95"))
            if e["id"] in spec["multiple_testing"]["family"]:  # adjusted p-value of the confirmatory family
                rows.append(tidy("primary", "cs", "primary_holm", "", rng.normal(0, 0.02), np.nan, 0, "",
                                 p=rng.uniform()))
    return pd.DataFrame(rows)


def synthetic_bayes(spec: dict, rng: np.random.Generator) -> pd.DataFrame:
    rows = []
    groups = {"issue_area": ("gbv_womens_rights", "death_penalty", "other"), "region": REGIONS[:3],
              "leadership": ("domestic", "diaspora", "transnational_ngo"),
              "engagement": ("top_tercile", "lower_terciles", "undocumented"),
              "leadership_model": ("epistemic_community_or_mixed", "advocacy_network", "unclear")}
    # H1f has no registered Bayesian model: its row is the exploratory one (listed in DEVIATIONS_MD)
    for e in [e for e in spec["estimates"] if "bayes" in e["estimators"] or e["id"] == "H1f"]:
        variants = registry.bayes_variants(spec) if "bayes" in e["estimators"] else ["primary"]
        for variant in variants:
            keys = [("primary", "")]
            if variant == "primary" and "bayes" in e["estimators"]:
                keys += [("event_time", str(t)) for t in range(-3, 6) if t != -1]
                keys += [(g, lvl) for g in e.get("bayes_pooling", spec["bayes"]["pooling"]) for lvl in groups[g]]
            for estimand, key in keys:
                est, sd = rng.normal(0, 0.02), rng.uniform(0.005, 0.02)
                rows.append(_tidy(e["id"], variant, e["outcome"], e["treatment"], "bayes", estimand, key, est, sd,
                                  1.96, "credible95", n_obs=2600.0, n_units=128.0, n_treated=20.0,
                                  ci90_low=est - 1.645 * sd, ci90_high=est + 1.645 * sd,
                                  p_positive=float(rng.uniform())))
    return pd.DataFrame(rows)


def synthetic_diagnostics(bayes: pd.DataFrame, rng: np.random.Generator) -> tuple[pd.DataFrame, pd.DataFrame]:
    models = bayes[["spec_id", "variant"]].drop_duplicates().reset_index(drop=True)
    diag, loo = [], []
    for i, (spec_id, variant) in enumerate(models.itertuples(index=False)):
        divergences = 3 if i == 1 else 0  # one model fails the divergence gate
        for p in ("mu_e[0]", "mu_e[1]", "tau", "sigma"):
            diag.append({"spec_id": spec_id, "variant": variant, "parameter": p,
                         "r_hat": 1.0 + rng.uniform(0, 0.005), "ess_bulk": float(rng.integers(800, 3000)),
                         "ess_tail": float(rng.integers(800, 3000)), "divergences": divergences,
                         "ebfmi": rng.uniform(0.6, 1.1), "target_accept": 0.9,
                         "mass_matrix": "diagonal" if i == 2 else "low_rank"})
        loo.append({"spec_id": spec_id, "variant": variant, "elpd_loo": rng.normal(-1500, 30),
                    "se": rng.uniform(20, 40), "p_loo": rng.uniform(100, 150), "pareto_k_bad": int(rng.integers(0, 3))})
    return pd.DataFrame(diag), pd.DataFrame(loo)


def synthetic_dag(rng: np.random.Generator) -> tuple[pd.DataFrame, pd.DataFrame]:
    est = rng.normal(0, 0.02)
    dag = pd.DataFrame([_tidy("DAG1", "primary", "civil_liberties", "onset", "dowhy", "primary", "", est, 0.01, 1.96,
                              "pointwise95", p=0.3, n_obs=2500.0, n_units=125.0, n_treated=20.0)])
    refuters = [("placebo_treatment", "dowhy_iid", "effect should vanish"),
                ("random_common_cause", "dowhy_iid", "effect should not move"),
                ("data_subset", "dowhy_iid", "effect should not move"),
                ("placebo_country_permutation", "panel_aware", "effect should vanish"),
                ("country_bootstrap", "panel_aware", "effect should not move")]
    ref = pd.DataFrame([{"refuter": r, "kind": k, "estimate": est, "new_effect": rng.normal(0, 0.02),
                         "p_value": rng.uniform(), "meaning": m} for r, k, m in refuters])
    return dag, ref


def synthetic_process(spec: dict, rng: np.random.Generator) -> pd.DataFrame:
    """Rows as the process step writes them (study/estimate/process/step.py): per-country effects of
    the first campaign with engagement (some undocumented) and the Spearman summary row."""
    rows = []
    for e in (e for e in spec["estimates"] if "process_outcome" in e["estimators"]):
        for i in range(6):
            engagement = np.nan if i % 3 == 2 else float(rng.uniform())
            rows.append(_tidy(e["id"], "primary", e["outcome"], e["treatment"], "process_outcome", "unit_effect",
                              f"XA{chr(65 + i)}", rng.normal(0, 0.03), rng.uniform(0.005, 0.02), 1.96, "pointwise95",
                              n_units=1.0, cohort=2010 + i, event_times="0..3", campaign_id=f"GL{i + 1:02d}",
                              campaign_name=f"Synthetic campaign {i + 1}", leadership_model="advocacy_network",
                              documented_outcome="partial", engagement=engagement,
                              indicators="" if np.isnan(engagement) else "petition_signatures: 1,000 signatures"))
        rows.append(_tidy(e["id"], "primary", e["outcome"], e["treatment"], "process_outcome", "spearman",
                          "engagement", float(rng.uniform(-1, 1)), np.nan, 0, "", p=float(rng.uniform()), n_units=4.0))
    return pd.DataFrame(rows)


def synthetic_panel(spec: dict, rng: np.random.Generator) -> pd.DataFrame:
    countries = [f"XA{chr(ord('A') + i)}" for i in range(16)]
    years = list(range(int(spec["panel"]["first_year"]), 2025))
    frame = pd.DataFrame([(c, y) for c in countries for y in years], columns=["iso3", "year"])
    frame["country"] = "Synthetic " + frame["iso3"]
    frame["region"] = frame["iso3"].map({c: REGIONS[i % len(REGIONS)] for i, c in enumerate(countries)})
    n = len(frame)
    for col in ("civil_liberties", "physical_violence", "free_expression", "womens_civil_liberties", "polyarchy"):
        frame[col] = rng.uniform(0, 1, n)
    frame["internet_shutdowns"] = rng.normal(0, 1, n)
    frame["hr_protection"] = np.where(frame["year"] <= 2019, rng.normal(0, 1.5, n), np.nan)
    frame["treaty_ratifications"] = rng.integers(0, 6, n).astype("int64")
    frame["gdp_pc"] = rng.lognormal(9, 1, n)
    frame["log_gdp_pc"] = np.log(frame["gdp_pc"])
    frame["pop"] = rng.lognormal(16, 1, n)
    frame["log_pop"] = np.log(frame["pop"])
    frame["internet_users"] = np.clip((frame["year"] - 1995) * 3.0 + rng.normal(0, 5, n), 0, 100)
    frame.loc[rng.uniform(size=n) < 0.08, "free_expression"] = np.nan  # some gaps for the coverage map
    frame.loc[frame["year"] < 2000, "internet_users"] = np.nan
    for t in sorted(spec["treatments"]):
        cohort = {c: (int(rng.integers(2006, 2024)) if rng.uniform() < 0.5 else 0) for c in countries}
        frame[f"cohort_{t}"] = frame["iso3"].map(cohort).astype("int64")
        frame[f"cohort_{t}_core"] = frame["iso3"].map({c: (g if i % 2 else 0) for i, (c, g) in
                                                       enumerate(cohort.items())}).astype("int64")
    return frame


def synthetic_campaigns(rng: np.random.Generator) -> pd.DataFrame:
    rows = []
    for i in range(12):
        year, month = int(rng.integers(2006, 2025)), int(rng.integers(1, 13))
        rows.append({c: "" for c in schema.COLUMNS} | {
            "id": f"GL{i + 1:02d}", "name": f"Synthetic campaign {i + 1}", "target_iso3": f"XA{chr(65 + i % 8)}",
            "start": f"{year}-{month:02d}", "platforms": "twitter", "issue_area": schema.ISSUE_AREAS[i % 5],
            "leadership": schema.LEADERSHIP[i % 3], "leadership_model": schema.LEADERSHIP_MODELS[i % 4],
            "policy_demand": "synthetic", "outcome": schema.OUTCOMES[i % 5], "sources": "https://example.org",
            "verification": schema.VERIFICATION[i % 2], "social_media_centrality": schema.CENTRALITY[i % 2],
            "start_year": year, "start_month": month, "region": REGIONS[i % len(REGIONS)]})
    frame = pd.DataFrame(rows)
    frame["start_month"] = frame["start_month"].astype("Int64")
    return frame


DATAPACKAGE = {
    "name": "synthetic-raw-data",
    "resources": [
        {"name": "synthetic_vdem", "path": "vdem/synthetic.csv", "hash": "sha256:" + "0" * 64,
         "upstream": {"dataset": "Synthetic V-Dem-like file", "version": "v0", "url": "https://example.org/vdem"},
         "licenses": [{"name": "CC-BY-4.0"}], "citation": "Synthetic citation (test fixture)."},
        {"name": "synthetic_minimal", "path": "minimal/synthetic.csv"},  # absent keys are tolerated
    ],
}


def synthetic_figure(path: Path, text: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(3, 2))
    ax.text(0.5, 0.5, f"SYNTHETIC\n{text}", ha="center", va="center")
    ax.set_axis_off()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=50, metadata={"Software": None})
    plt.close(fig)


def write_synthetic_project(root: Path) -> Path:
    """Write every synthetic input of the report steps under ``root`` (a scratch STUDY_ROOT)."""
    import tomllib

    spec = tomllib.loads((root / "preregistration" / "analysis.toml").read_text())
    rng = np.random.default_rng(SEED)
    est = root / "results" / "estimates"
    est.mkdir(parents=True, exist_ok=True)
    did, bayes = synthetic_did(spec, rng), synthetic_bayes(spec, rng)
    diag, loo = synthetic_diagnostics(bayes, rng)
    dag, ref = synthetic_dag(rng)
    process = synthetic_process(spec, rng)
    for name, frame in (("did", did), ("bayes", bayes), ("bayes_diagnostics", diag), ("bayes_loo", loo),
                        ("dag", dag), ("refutations", ref), ("process_outcome", process)):
        frame.to_csv(est / f"{name}.csv", index=False, float_format="%.12g", lineterminator="\n")
    derived = root / "data" / "derived"
    derived.mkdir(parents=True, exist_ok=True)
    synthetic_panel(spec, rng).to_parquet(derived / "panel.parquet", index=False)
    synthetic_campaigns(rng).to_parquet(derived / "campaigns.parquet", index=False)
    (root / "preregistration" / "deviations.md").write_text(DEVIATIONS_MD)
    (root / "data" / "raw").mkdir(parents=True, exist_ok=True)
    (root / "data" / "raw" / "datapackage.json").write_text(json.dumps(DATAPACKAGE, indent=2))
    shutil.copy(REPO / "CITATION.cff", root / "CITATION.cff")
    figures = root / "results" / "figures"
    for name in ("panel_coverage", "campaign_timeline", "event_study_H1a", "bayes_forest_H1a", "causal_graph"):
        synthetic_figure(figures / f"{name}.png", name)
    return root


@pytest.fixture
def report_root(study_root: Path) -> Path:
    """A scratch project root holding the synthetic inputs (STUDY_ROOT points at it)."""
    return write_synthetic_project(study_root)


def run_steps(*names: str) -> None:
    """Run CLI steps in the current STUDY_ROOT; each must succeed."""
    from study import cli

    for name in names:
        assert cli.main(["-q", name]) == 0, f"step {name} failed"


def md_table(path: Path) -> dict[str, list[str]]:
    """A rendered Markdown table as {row label: cells}; group rows prefix the labels ("group/label")."""
    rows: dict[str, list[str]] = {}
    group = ""
    lines = [line for line in path.read_text().splitlines() if line.startswith("| ")]
    for line in lines[1:]:  # the first is the header
        cells = [c.strip() for c in line.strip()[1:-1].split(" | ")]
        if cells[0].startswith("*") and not any(cells[1:]):
            group = cells[0].strip("*")
            continue
        rows[f"{group}/{cells[0]}" if group else cells[0]] = cells[1:]
    return rows
