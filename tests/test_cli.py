"""The CLI lists every step; a pending step says so and fails without writing anything."""

from __future__ import annotations

import subprocess
import sys

import pytest

from study import cli


def test_help_lists_every_step(capsys):
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    for step in cli.STEPS:
        assert step.name in out


def test_pending_step_exits_non_zero_without_output(study_root, monkeypatch):
    monkeypatch.setattr(cli, "STEPS", cli.STEPS + (cli.Step("future", "study.not_built_yet", "later"),))
    assert cli.main(["future"]) == 3
    assert not (study_root / "results").exists()


def test_module_entry_point_runs():
    out = subprocess.run([sys.executable, "-m", "study", "--version"], capture_output=True, text=True, check=True)
    assert out.stdout.startswith("study ")
