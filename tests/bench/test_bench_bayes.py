"""``python -m study bench --only bayes``: nutpie vs PyMC's default NUTS (timings reported, never asserted)."""

from __future__ import annotations


import pandas as pd
import pytest

from study.bench.bayes import SAMPLERS, _markdown
from study.cli import main

# Full-size runs are marked slow and, to keep `make test` within its budget, run only on request.


def test_markdown_table_has_every_run():
    table = pd.DataFrame([{"variant": "normal", "sampler": s, "rows": 1200, "units": 60, "chains": 4, "draws": 300,
                           "tune": 300, "compile_seconds": 1.0, "sampling_seconds": 2.0, "min_ess_bulk": 500.0,
                           "min_ess_tail": 400.0, "max_r_hat": 1.001, "divergences": 0,
                           "ess_bulk_per_second": 250.0, "sampling_time_ratio_vs_pymc": 1.0,
                           "ess_per_second_ratio_vs_pymc": 1.0, "cores": 2} for s in SAMPLERS])
    text = _markdown(table, {"pymc": "x", "nutpie": "y"}, quick=True)
    assert all(f"| normal | {s} |" in text for s in SAMPLERS)
    assert "Quick mode" in text and "SYNTHETIC" in text


@pytest.mark.slow
@pytest.mark.full
def test_bench_bayes_quick_writes_tables(study_root):
    assert main(["bench", "--only", "bayes", "--quick"]) == 0
    table = pd.read_csv(study_root / "results" / "bench" / "bayes.csv")
    assert set(table.sampler) == set(SAMPLERS)
    assert (table.sampling_seconds > 0).all() and (table.min_ess_bulk > 0).all()
    ref = table[table.sampler == "pymc"]
    assert (ref.ess_per_second_ratio_vs_pymc == 1).all()
    assert "ESS/s ratio" in (study_root / "results" / "bench" / "bayes.md").read_text()
