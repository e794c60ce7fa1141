"""The raw-data manifest: the real one is complete; malformed entries fail naming resource and field."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from study.acquire.manifest import load_manifest
from study.errors import DataError

REPO = Path(__file__).resolve().parents[2]
MANIFEST = REPO / "data" / "raw" / "datapackage.json"


def test_real_manifest_lists_every_source_with_provenance():
    resources = load_manifest(MANIFEST)
    sources = {r.source for r in resources}
    assert {"fariss", "wdi_gdp", "itu_internet", "un_treaties", "wb_population"} <= sources
    assert len([r for r in resources if r.source == "un_treaties"]) == 5
    for res in resources:
        assert res.citation and res.licenses and res.upstream["url"].startswith("https://")
        assert res.upstream["raw_url"].startswith("https://"), res.name
        assert res.upstream["dataset"] and res.upstream["version"]
    pop = next(r for r in resources if r.source == "wb_population")
    assert pop.upstream["package"] == "great_tables" and pop.upstream["archive_member"].endswith("01-countrypops.csv")


def _write(tmp_path: Path, doc: dict) -> Path:
    path = tmp_path / "datapackage.json"
    path.write_text(json.dumps(doc))
    return path


@pytest.mark.parametrize("mutate, field", [
    (lambda r: r.pop("citation"), "citation"),
    (lambda r: r.update(hash="md5:abc"), "hash"),
    (lambda r: r.update(bytes=-1), "bytes"),
    (lambda r: r.update(path="../outside.csv"), "path"),
    (lambda r: r["upstream"].pop("url"), "upstream.url"),
    (lambda r: r.update(licenses=[{"title": "no name"}]), "licenses"),
])
def test_malformed_resource_names_resource_and_field(tmp_path, mutate, field):
    doc = json.loads(MANIFEST.read_text())
    mutate(doc["resources"][1])
    with pytest.raises(DataError) as err:
        load_manifest(_write(tmp_path, doc))
    assert err.value.field == field
    assert err.value.row == f"resource 2 ({doc['resources'][1].get('name')})"
    assert "datapackage.json" in str(err.value)


def test_duplicated_path_fails(tmp_path):
    doc = json.loads(MANIFEST.read_text())
    twin = copy.deepcopy(doc["resources"][0])
    twin["name"] = "another_name"
    doc["resources"].append(twin)
    with pytest.raises(DataError, match="duplicated path") as err:
        load_manifest(_write(tmp_path, doc))
    assert err.value.field == "path"


def test_invalid_json_fails(tmp_path):
    path = tmp_path / "datapackage.json"
    path.write_text("{not json")
    with pytest.raises(DataError, match="invalid JSON"):
        load_manifest(path)


def test_resource_from_record_checks_the_file_against_its_record(tmp_path):
    import hashlib

    from study.acquire.manifest import parse_resource, resource_from_record
    from study.errors import DataError

    (tmp_path / "vdem").mkdir()
    data = b"Entity,Code,Year,x\nFrance,FRA,2000,0.5"
    (tmp_path / "vdem" / "x.csv").write_bytes(data)
    record = {"file": "x.csv", "sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data), "repo": "o/r",
              "path": "x.csv", "commit": "c" * 40, "url": "https://github.com/o/r/blob/c/x.csv",
              "raw_url": "https://raw.githubusercontent.com/o/r/c/x.csv", "upstream_dataset": "V-Dem (synthetic test)",
              "upstream_version": "v0", "citation": "test", "caveats": "synthetic"}
    lic = [{"name": "CC-BY-4.0"}]
    res = resource_from_record(record, name="x", source="vdem", variables={"v2x_civlib": "x"}, licenses=lic,
                               raw_dir=tmp_path)
    parsed = parse_resource(tmp_path / "datapackage.json", 1, res)
    assert parsed.path == "vdem/x.csv" and parsed.extra["variables"] == {"v2x_civlib": "x"}
    with pytest.raises(DataError, match="does not match its provenance record"):
        resource_from_record({**record, "bytes": 1}, name="x", source="vdem", variables={}, licenses=lic,
                             raw_dir=tmp_path)
