"""Smoke test of ``python -m study bench --only did --quick`` (timings are reported, never asserted)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from study.cli import main

MPDTA = Path(__file__).resolve().parents[1] / "fixtures" / "mpdta.csv"


@pytest.mark.slow
def test_bench_did_quick_writes_tables(study_root):
    (study_root / "tests" / "fixtures").mkdir(parents=True)
    shutil.copy(MPDTA, study_root / "tests" / "fixtures" / "mpdta.csv")
    assert main(["bench", "--only", "did", "--quick"]) == 0
    table = pd.read_csv(study_root / "results" / "bench" / "did.csv")
    assert set(table.package) == {"project", "diff-diff", "csdid", "differences"}
    assert set(table["size"]) == {"mpdta x1", "mpdta x2"}
    ok = table[table.package == "project"]
    assert (ok.seconds > 0).all() and (ok.time_ratio_project_vs_peer == 1).all()
    assert "time ratio" in (study_root / "results" / "bench" / "did.md").read_text()
