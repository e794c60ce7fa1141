"""Atomic, deterministic writers."""

from __future__ import annotations

import pandas as pd
import pytest

from study import io


def test_atomic_path_keeps_old_content_when_writing_fails(tmp_path):
    target = tmp_path / "out.csv"
    target.write_text("good\n")
    with pytest.raises(RuntimeError):
        with io.atomic_path(target) as tmp:
            tmp.write_text("half-writ")
            raise RuntimeError("killed")
    assert target.read_text() == "good\n"
    assert list(tmp_path.iterdir()) == [target], "the temporary file must be removed"


def test_write_csv_is_byte_identical_across_runs(tmp_path):
    frame = pd.DataFrame({"a": [0.1 + 0.2, 1 / 3], "b": ["x", "y"]})
    first = io.write_csv(tmp_path / "a.csv", frame).read_bytes()
    second = io.write_csv(tmp_path / "b.csv", frame).read_bytes()
    assert first == second
    assert first.decode() == "a,b\n0.3,x\n0.333333333333,y\n"


def test_write_parquet_is_byte_identical_across_runs(tmp_path):
    frame = pd.DataFrame({"iso3": ["NGA", "KEN"], "year": [2014, 2015], "y": [0.5, None]})
    assert (io.write_parquet(tmp_path / "a.parquet", frame).read_bytes()
            == io.write_parquet(tmp_path / "b.parquet", frame).read_bytes())


@pytest.mark.parametrize("suffix", [".png", ".pdf"])
def test_save_figure_has_no_timestamp(tmp_path, suffix):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    ax.plot([0, 1], [1, 0])
    a = io.save_figure(fig, tmp_path / f"a{suffix}").read_bytes()
    b = io.save_figure(fig, tmp_path / f"b{suffix}").read_bytes()
    plt.close(fig)
    assert a == b


def test_write_json_is_canonical(tmp_path):
    import numpy as np

    text = io.write_json(tmp_path / "x.json", {"b": np.float64(0.5), "a": np.int64(2)}).read_text()
    assert text == '{\n  "a": 2,\n  "b": 0.5\n}\n'
