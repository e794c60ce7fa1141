"""Shared fixtures: a scratch copy of the project so pipeline tests never touch the checkout."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"

# Copied into a scratch root: the inputs a pipeline run needs (not outputs, not the venv).
_COPY = ("preregistration", "data/raw", "data/campaigns")


@pytest.fixture
def study_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A temporary project root holding copies of the spec and the raw data; STUDY_ROOT points at it."""
    root = tmp_path / "project"
    for rel in _COPY:
        src = REPO / rel
        if src.exists():
            shutil.copytree(src, root / rel)
    (root / "data" / "derived").mkdir(parents=True, exist_ok=True)
    monkeypatch.setenv("STUDY_ROOT", str(root))
    return root


@pytest.fixture(scope="session")
def fixtures_dir() -> Path:
    return FIXTURES
