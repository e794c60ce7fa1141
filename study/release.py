"""``python -m study release --version X.Y.Z``: freeze the current outputs as a citable version.

Copies every output recorded in the step logs (``results/logs/*.json``) into ``results/vX.Y.Z/``
with a ``manifest.json`` (git commit, Python and package versions, config hash, sha256 of every
input and output), and stamps the version and date into ``CITATION.cff``. It refuses to overwrite
an existing version and requires a ``CHANGELOG.md`` entry for the version (results follow SemVer:
MAJOR when a confirmatory estimate or the locked spec changes, MINOR for new data vintages or
exploratory additions, PATCH when numbers are byte-identical).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import platform
import re
import shutil
import subprocess
import sys
from importlib import metadata
from pathlib import Path

from study import config, io, paths
from study.errors import StudyError
from study.provenance import sha256_file

SEMVER = re.compile(r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--version", dest="release_version", required=True, help="results version X.Y.Z")
    parser.add_argument("--date", default=dt.datetime.now(dt.timezone.utc).date().isoformat(),
                        help="release date (default: today, UTC)")


def _git(*argv: str) -> str:
    try:
        out = subprocess.run(["git", "-C", str(paths.root()), *argv], capture_output=True, text=True,
                             timeout=20, check=False)
    except (OSError, subprocess.SubprocessError):
        return ""
    return out.stdout.strip() if out.returncode == 0 else ""


def step_logs() -> dict[str, dict]:
    logs = {}
    for path in sorted(paths.logs_dir().glob("*.json")):
        logs[path.stem] = json.loads(path.read_text())
    if not logs:
        raise StudyError("no step logs in results/logs: run `make all` before releasing")
    return logs


def release_path(rel: str) -> str:
    """Where an output lives inside a release: ``results/x`` → ``x``; other paths keep their path."""
    return rel.removeprefix("results/")


def package_versions() -> dict[str, str]:
    return {d.metadata["Name"].lower(): d.version for d in
            sorted(metadata.distributions(), key=lambda d: d.metadata["Name"].lower())}


def collect(logs: dict[str, dict]) -> tuple[dict[str, str], dict[str, str]]:
    """Inputs and outputs of all steps (root-relative path → sha256)."""
    inputs: dict[str, str] = {}
    outputs: dict[str, str] = {}
    for log in logs.values():
        inputs.update(log["inputs"])
        outputs.update(log["outputs"])
    return inputs, outputs


def build_manifest(version: str, date: str, logs: dict[str, dict]) -> dict:
    inputs, outputs = collect(logs)
    for rel, digest in outputs.items():
        actual = sha256_file(paths.root() / rel)
        if actual != digest:
            raise StudyError(f"file {rel}: changed since its step logged it; re-run `make all` first")
    return {
        "version": version,
        "date": date,
        "git_commit": _git("rev-parse", "HEAD"),
        "git_dirty": bool(_git("status", "--porcelain", "--untracked-files=no")),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "packages": package_versions(),
        "config_sha256": config.spec_hash(),
        "steps": sorted(logs),
        "inputs": dict(sorted((k, v) for k, v in inputs.items() if k not in outputs)),
        "outputs": {release_path(k): v for k, v in sorted(outputs.items())},
    }


def stamp_citation(version: str, date: str) -> None:
    cff = paths.root() / "CITATION.cff"
    text = cff.read_text(encoding="utf-8")
    text = re.sub(r"(?m)^version: .*$", f'version: "{version}"', text)
    text = re.sub(r"(?m)^date-released: .*$", f'date-released: "{date}"', text)
    io.write_text(cff, text, record=False)


def run(args: argparse.Namespace) -> None:
    version = args.release_version
    if not SEMVER.match(version):
        raise StudyError(f"version '{version}' is not MAJOR.MINOR.PATCH")
    target = paths.results_dir() / f"v{version}"
    if target.exists():
        raise StudyError(f"{paths.relative(target)} exists: released versions are immutable; "
                         "choose a new version")
    changelog = paths.root() / "CHANGELOG.md"
    if f"## [{version}]" not in changelog.read_text(encoding="utf-8"):
        raise StudyError(f"file CHANGELOG.md: no '## [{version}]' entry; describe what changed first")
    logs = step_logs()
    manifest = build_manifest(version, args.date, logs)
    staging = target.with_name(f".{target.name}.tmp")
    shutil.rmtree(staging, ignore_errors=True)
    try:
        for rel in collect(logs)[1]:
            dst = staging / release_path(rel)
            dst.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(paths.root() / rel, dst)
        for name, log in logs.items():
            io.write_json(staging / "logs" / f"{name}.json", log, record=False)
        io.write_json(staging / "manifest.json", manifest, record=False)
        staging.rename(target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    stamp_citation(version, args.date)
    print(f"released results/v{version}: {len(manifest['outputs'])} outputs, manifest.json", file=sys.stderr)
    args.step_log = False
