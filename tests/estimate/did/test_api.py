"""The general entry point, in Python and on the command line (python -m study did --data ...)."""

from __future__ import annotations

import json

import pytest

from study.cli import main
from study.estimate.did.api import estimate

from .conftest import FIXTURES, MPDTA


def test_json_shape_and_values(mpdta, r_ref):
    out = estimate(mpdta, **MPDTA)
    assert {"group", "time", "att", "se"} <= set(out["att_gt"][0])
    assert set(out["aggregations"]) == {"simple", "group", "dynamic", "calendar"}
    for agg in out["aggregations"].values():
        assert {"att", "se"} <= set(agg["overall"])
        for b in agg["by"]:
            assert {"key", "att", "se", "ci_low", "ci_high"} <= set(b)
    ref = r_ref["aggte"]
    simple = ref[(ref.scenario == "mpdta_nev_dr") & (ref.type == "simple")].overall_se.iloc[0]
    assert out["aggregations"]["simple"]["overall"]["se"] == pytest.approx(simple, rel=1e-6)
    assert out["pretest"]["stat"] == pytest.approx(7.79123662720035, abs=1e-6)
    assert out["twfe"]["coef"] == pytest.approx(-0.0365489, abs=1e-6)
    assert out["se_kind"] == "analytic"


def test_cli_writes_json_and_no_step_log(tmp_path, monkeypatch):
    monkeypatch.setenv("STUDY_ROOT", str(tmp_path))
    out = tmp_path / "out.json"
    argv = ["did", "--data", str(FIXTURES / "mpdta.csv"), "--unit", "countyreal", "--time", "year",
            "--cohort", "first.treat", "--outcome", "lemp", "--covariates", "lpop", "--method", "reg",
            "--bootstrap", "199", "--seed", "7", "--json", str(out)]
    assert main(argv) == 0
    first = out.read_bytes()
    doc = json.loads(first)
    assert doc["se_kind"] == "bootstrap" and doc["aggregations"]["dynamic"]["ci_kind"] == "uniform"
    assert doc["aggregations"]["dynamic"]["crit_value"] > 1.96
    assert doc["att_gt"][0]["att"] == pytest.approx(-0.014911237790361, abs=1e-8)  # R: mpdta_nev_reg_cov
    assert not (tmp_path / "results" / "logs" / "did.json").exists()
    assert main(argv) == 0
    assert out.read_bytes() == first  # same seed, same bytes


def test_cli_bad_input_exits_2_and_keeps_previous_output(tmp_path, monkeypatch, mpdta):
    monkeypatch.setenv("STUDY_ROOT", str(tmp_path))
    out = tmp_path / "out.json"
    out.write_text("previous")
    bad = tmp_path / "bad.csv"
    mpdta[mpdta["first.treat"] > 0].to_csv(bad, index=False)
    argv = ["did", "--data", str(bad), "--unit", "countyreal", "--time", "year", "--cohort", "first.treat",
            "--outcome", "lemp", "--json", str(out)]
    assert main(argv) == 2
    assert out.read_text() == "previous"
