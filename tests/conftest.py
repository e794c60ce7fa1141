"""Shared fixtures: a scratch copy of the project so pipeline tests never touch the checkout."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"

# Copied into a scratch root: the inputs a pipeline run needs (not outputs, not the venv).
_COPY = ("preregistration", "data/raw", "data/campaigns")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--full", action="store_true",
                     help="also run the full-size configurations (marker 'full'; `make test-full`)")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Full-size runs (marker ``full``) are skipped unless ``--full``; their reduced versions always run."""
    if config.getoption("--full"):
        return
    skip = pytest.mark.skip(reason="full-size configuration: run with `make test-full` (pytest --full)")
    for item in items:
        if "full" in item.keywords:
            item.add_marker(skip)


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
