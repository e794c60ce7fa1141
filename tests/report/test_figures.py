"""The summary figures (study/report/figures.py) on SYNTHETIC estimate files."""

from __future__ import annotations

import tomllib

import numpy as np
import pytest
from matplotlib.colors import to_rgba_array

from study.report import figures, load
from study.report.status import load_status

from .conftest import run_steps


def _spec(root):
    return tomllib.loads((root / "preregistration" / "analysis.toml").read_text())


def test_writes_png_and_pdf(report_root):
    run_steps("figures")
    for stem in figures.FIGURES:
        for ext in ("png", "pdf"):
            assert (report_root / "results" / "figures" / f"{stem}.{ext}").stat().st_size > 1000, (stem, ext)


def _colours(fig) -> np.ndarray:
    """Every face and edge colour drawn in the figure (lines, markers, bands, images)."""
    out = []
    for ax in fig.axes:
        for line in ax.get_lines():
            out += [line.get_color(), line.get_markerfacecolor(), line.get_markeredgecolor()]
        for coll in ax.collections:
            if coll.get_array() is not None:  # colour-mapped (heatmap, colorbar): its colours are the map's
                out += list(coll.cmap(np.linspace(0, 1, 16)))
                out += list(coll.get_edgecolor())
            else:
                out += list(coll.get_facecolor()) + list(coll.get_edgecolor())
        for im in ax.get_images():
            rgba = im.cmap(np.linspace(0, 1, 16))
            out += list(rgba)
    rgba = to_rgba_array([c for c in out if not (isinstance(c, str) and c == "none")])
    return rgba[rgba[:, 3] > 0]


@pytest.mark.parametrize("name", ["event_study", "forest", "coverage"])
def test_figures_use_gray_levels_only(report_root, name):
    """Readable in grayscale: no series is told apart by hue (every colour has R = G = B)."""
    import matplotlib.pyplot as plt

    spec = _spec(report_root)
    did, bayes = load.read_estimates("did"), load.read_estimates("bayes")
    fig = {"event_study": lambda: figures.event_study_figure(spec, did),
           "forest": lambda: figures.forest_figure(spec, load_status(spec), did, bayes),
           "coverage": lambda: figures.coverage_figure(spec, load.read_panel())}[name]()
    rgba = _colours(fig)
    plt.close(fig)
    assert len(rgba) > 0
    assert np.allclose(rgba[:, 0], rgba[:, 1], atol=1e-6) and np.allclose(rgba[:, 1], rgba[:, 2], atol=1e-6)


def test_event_study_plots_the_file_values(report_root):
    """The C&S points of the first panel are the dynamic estimates of did.csv for H1a, within the window."""
    import matplotlib.pyplot as plt

    spec = _spec(report_root)
    did = load.read_estimates("did")
    fig = figures.event_study_figure(spec, did)
    line = next(l for l in fig.axes[0].get_lines() if l.get_label() == "Callaway & Sant'Anna")
    rows = did.query("spec_id == 'H1a' and estimator == 'cs' and estimand == 'dynamic' and ci_kind == 'uniform95'")
    rows = rows.assign(e=rows.key.astype(float)).sort_values("e")
    lo, hi = spec["did"]["event_window"]
    rows = rows[(rows.e >= lo) & (rows.e <= hi)]  # the synthetic file has event times beyond the window
    assert len(rows) == hi - lo + 1
    np.testing.assert_array_equal(line.get_xdata(), rows.e.to_numpy())
    np.testing.assert_array_equal(line.get_ydata(), rows.estimate.to_numpy())
    plt.close(fig)


def test_no_inputs_no_figure(report_root):
    spec = _spec(report_root)
    assert figures.event_study_figure(spec, None) is None
    assert figures.forest_figure(spec, load_status(spec), None, None) is None
    assert figures.coverage_figure(spec, None) is None
