"""The Makefile pipeline: incremental, robust to interruption and byte-reproducible.

Runs the fast front of the pipeline (data → campaigns → panel) in scratch copies of the project
that share the checkout's virtual environment.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
COPY = ("Makefile", "pyproject.toml", "uv.lock", "README.md", "study", "preregistration", "data/raw",
        "data/campaigns")
STEPS = ("data", "campaigns", "panel")

pytestmark = pytest.mark.skipif(not (REPO / ".venv" / ".synced").exists(),
                                reason="needs the project environment (make setup)")


def scratch_copy(dest: Path) -> Path:
    for rel in COPY:
        src = REPO / rel
        if src.is_dir():
            shutil.copytree(src, dest / rel, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / rel)
    for env in (".venv", ".tools"):
        if (REPO / env).exists():
            (dest / env).symlink_to(REPO / env)
    return dest


def make(root: Path, *targets: str, check: bool = True) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "STUDY_ROOT"}
    # -o: the shared environment's stamp is taken as up to date in the scratch copy.
    return subprocess.run(["make", "-o", ".venv/.synced", *targets], cwd=root, env=env,
                          capture_output=True, text=True, check=check, timeout=600)


def log_mtimes(root: Path) -> dict[str, float]:
    return {s: (root / "results" / "logs" / f"{s}.json").stat().st_mtime_ns for s in STEPS}


def output_hashes(root: Path) -> dict[str, str]:
    out: dict[str, str] = {}
    for step in STEPS:
        out.update(json.loads((root / "results" / "logs" / f"{step}.json").read_text())["outputs"])
    return out


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    root = scratch_copy(tmp_path_factory.mktemp("clean") / "p")
    make(root, *STEPS)
    return root


def test_second_run_does_no_work(built):
    before = log_mtimes(built)
    result = make(built, *STEPS)
    assert "[study" not in result.stderr, result.stderr
    assert log_mtimes(built) == before


def test_touching_one_raw_input_reruns_only_downstream_steps(built):
    before = log_mtimes(built)
    raw = sorted((built / "data" / "raw").rglob("*.csv"))[0]
    time.sleep(0.01)
    raw.touch()
    make(built, *STEPS)
    after = log_mtimes(built)
    assert after["data"] != before["data"] and after["panel"] != before["panel"]
    assert after["campaigns"] == before["campaigns"], "campaigns does not read data/raw"


def test_two_clean_runs_are_byte_identical(built, tmp_path):
    other = scratch_copy(tmp_path / "p")
    make(other, *STEPS)
    assert output_hashes(other) == output_hashes(built)


def test_kill_9_during_a_step_then_rerun_gives_the_same_hashes(built, tmp_path):
    root = scratch_copy(tmp_path / "p")
    make(root, "data", "campaigns")
    env = {k: v for k, v in os.environ.items() if k != "STUDY_ROOT"}
    proc = subprocess.Popen(["make", "-o", ".venv/.synced", "panel"], cwd=root, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 60
    killed = False
    while time.monotonic() < deadline and proc.poll() is None:
        children = subprocess.run(["pgrep", "-f", "-s", str(proc.pid), "study panel"],
                                  capture_output=True, text=True).stdout.split()
        if children:
            time.sleep(1.0)  # let the step get under way
            os.killpg(proc.pid, signal.SIGKILL)
            killed = True
            break
        time.sleep(0.05)
    proc.wait()
    assert killed, "the panel step finished before it could be killed"
    assert not (root / "results" / "logs" / "panel.json").exists()
    make(root, "data", "campaigns", "panel")
    assert output_hashes(root) == output_hashes(built)
