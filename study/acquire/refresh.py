"""``python -m study data-refresh``: re-download every raw source from its upstream, hash-pinned.

For each resource, ``upstream.raw_url`` is fetched with :func:`pooch.retrieve` and checked against
the pinned sha256 (the resource's ``hash``, or ``upstream.archive_hash`` when the file is the
member ``upstream.archive_member`` of a downloaded archive, e.g. a wheel). Only a file whose
digest matches the manifest replaces the vendored copy (atomically), so a refresh can never
silently change the data the study uses: a changed upstream fails with
:class:`study.errors.ChecksumError` and the old file stays. The step needs network access and
is not part of ``make all`` or CI; tests run it against a local ``http.server``.
"""

from __future__ import annotations

import argparse
import logging
import shutil
import tempfile
from pathlib import Path

from study import io, paths
from study.acquire.manifest import Resource, load_manifest
from study.errors import ChecksumError, StudyError
from study.provenance import sha256_file

log = logging.getLogger("study")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--only", action="append", metavar="NAME", default=None,
                        help="refresh only this resource (repeatable; default: every resource)")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds per request (default 60)")


def _download(url: str, known_hash: str, workdir: Path, *, member: str | None, timeout: float,
              label: str) -> Path:
    import pooch
    import requests

    downloader = pooch.HTTPDownloader(progressbar=True, timeout=timeout)
    processor = pooch.Unzip(members=[member]) if member else None
    try:
        result = pooch.retrieve(url, known_hash=known_hash, path=workdir, processor=processor,
                                downloader=downloader)
    except ValueError as exc:
        if "hash" in str(exc).lower():
            raise ChecksumError(url, f"downloaded file for '{label}' does not match the pinned hash: {exc}") from exc
        raise
    except requests.RequestException as exc:
        raise StudyError(f"cannot download {url} for '{label}': {exc}. data-refresh needs network access; "
                         "`make all` only uses the vendored files") from exc
    if member:
        hits = [Path(p) for p in result if Path(p).as_posix().endswith(member)]
        if not hits:
            raise StudyError(f"archive {url} has no member {member} (resource '{label}')")
        return hits[0]
    return Path(result)


def refresh_resource(res: Resource, raw_dir: Path | None = None, *, timeout: float = 60.0) -> Path:
    """Download one resource from its upstream into data/raw, verifying the pinned hash first."""
    raw_dir = raw_dir or paths.raw_dir()
    url = res.upstream.get("raw_url")
    if not url:
        raise StudyError(f"resource '{res.name}' has no upstream.raw_url to refresh from")
    member = res.upstream.get("archive_member")
    known = res.upstream["archive_hash"] if member else f"sha256:{res.sha256}"
    with tempfile.TemporaryDirectory(prefix="study-refresh-") as tmp:
        got = _download(url, known, Path(tmp), member=member, timeout=timeout, label=res.name)
        digest = sha256_file(got)
        if digest != res.sha256:
            raise ChecksumError(res.file(raw_dir), f"refreshed file has sha256 {digest}, the manifest pins "
                                                  f"{res.sha256}; the vendored copy was kept")
        target = res.file(raw_dir)
        with io.atomic_path(target) as tmp_target:
            shutil.copyfile(got, tmp_target)
    log.info("refreshed %s from %s", res.path, url)
    return target


def run(args: argparse.Namespace) -> None:
    from tqdm import tqdm

    resources = load_manifest()
    only = getattr(args, "only", None)
    if only:
        unknown = sorted(set(only) - {r.name for r in resources})
        if unknown:
            raise StudyError(f"--only: no resource named {', '.join(unknown)} in {paths.raw_manifest()}")
        resources = [r for r in resources if r.name in only]
    timeout = float(getattr(args, "timeout", 60.0))
    for res in tqdm(resources, desc="data-refresh", unit="file"):
        refresh_resource(res, timeout=timeout)
