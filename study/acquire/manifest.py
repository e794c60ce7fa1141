"""The raw-data manifest ``data/raw/datapackage.json``: one resource per vendored upstream file.

The manifest follows the Frictionless Data Package layout: each resource has ``name``, ``path``
(relative to ``data/raw``), ``bytes``, ``hash`` (``sha256:<hex>``), ``format``, ``licenses`` and
a ``citation``, plus two project fields: ``source`` (the loader that reads it, e.g. ``fariss``)
and ``upstream`` (``dataset``, ``version``, ``url`` and, for refresh, ``raw_url``; optionally
``repository``/``path``/``commit`` and, for a file inside an archive, ``archive_hash`` and
``archive_member``). Loading validates all of this and fails naming the resource and field.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from study import paths
from study.errors import DataError
from study.provenance import record_input, sha256_file

REQUIRED = ("name", "path", "bytes", "hash", "format", "source", "upstream", "licenses", "citation")
UPSTREAM_REQUIRED = ("dataset", "version", "url")
HASH_RE = re.compile(r"^sha256:[0-9a-f]{64}$")
NAME_RE = re.compile(r"^[a-z0-9][a-z0-9_.-]*$")
# Files in data/raw that document the data rather than being data; not listed as resources:
# the manifest, Markdown notes and the vendoring engineers' ``sources*.json`` provenance records.
DOCUMENTATION_RE = re.compile(r"^(datapackage\.json|.+\.md|sources.*\.json)$")


def is_documentation(filename: str) -> bool:
    return bool(DOCUMENTATION_RE.match(filename))


@dataclass(frozen=True)
class Resource:
    """One vendored file and where it came from."""

    name: str
    path: str
    bytes: int
    sha256: str
    format: str
    source: str
    upstream: dict[str, Any]
    licenses: list[dict[str, Any]]
    citation: str
    notes: str = ""
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    def file(self, raw_dir: Path | None = None) -> Path:
        return (raw_dir or paths.raw_dir()) / self.path

    @property
    def licence_names(self) -> str:
        return ", ".join(str(lic.get("name", "")) for lic in self.licenses)


def _fail(manifest: Path, index: int, name: str, message: str, fld: str) -> DataError:
    return DataError(manifest, message, row=f"resource {index} ({name})", field=fld)


def parse_resource(manifest: Path, index: int, raw: Any) -> Resource:
    """Validate one resource entry (``index`` is 1-based) and return it."""
    if not isinstance(raw, dict):
        raise DataError(manifest, "resource is not an object", row=f"resource {index}")
    name = str(raw.get("name", ""))
    for key in REQUIRED:
        if key not in raw or raw[key] in ("", None, [], {}):
            raise _fail(manifest, index, name, "required key missing or empty", key)
    if not NAME_RE.match(name):
        raise _fail(manifest, index, name, "name must be lower-case letters, digits, '_', '.', '-'", "name")
    rel = PurePosixPath(raw["path"])
    if rel.is_absolute() or ".." in rel.parts:
        raise _fail(manifest, index, name, f"path '{rel}' must be relative inside data/raw", "path")
    if not HASH_RE.match(str(raw["hash"])):
        raise _fail(manifest, index, name, f"hash '{raw['hash']}' is not sha256:<64 hex digits>", "hash")
    if not isinstance(raw["bytes"], int) or isinstance(raw["bytes"], bool) or raw["bytes"] < 0:
        raise _fail(manifest, index, name, f"bytes '{raw['bytes']}' is not a non-negative integer", "bytes")
    upstream = raw["upstream"]
    if not isinstance(upstream, dict):
        raise _fail(manifest, index, name, "upstream must be an object", "upstream")
    for key in UPSTREAM_REQUIRED:
        if not upstream.get(key):
            raise _fail(manifest, index, name, "required upstream key missing or empty", f"upstream.{key}")
    if "archive_member" in upstream and not HASH_RE.match(str(upstream.get("archive_hash", ""))):
        raise _fail(manifest, index, name, "an archive member needs archive_hash = sha256:<hex>",
                    "upstream.archive_hash")
    licenses = raw["licenses"]
    if not isinstance(licenses, list) or not all(isinstance(x, dict) and x.get("name") for x in licenses):
        raise _fail(manifest, index, name, "licenses must be a list of objects with a name", "licenses")
    known = set(REQUIRED) | {"notes"}
    return Resource(name=name, path=str(rel), bytes=raw["bytes"], sha256=str(raw["hash"]).split(":", 1)[1],
                    format=str(raw["format"]), source=str(raw["source"]), upstream=dict(upstream),
                    licenses=list(licenses), citation=str(raw["citation"]), notes=str(raw.get("notes", "")),
                    extra={k: v for k, v in raw.items() if k not in known})


def load_manifest(path: Path | None = None) -> list[Resource]:
    """Every resource of the manifest, validated; names and paths must be unique."""
    path = Path(path) if path else paths.raw_manifest()
    if not path.exists():
        raise DataError(path, "raw-data manifest not found")
    record_input(path)
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise DataError(path, f"invalid JSON: {exc}") from exc
    if not isinstance(doc, dict) or not isinstance(doc.get("resources"), list) or not doc["resources"]:
        raise DataError(path, "the manifest needs a non-empty 'resources' list", field="resources")
    resources = [parse_resource(path, i, raw) for i, raw in enumerate(doc["resources"], start=1)]
    for key in ("name", "path"):
        seen: dict[str, int] = {}
        for i, res in enumerate(resources, start=1):
            value = getattr(res, key)
            if value in seen:
                raise _fail(path, i, res.name, f"duplicated {key} '{value}' (also resource {seen[value]})", key)
            seen[value] = i
    return resources


def by_source(resources: list[Resource], source: str) -> list[Resource]:
    """The resources a loader reads, in manifest order; fails if the manifest has none."""
    found = [r for r in resources if r.source == source]
    if not found:
        raise DataError(paths.raw_manifest(), f"no resource with source '{source}'", field="source")
    return found


def describe_file(path: Path) -> dict[str, Any]:
    """``bytes`` and ``hash`` entries for a file being added to the manifest."""
    return {"bytes": Path(path).stat().st_size, "hash": f"sha256:{sha256_file(path)}"}


def resource_from_record(record: dict[str, Any], *, name: str, source: str, variables: dict[str, str],
                         licenses: list[dict[str, str]], raw_dir: Path | None = None) -> dict[str, Any]:
    """A manifest entry for a file vendored from a public repository, built from the vendoring
    engineer's provenance record (``data/raw/<source>/sources*.json``: file, repo, path, commit,
    url, raw_url, upstream dataset and version, citation, checks and caveats). Size and hash are
    computed from the file itself, and must agree with the record's."""
    rel = f"{source}/{record['file']}" if "/" not in record["file"] else record["file"]
    described = describe_file((raw_dir or paths.raw_dir()) / rel)
    if described["hash"] != f"sha256:{record['sha256']}" or described["bytes"] != record["bytes"]:
        raise DataError(paths.raw_manifest(), f"{rel}: file does not match its provenance record "
                        f"({described} vs sha256:{record['sha256']}, {record['bytes']} bytes)", field="hash")
    notes = " ".join(x for x in (record.get("second_copy_check", ""), record.get("caveats", "")) if x)
    return {"name": name, "path": rel, **described, "format": "csv", "mediatype": "text/csv",
            "encoding": "utf-8", "source": source, "variables": variables,
            "upstream": {"dataset": record["upstream_dataset"], "version": record["upstream_version"],
                         "repository": record["repo"], "path": record["path"], "commit": record["commit"],
                         "url": record["url"], "raw_url": record["raw_url"]},
            "licenses": licenses, "citation": record["citation"], "notes": notes}
