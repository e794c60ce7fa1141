"""`make data-refresh`: download with the pinned hash from a local http.server (no internet)."""

from __future__ import annotations

import functools
import hashlib
import http.server
import json
import threading
import zipfile
from pathlib import Path

import pytest

from study.acquire.manifest import load_manifest
from study.acquire.refresh import refresh_resource, run
from study.errors import ChecksumError, StudyError

CSV = b"Entity,Code,Year,value\nAlpha,AAA,2000,1.5\n"  # a small fixture file, not real data


@pytest.fixture
def server(tmp_path, monkeypatch):
    """A local HTTP server for ``tmp_path/www``; yields its base URL."""
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    www = tmp_path / "www"
    www.mkdir()
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(www))
    handler.log_message = lambda *args: None
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield www, f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def _manifest(root: Path, resources: list[dict]) -> Path:
    raw = root / "data" / "raw"
    raw.mkdir(parents=True, exist_ok=True)
    path = raw / "datapackage.json"
    path.write_text(json.dumps({"resources": resources}))
    return path


def _resource(name: str, rel: str, data: bytes, url: str, **upstream) -> dict:
    return {"name": name, "path": rel, "bytes": len(data), "hash": "sha256:" + hashlib.sha256(data).hexdigest(),
            "format": "csv", "source": "fixture", "licenses": [{"name": "CC0-1.0"}], "citation": "fixture",
            "upstream": {"dataset": "fixture", "version": "1", "url": url, "raw_url": url, **upstream}}


def test_refresh_downloads_and_replaces_the_vendored_file(study_root, server):
    www, base = server
    (www / "file.csv").write_bytes(CSV)
    _manifest(study_root, [_resource("fixture", "fixture/file.csv", CSV, f"{base}/file.csv")])
    target = study_root / "data" / "raw" / "fixture" / "file.csv"
    run(type("Args", (), {"only": None, "timeout": 10})())
    assert target.read_bytes() == CSV


def test_changed_upstream_fails_and_keeps_the_old_file(study_root, server):
    www, base = server
    (www / "file.csv").write_bytes(CSV.replace(b"1.5", b"2.5"))
    _manifest(study_root, [_resource("fixture", "fixture/file.csv", CSV, f"{base}/file.csv")])
    target = study_root / "data" / "raw" / "fixture" / "file.csv"
    target.parent.mkdir(parents=True)
    target.write_bytes(CSV)
    with pytest.raises(ChecksumError, match="pinned hash"):
        refresh_resource(load_manifest()[0], timeout=10)
    assert target.read_bytes() == CSV


def test_archive_member_is_extracted_and_checked(study_root, server):
    www, base = server
    with zipfile.ZipFile(www / "pkg.whl", "w") as zf:
        zf.writestr("pkg/data/01-countrypops.csv", CSV)
    archive_hash = "sha256:" + hashlib.sha256((www / "pkg.whl").read_bytes()).hexdigest()
    _manifest(study_root, [_resource("pop", "wb_population/01-countrypops.csv", CSV, f"{base}/pkg.whl",
                                     archive_hash=archive_hash, archive_member="pkg/data/01-countrypops.csv")])
    refresh_resource(load_manifest()[0], timeout=10)
    assert (study_root / "data" / "raw" / "wb_population" / "01-countrypops.csv").read_bytes() == CSV


def test_unreachable_upstream_says_network_is_needed(study_root, server):
    _, base = server
    port = int(base.rsplit(":", 1)[1])
    _manifest(study_root, [_resource("fixture", "fixture/file.csv", CSV, f"http://127.0.0.1:{port}/missing.csv")])
    with pytest.raises(StudyError, match="cannot download"):
        refresh_resource(load_manifest()[0], timeout=10)


def test_real_manifest_pins_every_resource(study_root):
    """Every real resource has a raw_url and a pinned hash (archives: archive hash and member)."""
    for res in load_manifest():
        assert res.upstream["raw_url"].startswith("https://")
        if "archive_member" in res.upstream:
            assert res.upstream["archive_hash"].startswith("sha256:")
