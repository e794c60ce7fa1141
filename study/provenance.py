"""What each pipeline step read and wrote, with sha256, so a run can be audited and released.

The CLI opens a :class:`StepRun` around every step. Loaders call :func:`record_input`; the
atomic writers in :mod:`study.io` call :func:`record_output`. When the step succeeds, its log
(``results/logs/<step>.json``) is written last, atomically, and the inputs and outputs are
printed to stderr.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from study import paths

log = logging.getLogger("study")

_BLOCK = 1 << 20


def sha256_file(path: Path | str) -> str:
    """Hex sha256 of a file's bytes."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(_BLOCK), b""):
            h.update(chunk)
    return h.hexdigest()


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass
class StepRun:
    """Inputs and outputs of one step, keyed by root-relative path."""

    name: str
    inputs: dict[str, str] = field(default_factory=dict)
    outputs: dict[str, str] = field(default_factory=dict)
    started: float = field(default_factory=time.monotonic)

    def add_input(self, path: Path) -> None:
        rel = paths.relative(path)
        if rel not in self.inputs:
            digest = sha256_file(path)
            self.inputs[rel] = digest
            log.info("input  %s sha256=%s", rel, digest)

    def add_output(self, path: Path) -> None:
        self.outputs[paths.relative(path)] = ""

    def finish(self, config_hash: str) -> Path:
        """Hash every output, log them, and write the step log atomically."""
        for rel in sorted(self.outputs):
            digest = sha256_file(paths.root() / rel)
            self.outputs[rel] = digest
            log.info("output %s sha256=%s", rel, digest)
        record = {
            "step": self.name,
            "config_sha256": config_hash,
            "inputs": dict(sorted(self.inputs.items())),
            "outputs": dict(sorted(self.outputs.items())),
        }
        target = paths.logs_dir() / f"{self.name}.json"
        from study.io import write_json  # local import: io records outputs through this module

        write_json(target, record, record=False)
        log.info("step %s done in %.1f s", self.name, time.monotonic() - self.started)
        return target


_current: StepRun | None = None


@contextmanager
def step_run(name: str) -> Iterator[StepRun]:
    """Make ``name`` the active step so that reads and writes are recorded against it."""
    global _current
    previous, _current = _current, StepRun(name)
    try:
        yield _current
    finally:
        _current = previous


def record_input(path: Path | str) -> Path:
    """Note that the active step read ``path`` (hashing it); returns the path for chaining."""
    p = Path(path)
    if _current is not None:
        _current.add_input(p)
    return p


def record_output(path: Path | str) -> None:
    if _current is not None:
        _current.add_output(Path(path))


def read_log(step: str) -> dict:
    """The last successful log of ``step`` (raises FileNotFoundError if it never ran)."""
    return json.loads((paths.logs_dir() / f"{step}.json").read_text())
