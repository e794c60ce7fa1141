"""``python -m study data``: check every vendored file against ``data/raw/datapackage.json``.

Each resource's size and sha256 must match the manifest, and every file under ``data/raw``
must be a listed resource (or documentation: see
:func:`study.acquire.manifest.is_documentation`). A mismatch raises
:class:`study.errors.ChecksumError` naming the file; on success the verified list is written to
``data/derived/raw_verified.json`` (no timestamps, so identical inputs give identical bytes).
"""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

from study import io, paths
from study.acquire.manifest import Resource, is_documentation, load_manifest
from study.errors import ChecksumError, DataError
from study.provenance import record_input, sha256_file

log = logging.getLogger("study")


def verify_resource(res: Resource, raw_dir: Path | None = None) -> dict[str, object]:
    """Size and sha256 of one resource's file, checked against the manifest."""
    path = res.file(raw_dir)
    if not path.is_file():
        raise DataError(path, f"listed in the manifest as resource '{res.name}' but missing")
    size = path.stat().st_size
    if size != res.bytes:
        raise ChecksumError(path, f"size {size} bytes differs from the manifest's {res.bytes} "
                                  f"(resource '{res.name}'): the file was changed or truncated")
    digest = sha256_file(path)
    if digest != res.sha256:
        raise ChecksumError(path, f"sha256 {digest} differs from the manifest's {res.sha256} "
                                  f"(resource '{res.name}'): the file was changed")
    record_input(path)
    return {"name": res.name, "path": res.path, "bytes": size, "sha256": digest}


def unlisted_files(resources: list[Resource], raw_dir: Path | None = None) -> list[str]:
    """Files under data/raw that are neither a resource nor documentation (sorted)."""
    raw_dir = raw_dir or paths.raw_dir()
    listed = {res.path for res in resources}
    found = (p.relative_to(raw_dir).as_posix() for p in raw_dir.rglob("*") if p.is_file())
    return sorted(rel for rel in found if rel not in listed and not is_documentation(Path(rel).name)
                  and not Path(rel).name.startswith("."))


def verify_all(manifest: Path | None = None) -> list[dict[str, object]]:
    """Verify every resource; raise on the first failure after logging all of them."""
    resources = load_manifest(manifest)
    raw_dir = (Path(manifest).parent if manifest else paths.raw_dir())
    verified, failures = [], []
    for res in resources:
        try:
            verified.append(verify_resource(res, raw_dir))
        except DataError as exc:
            log.error("%s", exc)
            failures.append(exc)
    if failures:
        first = failures[0]
        if len(failures) > 1:
            first.args = (f"{first.args[0]} (and {len(failures) - 1} more failure(s), listed above)",)
        raise first
    extra = unlisted_files(resources, raw_dir)
    if extra:
        raise DataError(raw_dir / extra[0], "file in data/raw is not listed in datapackage.json "
                                            f"({len(extra)} unlisted: {', '.join(extra)})")
    return verified


def run(args: argparse.Namespace) -> None:
    verified = verify_all()
    manifest = paths.raw_manifest()
    io.write_json(paths.derived_dir() / "raw_verified.json", {
        "manifest": paths.relative(manifest),
        "manifest_sha256": sha256_file(manifest),
        "resources": verified,
    })
    log.info("%d raw files match data/raw/datapackage.json", len(verified))
