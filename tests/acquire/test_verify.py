"""`make data`: every vendored file matches the manifest; a changed file fails naming it."""

from __future__ import annotations

import json

import pytest

from study import cli
from study.acquire.manifest import load_manifest
from study.acquire.verify import verify_all
from study.errors import ChecksumError, DataError


def test_vendored_files_match_the_manifest(study_root):
    verified = verify_all()
    assert len(verified) == len(load_manifest())
    assert all(len(v["sha256"]) == 64 for v in verified)


def test_data_step_writes_raw_verified(study_root):
    assert cli.main(["data"]) == 0
    out = json.loads((study_root / "data" / "derived" / "raw_verified.json").read_text())
    assert out["manifest"] == "data/raw/datapackage.json"
    assert {r["path"] for r in out["resources"]} == {r.path for r in load_manifest()}
    assert (study_root / "results" / "logs" / "data.json").exists()


def test_corrupted_file_fails_naming_it(study_root, caplog):
    target = study_root / "data" / "raw" / "fariss" / "fariss_hr_protection_v4.csv"
    data = bytearray(target.read_bytes())
    data[100] = ord("9") if data[100] != ord("9") else ord("8")  # same size, different bytes
    target.write_bytes(bytes(data))
    with pytest.raises(ChecksumError) as err:
        verify_all()
    assert "fariss_hr_protection_v4.csv" in str(err.value) and "sha256" in str(err.value)
    assert cli.main(["data"]) == 2
    assert "fariss_hr_protection_v4.csv" in caplog.text
    assert not (study_root / "data" / "derived" / "raw_verified.json").exists()


def test_truncated_file_fails_on_size(study_root):
    target = study_root / "data" / "raw" / "un_treaties" / "treaty_status_cat.csv"
    target.write_bytes(target.read_bytes()[:-10])
    with pytest.raises(ChecksumError, match="size") as err:
        verify_all()
    assert err.value.file.endswith("treaty_status_cat.csv")


def test_missing_file_fails(study_root):
    (study_root / "data" / "raw" / "wb_population" / "01-countrypops.csv").unlink()
    with pytest.raises(DataError, match="missing") as err:
        verify_all()
    assert err.value.file.endswith("01-countrypops.csv")


def test_unlisted_file_fails(study_root):
    (study_root / "data" / "raw" / "fariss" / "extra.csv").write_text("a,b\n1,2\n")
    with pytest.raises(DataError, match="not listed") as err:
        verify_all()
    assert err.value.file.endswith("extra.csv")
