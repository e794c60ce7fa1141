"""Reading and checking the estimate files (study/report/load.py), on SYNTHETIC fixtures."""

from __future__ import annotations

import pandas as pd
import pytest

from study.errors import DataError
from study.report import load


def test_reads_numbers_as_floats(report_root):
    did = load.read_estimates("did")
    assert did["estimate"].dtype == "float64" and did["n_obs"].dtype == "float64"
    assert set(load.TIDY_COLUMNS) <= set(did.columns)


def test_missing_file_of_implemented_step_is_an_error_naming_it(report_root, monkeypatch):
    (report_root / "results" / "estimates" / "bayes.csv").unlink()
    monkeypatch.setattr(load, "step_implemented", lambda step: True)
    with pytest.raises(DataError, match=r"results/estimates/bayes\.csv.*make bayes"):
        load.read_estimates("bayes")


def test_missing_file_of_pending_step_reads_as_none(report_root, monkeypatch):
    (report_root / "results" / "estimates" / "bayes.csv").unlink()
    monkeypatch.setattr(load, "step_implemented", lambda step: False)
    assert load.read_estimates("bayes") is None


def test_step_implemented_follows_the_cli_table():
    assert load.step_implemented("tables")
    assert not load.step_implemented("no-such-step")


def test_non_numeric_estimate_names_file_row_and_field(report_root):
    path = report_root / "results" / "estimates" / "did.csv"
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame.loc[2, "se"] = "0.01x"
    frame.to_csv(path, index=False)
    with pytest.raises(DataError) as err:
        load.read_estimates("did")
    assert "did.csv" in str(err.value) and err.value.row == 3 and err.value.field == "se"


def test_missing_column_and_duplicate_rows_fail(report_root):
    path = report_root / "results" / "estimates" / "did.csv"
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    pd.concat([frame, frame.iloc[[5]]]).to_csv(path, index=False)
    with pytest.raises(DataError, match="duplicate estimate") as err:
        load.read_estimates("did")
    assert err.value.row == len(frame) + 1
    frame.drop(columns="ci_kind").to_csv(path, index=False)
    with pytest.raises(DataError) as err:
        load.read_estimates("did")
    assert err.value.field == "ci_kind"
