"""Atomic, deterministic writers for every output the pipeline produces.

Each writer renders into a temporary file next to the target and renames it into place
(``os.replace`` is atomic on POSIX), so a killed run never leaves a half-written file that
``make`` would treat as up to date. Writers also strip run-dependent metadata (timestamps)
so that two runs give byte-identical files.
"""

from __future__ import annotations

import json
import os
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

from study.provenance import record_output


@contextmanager
def atomic_path(target: Path | str, *, record: bool = True) -> Iterator[Path]:
    """Yield a temporary path in the target's directory; rename it onto ``target`` on success.

    On any exception the temporary file is removed and ``target`` keeps its previous content.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    if record:
        record_output(target)


def write_bytes(target: Path | str, data: bytes, *, record: bool = True) -> Path:
    with atomic_path(target, record=record) as tmp:
        tmp.write_bytes(data)
    return Path(target)


def write_text(target: Path | str, text: str, *, record: bool = True) -> Path:
    return write_bytes(target, text.encode("utf-8"), record=record)


def to_json_text(obj: Any) -> str:
    """Canonical JSON: sorted keys, two-space indent, trailing newline."""
    return json.dumps(obj, indent=2, sort_keys=True, ensure_ascii=False, allow_nan=False,
                      default=_json_default) + "\n"


def _json_default(obj: Any) -> Any:
    import numpy as np

    if isinstance(obj, np.integer):
        return int(obj)
    if isinstance(obj, np.floating):
        return float(obj)
    if isinstance(obj, np.bool_):
        return bool(obj)
    if isinstance(obj, np.ndarray):
        return obj.tolist()
    if isinstance(obj, Path):
        return obj.as_posix()
    raise TypeError(f"not JSON serialisable: {type(obj).__name__}")


def write_json(target: Path | str, obj: Any, *, record: bool = True) -> Path:
    return write_text(target, to_json_text(obj), record=record)


def write_csv(target: Path | str, frame, *, float_format: str = "%.12g", **kwargs) -> Path:
    """Write a DataFrame as CSV (no index unless asked, fixed float format, LF endings)."""
    kwargs.setdefault("index", False)
    text = frame.to_csv(float_format=float_format, lineterminator="\n", **kwargs)
    return write_text(target, text)


def write_parquet(target: Path | str, frame) -> Path:
    """Write a DataFrame as Parquet with a fixed writer configuration (deterministic bytes)."""
    with atomic_path(target) as tmp:
        frame.to_parquet(tmp, engine="pyarrow", index=False, compression="zstd")
    return Path(target)


def save_figure(fig, target: Path | str, **kwargs) -> Path:
    """Save a Matplotlib figure without creation dates, so PNG and PDF bytes are reproducible."""
    target = Path(target)
    fmt = target.suffix.lstrip(".").lower()
    metadata = {"pdf": {"CreationDate": None, "ModDate": None, "Producer": None},
                "png": {"Software": None},
                "svg": {"Date": None}}.get(fmt, {})
    kwargs.setdefault("dpi", 150)
    kwargs.setdefault("bbox_inches", "tight")
    with atomic_path(target) as tmp:
        fig.savefig(tmp, format=fmt, metadata=metadata, **kwargs)
    return target
