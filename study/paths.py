"""Every file location the pipeline reads or writes, relative to one project root.

The root is the repository checkout; tests point ``STUDY_ROOT`` at a scratch copy so that a
run never touches the real outputs.
"""

from __future__ import annotations

import os
from pathlib import Path


def root() -> Path:
    """Project root: ``$STUDY_ROOT`` if set, else the checkout this package lives in."""
    env = os.environ.get("STUDY_ROOT")
    return Path(env).resolve() if env else Path(__file__).resolve().parent.parent


def prereg_dir() -> Path:
    return root() / "preregistration"


def spec_file() -> Path:
    """The machine-readable preregistered analysis spec: the pipeline's only configuration."""
    return prereg_dir() / "analysis.toml"


def raw_dir() -> Path:
    return root() / "data" / "raw"


def raw_manifest() -> Path:
    return raw_dir() / "datapackage.json"


def campaigns_dir() -> Path:
    return root() / "data" / "campaigns"


def derived_dir() -> Path:
    return root() / "data" / "derived"


def results_dir() -> Path:
    return root() / "results"


def estimates_dir() -> Path:
    return results_dir() / "estimates"


def tables_dir() -> Path:
    return results_dir() / "tables"


def figures_dir() -> Path:
    return results_dir() / "figures"


def logs_dir() -> Path:
    """Per-step provenance logs (inputs and outputs with sha256)."""
    return results_dir() / "logs"


def relative(path: Path) -> str:
    """Path as stored in logs and manifests: relative to the root, POSIX separators."""
    p = Path(path).resolve()
    try:
        return p.relative_to(root()).as_posix()
    except ValueError:
        return p.as_posix()
