"""Step logs record inputs and outputs with sha256."""

from __future__ import annotations

import hashlib
import json

from study import io, provenance


def test_step_log_records_inputs_and_outputs(study_root):
    src = study_root / "data" / "raw" / "example.txt"
    src.parent.mkdir(parents=True, exist_ok=True)
    src.write_text("raw\n")
    with provenance.step_run("demo") as run:
        provenance.record_input(src)
        io.write_text(study_root / "results" / "out.txt", "derived\n")
        log_path = run.finish(config_hash="abc")
    log = json.loads(log_path.read_text())
    assert log["inputs"] == {"data/raw/example.txt": hashlib.sha256(b"raw\n").hexdigest()}
    assert log["outputs"] == {"results/out.txt": hashlib.sha256(b"derived\n").hexdigest()}
    assert log["config_sha256"] == "abc"
    assert log_path == study_root / "results" / "logs" / "demo.json"


def test_nothing_is_recorded_outside_a_step(tmp_path):
    io.write_text(tmp_path / "x.txt", "x")
    assert provenance._current is None
