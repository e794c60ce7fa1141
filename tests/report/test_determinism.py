"""Two renders of the same SYNTHETIC inputs give byte-identical tables, figures and page.

Each render runs in its own interpreter with a different hash seed, so that set or dict ordering
that depends on the seed would show up as a difference.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

OUTPUTS = ("results/tables", "results/figures", "results/report.html")


def _render(root: Path, hash_seed: str) -> dict[str, bytes]:
    env = {**os.environ, "STUDY_ROOT": str(root), "PYTHONHASHSEED": hash_seed}
    for step in ("tables", "figures", "report"):
        subprocess.run([sys.executable, "-m", "study", "-q", step], env=env, check=True,
                       cwd=Path(__file__).resolve().parents[2])
    files = {}
    for rel in OUTPUTS:
        p = root / rel
        for f in sorted(p.rglob("*") if p.is_dir() else [p]):
            if f.is_file() and (p.name != "figures" or f.stem.startswith("summary_")):
                files[f.relative_to(root).as_posix()] = f.read_bytes()
    return files


def test_two_renders_are_byte_identical(report_root):
    first = _render(report_root, "1")
    shutil.rmtree(report_root / "results" / "tables")
    (report_root / "results" / "report.html").unlink()
    for f in (report_root / "results" / "figures").glob("summary_*"):
        f.unlink()
    second = _render(report_root, "2")
    assert sorted(first) == sorted(second)
    assert {name.rsplit(".", 1)[-1] for name in first} == {"md", "tex", "html", "png", "pdf"}
    different = [name for name in first if first[name] != second[name]]
    assert not different, different
