"""``python -m study prereg-check``: does the code run what was registered?

1. Every file in ``preregistration/LOCK`` still has its registered sha256.
2. Every estimate in ``results/estimates/*.csv`` is registered in the spec (``[[estimates]]`` x
   estimator x variant, see :mod:`study.prereg.registry`) or listed in ``deviations.md``.

Either failure names the file (and, for estimates, the row and the unregistered estimate).
"""

from __future__ import annotations

import argparse
import logging
import subprocess

import pandas as pd

from study import config, paths
from study.errors import StudyError
from study.prereg import deviations, lock, registry
from study.provenance import record_input, sha256_file

log = logging.getLogger("study")

KEY = ("spec_id", "estimator", "variant")


def check_lock() -> dict:
    """Recompute the locked hashes; raise naming the first file that changed."""
    locked = lock.read_lock()
    for rel, digest in sorted(locked.get("sha256", {}).items()):
        path = paths.root() / rel
        if not path.exists():
            raise StudyError(f"file {rel}: locked in preregistration/LOCK but missing")
        actual = sha256_file(path)
        if actual != digest:
            raise StudyError(f"file {rel}: sha256 {actual} differs from the registered {digest} "
                             f"(preregistration/LOCK, registered {locked.get('registered')}); "
                             "registered files must not change — record changes in deviations.md")
    return locked


def check_estimates() -> int:
    """Check every estimate row; return how many rows were checked."""
    spec = config.spec()
    allowed = registry.registered(spec)
    devs = deviations.read_deviations(paths.prereg_dir() / "deviations.md")
    checked = 0
    for path in sorted(paths.estimates_dir().glob("*.csv")):
        frame = pd.read_csv(record_input(path), dtype=str, keep_default_na=False)
        if not set(KEY) <= set(frame.columns):
            continue
        for i, (spec_id, estimator, variant) in enumerate(frame[list(KEY)].itertuples(index=False), start=1):
            checked += 1
            if (spec_id, estimator, variant) in allowed:
                continue
            if any(deviations.covers(d, spec_id, estimator, variant) for d in devs):
                continue
            raise StudyError(
                f"file {paths.relative(path)}, row {i}: estimate spec_id={spec_id} "
                f"estimator={estimator} variant={variant} is neither registered in "
                "preregistration/analysis.toml nor listed in preregistration/deviations.md")
    return checked


def _tag_present(tag: str) -> bool | None:
    try:
        out = subprocess.run(["git", "-C", str(paths.root()), "tag", "--list", tag],
                             capture_output=True, text=True, timeout=10, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    return tag in out.stdout.split() if out.returncode == 0 else None


def run(args: argparse.Namespace) -> None:
    locked = check_lock()
    log.info("lock ok: %d registered files unchanged since %s", len(locked.get("sha256", {})),
             locked.get("registered"))
    if _tag_present(locked.get("git_tag", "")) is False:
        log.warning("git tag %s not found in this clone (fetch tags to see the registered commit)",
                    locked.get("git_tag"))
    log.info("estimates ok: %d rows registered or listed as deviations", check_estimates())
