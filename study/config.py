"""The pipeline's single configuration source: the preregistered analysis spec.

Every analysis choice — outcomes, treatment definitions, estimators and their options,
samples, event windows, priors, seeds — is read from ``preregistration/analysis.toml``.
Code asks for a section (``spec()["did"]``) or a seed (``seed("did_bootstrap")``); it never
carries its own copy of these values.
"""

from __future__ import annotations

import tomllib
from functools import lru_cache
from pathlib import Path
from typing import Any

from study import paths
from study.errors import StudyError
from study.provenance import record_input, sha256_file


@lru_cache(maxsize=4)
def _load(path: Path, mtime_ns: int) -> dict[str, Any]:
    with open(path, "rb") as fh:
        return tomllib.load(fh)


def spec(path: Path | None = None) -> dict[str, Any]:
    """The parsed analysis spec (cached per file version). Reading it records it as an input."""
    path = Path(path) if path else paths.spec_file()
    if not path.exists():
        raise StudyError(f"analysis spec not found: {path}")
    record_input(path)
    try:
        return _load(path, path.stat().st_mtime_ns)
    except tomllib.TOMLDecodeError as exc:
        raise StudyError(f"file {path}: invalid TOML: {exc}") from exc


def spec_hash(path: Path | None = None) -> str:
    """sha256 of the spec file: recorded in every step log and release manifest."""
    path = Path(path) if path else paths.spec_file()
    return sha256_file(path) if path.exists() else ""


def section(name: str) -> dict[str, Any]:
    """One top-level table of the spec, failing clearly if the spec lacks it."""
    s = spec()
    if name not in s:
        raise StudyError(f"file {paths.spec_file()}: missing section [{name}]")
    return s[name]


def seed(name: str) -> int:
    """A named seed from the spec's ``[seeds]`` table."""
    seeds = section("seeds")
    if name not in seeds:
        raise StudyError(f"file {paths.spec_file()}: no seed '{name}' in [seeds]")
    return int(seeds[name])
