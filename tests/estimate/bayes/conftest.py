"""Shared fixtures for the Bayesian event-study tests. All panels here are SYNTHETIC.

Compiling a model takes ~20-40 s (numba), so one normal and one ar1 model are compiled per session
on a fixed frame (60 countries, 1995-2014, every category) and reused through ``with_data`` by
every test whose design is conformed to that frame.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from study.estimate.bayes import simulate
from study.estimate.bayes.design import EventDesign, build_design, conform
from study.estimate.bayes.priors import prior_set

REPO = Path(__file__).resolve().parents[3]
SMALL = dict(n_countries=60, first_year=1995, last_year=2014, cohort_years=(2006, 2011))
EFFECTS = {0: 0.01, 1: 0.02, 2: 0.03, 3: 0.03, 4: 0.03, 5: 0.03}   # outcome units (SYNTHETIC truth)


def repo_spec() -> dict:
    text = (REPO / "preregistration" / "analysis.toml").read_text()
    return tomllib.loads(text)


def small_frame() -> dict:
    """Units, years and categories every small SYNTHETIC design is conformed to."""
    return {"units": simulate._codes(SMALL["n_countries"]),
            "years": list(range(SMALL["first_year"], SMALL["last_year"] + 1)),
            "groups": {"issue_area": sorted(simulate.ISSUE_AREAS), "region": sorted(simulate.REGIONS),
                       "leadership": sorted(simulate.LEADERSHIP)}}


def small_design(seed: int, *, outcome: str = "civil_liberties", **kwargs) -> tuple[EventDesign, object, object]:
    """A SYNTHETIC small panel, its conformed design and the truth that generated it."""
    options = dict(SMALL, event_effects=EFFECTS, group_sd=0.01, seed=seed)
    options.update(kwargs)
    panel, truth = simulate.simulate_panel(**options)
    design = build_design(panel, outcome=outcome, cohort="cohort_any", event_times=[-3, 5],
                          first_year=SMALL["first_year"], min_pre_periods=3)
    return conform(design, **small_frame()), truth, panel


@pytest.fixture(scope="session")
def baseline_priors():
    return prior_set(repo_spec()["bayes"], "baseline")


@pytest.fixture(scope="session")
def compiled_normal(baseline_priors):
    """The normal model compiled once on the small frame (SYNTHETIC template design)."""
    from study.estimate.bayes.sample import CompiledEventStudy

    design, _, _ = small_design(0)
    return CompiledEventStudy(design, "normal", baseline_priors)


@pytest.fixture(scope="session")
def compiled_ar1(baseline_priors):
    """The ar1 model compiled once on the small frame (SYNTHETIC template design)."""
    from study.estimate.bayes.sample import CompiledEventStudy

    design, _, _ = small_design(0)
    return CompiledEventStudy(design, "ar1", baseline_priors)


@pytest.fixture(scope="session")
def gate_spec():
    from study.estimate.bayes.gates import GateSpec

    return GateSpec.from_spec(repo_spec()["bayes"]["gates"])


@pytest.fixture(scope="session")
def make_small_design():
    """``make_small_design(seed, **simulate_kwargs) -> (design, truth, panel)``."""
    return small_design


@pytest.fixture(scope="session")
def spec_dict() -> dict:
    return repo_spec()
