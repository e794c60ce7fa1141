"""``python -m study prereg-lock``: hash-lock the registered files once, at registration.

``preregistration/LOCK`` records the sha256 of the plan, the analysis spec and the causal graph,
the registration date and the git tag that marks the registered commit. It refuses to overwrite an
existing lock: a re-registration is a deliberate act (delete the lock, explain it in
``deviations.md``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import tomllib
from pathlib import Path
from typing import Any

from study import io, paths
from study.errors import StudyError
from study.provenance import sha256_file

HEADER = """\
# Preregistration lock, written once by `python -m study prereg-lock` at registration.
# `make prereg-check` recomputes these hashes: any edit to a locked file makes it fail.
"""


def lock_file() -> Path:
    return paths.prereg_dir() / "LOCK"


def locked_files() -> list[Path]:
    """The registered files: plan, spec and the causal graph the spec names."""
    with open(paths.spec_file(), "rb") as fh:
        graph = tomllib.load(fh).get("dag", {}).get("graph")
    files = [paths.prereg_dir() / "plan.md", paths.spec_file()]
    if graph:
        files.append(paths.root() / graph)
    return files


def render_lock(hashes: dict[str, str], registered: str, git_tag: str) -> str:
    lines = [HEADER, f'registered = "{registered}"', f'git_tag = "{git_tag}"', "", "[sha256]"]
    lines += [f'"{rel}" = "{digest}"' for rel, digest in sorted(hashes.items())]
    return "\n".join(lines) + "\n"


def read_lock() -> dict[str, Any]:
    path = lock_file()
    if not path.exists():
        raise StudyError(f"file {paths.relative(path)}: missing — the study is not registered yet "
                         "(run `python -m study prereg-lock` at registration)")
    with open(path, "rb") as fh:
        return tomllib.load(fh)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--date", default=dt.datetime.now(dt.timezone.utc).date().isoformat(),
                        help="registration date (default: today, UTC)")
    parser.add_argument("--tag", default="prereg-v1", help="git tag of the registered commit")


def run(args: argparse.Namespace) -> None:
    if lock_file().exists():
        raise StudyError(f"file {paths.relative(lock_file())} exists: the study is already registered; "
                         "re-registering needs the old lock removed and a row in deviations.md")
    hashes = {}
    for path in locked_files():
        if not path.exists():
            raise StudyError(f"file {paths.relative(path)}: cannot lock a missing file")
        hashes[paths.relative(path)] = sha256_file(path)
    io.write_text(lock_file(), render_lock(hashes, args.date, args.tag))
