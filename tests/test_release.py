"""``python -m study release``: a version is frozen once, with a manifest; CITATION.cff stays valid CFF."""

from __future__ import annotations

import json
import logging
import shutil
import subprocess
import sys
from pathlib import Path

from study.cli import main

REPO = Path(__file__).resolve().parent.parent


def _project(root: Path) -> None:
    shutil.copy(REPO / "CITATION.cff", root / "CITATION.cff")
    (root / "CHANGELOG.md").write_text("# Changelog\n\n## [0.0.1] - 2026-11-29\n\n- test release (SYNTHETIC)\n")
    assert main(["data"]) == 0  # one real step: its log lists inputs and outputs with hashes


def test_release_freezes_outputs_and_refuses_a_second_time(study_root, caplog):
    _project(study_root)
    assert main(["release", "--version", "0.0.1", "--date", "2026-11-29"]) == 0
    target = study_root / "results" / "v0.0.1"
    manifest = json.loads((target / "manifest.json").read_text())
    assert manifest["version"] == "0.0.1" and "data" in manifest["steps"]
    assert manifest["outputs"] and all((target / rel).exists() for rel in manifest["outputs"])
    assert any(k.startswith("data/raw/") for k in manifest["inputs"])
    cff = (study_root / "CITATION.cff").read_text()
    assert 'version: "0.0.1"' in cff and 'date-released: "2026-11-29"' in cff
    assert_valid_cff(study_root / "CITATION.cff")
    before = {p: p.stat().st_mtime_ns for p in target.rglob("*")}
    with caplog.at_level(logging.ERROR, logger="study"):
        assert main(["release", "--version", "0.0.1"]) != 0
    assert "released versions are immutable" in caplog.text
    assert {p: p.stat().st_mtime_ns for p in target.rglob("*")} == before


def test_release_needs_a_changelog_entry(study_root, caplog):
    _project(study_root)
    with caplog.at_level(logging.ERROR, logger="study"):
        assert main(["release", "--version", "0.0.2"]) != 0
    assert "CHANGELOG.md" in caplog.text and not (study_root / "results" / "v0.0.2").exists()


def assert_valid_cff(cff: Path) -> None:
    done = subprocess.run([str(Path(sys.executable).with_name("cffconvert")), "--validate", "-i", str(cff)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr


def test_citation_file_is_valid_cff():
    assert_valid_cff(REPO / "CITATION.cff")
