"""Prior sets are read from the spec, validated, and switch a compiled model without recompiling."""

from __future__ import annotations

import pytest

from study.errors import StudyError
from study.estimate.bayes.model import prior_updates
from study.estimate.bayes.priors import SCALE_NAMES, prior_set, prior_sets


def test_spec_prior_sets(spec_dict):
    sets = prior_sets(spec_dict["bayes"])
    assert list(sets)[0] == "baseline"
    assert set(sets) == set(spec_dict["bayes"]["priors"])
    for name, p in sets.items():
        table = spec_dict["bayes"]["priors"][name]
        assert p.scales() == {k: float(table[k]) for k in SCALE_NAMES}


@pytest.mark.parametrize("bad", [0, -1.0, "0.5", True])
def test_non_positive_or_non_numeric_scale_fails(spec_dict, bad):
    bayes = {"priors": {"baseline": {**spec_dict["bayes"]["priors"]["baseline"], "sigma_scale": bad}}}
    with pytest.raises(StudyError, match="sigma_scale"):
        prior_set(bayes, "baseline")


def test_missing_set_or_key_fails(spec_dict):
    with pytest.raises(StudyError, match="no prior set"):
        prior_set(spec_dict["bayes"], "nope")
    partial = dict(spec_dict["bayes"]["priors"]["baseline"])
    partial.pop("nu_rate")
    with pytest.raises(StudyError, match="nu_rate"):
        prior_set({"priors": {"baseline": partial}}, "baseline")


def test_prior_updates_cover_every_scale(spec_dict):
    updates = prior_updates(prior_set(spec_dict["bayes"], "wide"))
    assert set(updates) == {f"prior_{k}" for k in SCALE_NAMES}
    assert float(updates["prior_effect_mean_sd"]) == spec_dict["bayes"]["priors"]["wide"]["effect_mean_sd"]
