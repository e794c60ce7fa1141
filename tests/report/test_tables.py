"""The tables step (study/report/tables.py) on SYNTHETIC estimate files: every number is a view of a file."""

from __future__ import annotations

import logging
import re
import tomllib

import pandas as pd
import pytest

from study.prereg import registry
from study.report import labels, format as fmt
from study.report import load
from study.report.tables import TABLES

from .conftest import md_table, run_steps

ESTIMATOR_ROWS = {"twfe": "TWFE (static coefficient)", "cs": "Callaway & Sant'Anna",
                  "sun_abraham": "Sun & Abraham (overall ATT)", "imputation": "BJS imputation (overall ATT)",
                  "bayes": "Bayesian pooled"}


def _spec(root):
    return tomllib.loads((root / "preregistration" / "analysis.toml").read_text())


def _main_rows(root) -> pd.DataFrame:
    """The file rows the main table must show, selected here independently of the table code."""
    est = root / "results" / "estimates"
    did = pd.read_csv(est / "did.csv", keep_default_na=False, dtype={"key": str})
    bayes = pd.read_csv(est / "bayes.csv", keep_default_na=False, dtype={"key": str})
    did = did[(did.variant == "primary") & (did.ci_kind == "pointwise95")
              & ((did.estimand == "primary") | ((did.estimand == "simple") & (did.estimator != "cs")))]
    bayes = bayes[(bayes.variant == "primary") & (bayes.estimand == "primary")]
    rows = pd.concat([did, bayes], ignore_index=True)
    split = {e["id"] for e in _spec(root)["estimates"] if e.get("split")}  # these go to the heterogeneity table
    return rows[~rows.spec_id.isin(split)]


def test_writes_every_table_in_three_formats(report_root):
    run_steps("tables")
    for name in TABLES:
        for ext in ("md", "tex", "html"):
            assert (report_root / "results" / "tables" / f"{name}.{ext}").stat().st_size > 0, (name, ext)


def test_main_table_cells_equal_the_estimate_file(report_root):
    run_steps("tables")
    spec = _spec(report_root)
    table = md_table(report_root / "results" / "tables" / "main.md")
    expected_rows = _main_rows(report_root)
    ids = [e["id"] for e in spec["estimates"] if e["id"] in set(expected_rows.spec_id)]
    header = [line for line in (report_root / "results" / "tables" / "main.md").read_text().splitlines()
              if line.startswith("| ")][0]
    assert [c.split()[0] for c in header.strip("| ").split(" | ")[1:-1]] == ids
    allowed = registry.registered(spec)
    checked = 0
    for r in expected_rows.itertuples():
        registered = (r.spec_id, r.estimator, r.variant) in allowed
        label = ESTIMATOR_ROWS[r.estimator] + ("" if registered else " (exploratory)")
        cells = table[label]
        expected = f"{fmt.number(r.estimate)} {fmt.se(r.se)} {fmt.interval(r.ci_low, r.ci_high)}"
        assert cells[ids.index(r.spec_id)] == expected, (label, r.spec_id)
        assert cells[-1] == ("preregistered" if registered else "exploratory")
        checked += 1
    assert checked == len(expected_rows) and len(table) == 5 + 1 + 4  # estimators, exploratory row, footer
    did = pd.read_csv(report_root / "results" / "estimates" / "did.csv", keep_default_na=False)
    holm = did[did.estimand == "primary_holm"].set_index("spec_id")
    assert len(holm) == len(spec["multiple_testing"]["family"])
    assert table["Holm-adjusted p, Callaway & Sant'Anna (confirmatory family)"][:len(ids)] == [
        fmt.pvalue(holm.at[i, "p_value"]) if i in holm.index else "" for i in ids]
    cs = _main_rows(report_root).query("estimator == 'cs'").set_index("spec_id")
    assert table["N (country-years)"][:len(ids)] == [fmt.count(cs.at[i, "n_obs"]) for i in ids]
    assert table["Countries (clusters)"][:len(ids)] == [fmt.count(cs.at[i, "n_units"]) for i in ids]


def test_changing_one_estimate_changes_the_tables(report_root):
    """Acceptance: edit one number in did.csv; main.md/.tex/.html show the new number."""
    run_steps("tables")
    tables = report_root / "results" / "tables"
    before = {ext: (tables / f"main.{ext}").read_text() for ext in ("md", "tex", "html")}
    path = report_root / "results" / "estimates" / "did.csv"
    did = pd.read_csv(path, dtype=str, keep_default_na=False)
    row = did.index[(did.spec_id == "H1c") & (did.estimator == "cs") & (did.variant == "primary")
                    & (did.estimand == "primary")][0]
    old = fmt.number(float(did.at[row, "estimate"]))
    did.at[row, "estimate"] = "0.4321"
    did.at[row, "ci_low"], did.at[row, "ci_high"] = "0.41", "0.45"
    did.to_csv(path, index=False)
    run_steps("tables")
    after = {ext: (tables / f"main.{ext}").read_text() for ext in ("md", "tex", "html")}
    assert all(before[ext] != after[ext] for ext in after)
    cell = md_table(tables / "main.md")["Callaway & Sant'Anna"][2]  # H1c is the third column
    assert cell.startswith("0.432 (") and cell.endswith("[0.410, 0.450]") and old not in cell.split()[0]
    assert "0.432" in after["tex"] and "[0.410, 0.450]" in after["html"]
    # the same file feeds the comparison and robustness tables
    comparison = md_table(tables / "comparison.md")
    assert comparison[[k for k in comparison if k.startswith("H1c") and k.endswith("Callaway & Sant'Anna")][0]][0] == "0.432"


def test_unregistered_estimate_is_exploratory_and_warned_if_unlisted(report_root, caplog):
    (report_root / "preregistration" / "deviations.md").write_text("no deviations table\n")
    with caplog.at_level(logging.WARNING, logger="study"):
        run_steps("tables")
    table = md_table(report_root / "results" / "tables" / "main.md")
    assert table["Bayesian pooled (exploratory)"][-1] == "exploratory"
    assert table["Bayesian pooled"][-1] == "preregistered"
    assert "H1f/bayes/primary is neither registered nor in deviations.md" in caplog.text


def test_headline_estimand_is_primary_then_twfe_then_simple(report_root):
    from study.report.tables import primary_estimand

    did = load.read_estimates("did")
    cs = did[(did.estimator == "cs") & (did.variant == "primary") & (did.spec_id == "H1a")]
    assert primary_estimand(cs)["estimand"].tolist() == ["primary"]  # the file also has cs "simple"
    twfe = did[(did.estimator == "twfe") & (did.variant == "primary") & (did.spec_id == "H1a")]
    both = pd.concat([twfe, twfe.assign(estimand="twfe", estimate=9.0)], ignore_index=True)
    assert primary_estimand(both)["estimate"].tolist() == [9.0]
    assert primary_estimand(twfe)["estimate"].tolist() == twfe["estimate"].tolist()


def test_pending_bayes_step_leaves_out_bayesian_tables(report_root, monkeypatch):
    for name in ("bayes", "bayes_diagnostics", "bayes_loo"):
        (report_root / "results" / "estimates" / f"{name}.csv").unlink()
    monkeypatch.setattr(load, "step_implemented", lambda step: step != "bayes")
    run_steps("tables")
    tables = report_root / "results" / "tables"
    assert not (tables / "comparison.md").exists() and not (tables / "bayes_diagnostics.md").exists()
    assert "Bayesian pooled" not in md_table(tables / "main.md")


def test_diagnostics_gates_from_the_spec(report_root):
    run_steps("tables")
    table = md_table(report_root / "results" / "tables" / "bayes_diagnostics.md")
    # the synthetic fixture gives the second model 3 divergences ([bayes.gates].divergences_max = 0)
    gates = [cells[-2] for cells in table.values()]
    assert gates.count("fail: divergences") == 1 and gates.count("pass") == len(gates) - 1
    # the mass matrix and target acceptance of each reported run (the third model's run is diagonal)
    samplers = [cells[-3] for cells in table.values()]
    assert samplers[2] == "diagonal, accept 0.90" and samplers.count("low-rank, accept 0.90") == len(samplers) - 1


@pytest.mark.parametrize("name", ["event_study", "sensitivity", "robustness"])
def test_wide_tables_show_file_values(report_root, name):
    """Spot check: the first body cell of each wide table equals its file row."""
    run_steps("tables")
    did = load.read_estimates("did")
    table = md_table(report_root / "results" / "tables" / f"{name}.md")
    first_label, cells = next(iter(table.items()))
    query = {"event_study": "estimator == 'cs' and estimand == 'dynamic' and key == '-5' and ci_kind == 'uniform95'",
             "heterogeneity": "estimand == 'subgroup' and key == 'issue_area=gbv_womens_rights'",
             "sensitivity": "estimand == 'honestdid_rm' and key == '0'",
             "robustness": "estimator == 'twfe' and variant == 'primary' and estimand == 'simple'"}[name]
    r = did.query(f"spec_id == 'H1a' and {query}").iloc[0]
    expected = fmt.interval(r.ci_low, r.ci_high) if name == "sensitivity" else \
        f"{fmt.number(r.estimate)} {fmt.se(r.se)} {fmt.interval(r.ci_low, r.ci_high)}"
    assert cells[0] == expected, first_label


def test_latex_tables_are_well_formed(report_root):
    """No LaTeX engine here: check each .tex structurally (balanced braces, one cell per column)."""
    run_steps("tables")
    for path in sorted((report_root / "results" / "tables").glob("*.tex")):
        text = path.read_text()
        unescaped = text.replace(r"\{", "").replace(r"\}", "")
        assert unescaped.count("{") == unescaped.count("}"), path.name
        spec = re.search(r"\\begin\{tabular\}\{([lcr]+)\}", text).group(1)
        body = text[text.index(r"\toprule"):text.index(r"\bottomrule")]
        for line in body.splitlines():
            if line.endswith(r"\\") and not line.startswith(r"\multicolumn"):
                cells = len(re.split(r"(?<!\\)&", line))
                assert cells == len(spec), (path.name, line)
        for token in ("\\toprule", "\\midrule", "\\bottomrule", "\\end{table}"):
            assert token in text, (path.name, token)


def test_event_window_breakdown_and_failures_are_shown(report_root):
    failures = report_root / "results" / "estimates" / "did" / "failures.json"
    failures.parent.mkdir(parents=True, exist_ok=True)
    failures.write_text('[{"spec_id": "H1d", "variant": "R6", "error": "synthetic: cohort too small"}]')
    run_steps("tables")
    tables = report_root / "results" / "tables"
    events = md_table(tables / "event_study.md")
    lo, hi = _spec(report_root)["did"]["event_window"]
    shown = {int(k.split("e = ")[1]) for k in events if "/e = " in k}
    assert shown == set(range(lo, hi + 1))  # did.csv also holds e = -7..7
    did = load.read_estimates("did")
    brk = did.query("spec_id == 'H1a' and estimand == 'honestdid_rm_breakdown'").estimate.iloc[0]
    sens = md_table(tables / "sensitivity.md")
    assert sens["Relative magnitudes (Callaway & Sant'Anna)/Breakdown value of Mbar"][0] == fmt.number(brk)
    assert "Not estimated (reasons in results/estimates/did/failures.json): H1d R6." in (tables / "robustness.md").read_text()


def test_heterogeneity_blocks_hold_split_ids_and_bayesian_groups(report_root):
    run_steps("tables")
    spec = _spec(report_root)
    did, bayes = load.read_estimates("did"), load.read_estimates("bayes")
    table = md_table(report_root / "results" / "tables" / "heterogeneity.md")
    r = did.query("spec_id == 'H1a' and estimand == 'subgroup' and key == 'issue_area=gbv_womens_rights'").iloc[0]
    h1a = next(e for e in spec["estimates"] if e["id"] == "H1a")
    cells = table[f"H1a ({labels.outcome(spec, h1a['outcome'])}): Issue area, Callaway & Sant'Anna/"
                  "Gender-based violence & women's rights"]
    assert cells[:3] == [fmt.number(r.estimate), fmt.se(r.se), fmt.interval(r.ci_low, r.ci_high)]
    assert cells[4] == fmt.count(r.n_obs) and cells[-1] == "preregistered"
    for e in (e for e in spec["estimates"] if e.get("split")):  # each registered split is a block
        rows = did.query(f"spec_id == '{e['id']}' and estimand == 'subgroup'")
        block = [k for k in table if k.startswith(f"{e['id']} (") and "Callaway" in k]
        assert len(block) == len(rows) and all(e["split"] not in k for k in block)
        assert [table[k][0] for k in block] == [fmt.number(x) for x in rows.estimate]
    b = bayes.query("spec_id == 'H1b' and variant == 'primary' and estimand == 'region'").iloc[0]
    assert table[f"H1b ({labels.outcome(spec, 'free_expression')}): Region, Bayesian pooled/{b.key}"][0] \
        == fmt.number(b.estimate)
    for e in (e for e in spec["estimates"] if e.get("bayes_pooling")):  # per-estimate pooling (H6, H7)
        for dim in e["bayes_pooling"]:
            rows = bayes.query(f"spec_id == '{e['id']}' and variant == 'primary' and estimand == '{dim}'")
            assert len(rows) > 0
            for r in rows.itertuples():
                key = (f"{e['id']} ({labels.outcome(spec, e['outcome'])}): {labels.dimension(dim)}, Bayesian pooled/"
                       f"{labels.code(r.key)}")
                assert table[key][0] == fmt.number(r.estimate)


def test_process_table_shows_each_campaign_effect_and_engagement(report_root):
    """Issue 10: per campaign, engagement next to its effect, read from process_outcome.csv."""
    run_steps("tables")
    tables = report_root / "results" / "tables"
    table = md_table(tables / "process.md")
    process = load.read_estimates("process")
    units = process[process.estimand == "unit_effect"]
    assert len([k for k in table if "·" in k]) == len(units)
    for r in units.itertuples():
        cells = next(v for k, v in table.items() if k.split("/")[-1].startswith(f"{r.key} · {r.campaign_id}"))
        assert cells[1] == (fmt.number(r.engagement) if pd.notna(r.engagement) else "–")
        assert cells[3] == f"{fmt.number(r.estimate)} {fmt.se(r.se)} {fmt.interval(r.ci_low, r.ci_high)}"
        assert cells[-1] == "preregistered"  # P1 is registered (as a descriptive, exploratory-role id)
    spearman = process[process.estimand == "spearman"].iloc[0]
    footer = next(v for k, v in table.items() if "Spearman" in k)
    assert footer[1] == fmt.number(spearman.estimate)
    # change one effect in the file: the table follows
    path = report_root / "results" / "estimates" / "process_outcome.csv"
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame.loc[frame.index[0], "estimate"] = "0.9876"
    frame.to_csv(path, index=False)
    run_steps("tables")
    assert "0.988" in (tables / "process.md").read_text()


def test_bayesian_rows_of_the_main_table_are_in_outcome_units(report_root):
    """bayes.csv in outcome SD units: the main table multiplies by the file's outcome_sd."""
    path = report_root / "results" / "estimates" / "bayes.csv"
    bayes = pd.read_csv(path, dtype=str, keep_default_na=False)
    bayes["scale"], bayes["outcome_sd"] = "outcome_sd", "0.5"
    bayes.to_csv(path, index=False)
    run_steps("tables")
    table = md_table(report_root / "results" / "tables" / "main.md")
    spec = _spec(report_root)
    ids = [e["id"] for e in spec["estimates"] if e["id"] in set(_main_rows(report_root).spec_id)]
    r = bayes[(bayes.spec_id == "H1a") & (bayes.variant == "primary") & (bayes.estimand == "primary")].iloc[0]
    cell = table["Bayesian pooled"][ids.index("H1a")]
    assert cell == (f"{fmt.number(float(r.estimate) * 0.5)} {fmt.se(float(r.se) * 0.5)} "
                    f"{fmt.interval(float(r.ci_low) * 0.5, float(r.ci_high) * 0.5)}")
    assert "converted from outcome SD units" in (report_root / "results" / "tables" / "main.md").read_text()
