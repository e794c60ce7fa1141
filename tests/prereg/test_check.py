"""The preregistration check fails on an edited locked file and on an unregistered estimate."""

from __future__ import annotations

import pandas as pd
import pytest

from study import cli
from study.errors import StudyError
from study.prereg import check, registry


@pytest.fixture
def registered_root(study_root):
    prereg = study_root / "preregistration"
    for name in ("plan.md", "causal_graph.dot", "LOCK", "deviations.md"):
        (prereg / name).unlink(missing_ok=True)
    (prereg / "plan.md").write_text("# Plan\n\nH1: campaigns improve practice.\n")
    (prereg / "causal_graph.dot").write_text("digraph { campaign_onset -> outcome_lead }\n")
    (prereg / "deviations.md").write_text(
        "# Deviations\n\n| id | estimator | variant | what changed | reason | date |\n"
        "|---|---|---|---|---|---|\n"
        "| X1 | cs | primary | added an exploratory outcome | reviewer request | 2026-12-01 |\n")
    assert cli.main(["prereg-lock", "--date", "2026-11-28"]) == 0
    return study_root


def _write_estimates(root, rows):
    path = root / "results" / "estimates" / "did.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    pd.DataFrame(rows, columns=["spec_id", "estimator", "variant", "estimate"]).to_csv(path, index=False)
    return path


def test_lock_then_check_passes(registered_root):
    lock = (registered_root / "preregistration" / "LOCK").read_text()
    assert 'registered = "2026-11-28"' in lock and "preregistration/plan.md" in lock
    assert cli.main(["prereg-check"]) == 0


def test_lock_refuses_to_overwrite(registered_root):
    assert cli.main(["prereg-lock"]) == 2


@pytest.mark.parametrize("name", ["plan.md", "analysis.toml", "causal_graph.dot"])
def test_one_character_edit_fails_naming_the_file(registered_root, name):
    path = registered_root / "preregistration" / name
    text = path.read_text()
    path.write_text(text[:-2] + ("X" if text[-2] != "X" else "Y") + text[-1])
    with pytest.raises(StudyError, match=f"preregistration/{name}"):
        check.check_lock()
    assert cli.main(["prereg-check"]) == 2


def test_registered_estimates_pass(registered_root):
    _write_estimates(registered_root, [["H1a", "cs", "primary", 0.1], ["H1a", "twfe", "R1", 0.2],
                                       ["H1a", "bayes", "student_t", 0.1], ["X1", "cs", "primary", 0.3]])
    assert check.check_estimates() == 4


@pytest.mark.parametrize("row", [["H9", "cs", "primary", 0.1],        # unknown id
                                 ["H1f", "bayes", "primary", 0.1],    # estimator not registered for the id
                                 ["H1a", "cs", "R99", 0.1],           # unknown variant
                                 ["X1", "twfe", "primary", 0.1]])     # deviation covers cs only
def test_unregistered_estimate_fails_naming_it(registered_root, row):
    _write_estimates(registered_root, [["H1a", "cs", "primary", 0.1], row])
    with pytest.raises(StudyError, match=rf"row 2: estimate spec_id={row[0]} estimator={row[1]} variant={row[2]}"):
        check.check_estimates()
    assert cli.main(["prereg-check"]) == 2


def test_registry_variants_follow_the_spec():
    spec = {"estimates": [{"id": "H1", "estimators": ["cs", "bayes"]}],
            "robustness": [{"id": "R1"}],
            "bayes": {"variants": ["normal", "student_t"], "primary_variant": "normal",
                      "priors": {"baseline": {}, "wide": {}}}}
    assert registry.registered(spec) == {("H1", "cs", "primary"), ("H1", "cs", "R1"),
                                         ("H1", "bayes", "primary"), ("H1", "bayes", "student_t"),
                                         ("H1", "bayes", "prior_wide")}
