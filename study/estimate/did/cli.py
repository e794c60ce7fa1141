"""``python -m study did``: the study's DiD step, or, with ``--data``, Callaway & Sant'Anna on any panel.

General use (any long panel, cohort 0 = never treated)::

    python -m study did --data FILE.csv --unit COL --time COL --cohort COL --outcome COL \\
        [--covariates A,B] [--control-group nevertreated|notyettreated] [--method dr|ipw|reg] \\
        [--anticipation K] [--bootstrap N] [--seed S] [--unbalanced] --json OUT.json

writes the JSON of :func:`study.estimate.did.api.estimate` atomically and no step log. Without
``--data`` it runs the preregistered study step (:mod:`.study_step`).
"""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

from study.errors import DataError, StudyError

log = logging.getLogger("study")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    g = parser.add_argument_group("any panel (general entry point)")
    g.add_argument("--data", type=Path, help="long panel, CSV or Parquet (one row per unit and period)")
    g.add_argument("--unit", help="unit id column")
    g.add_argument("--time", help="period column (integer)")
    g.add_argument("--cohort", help="first treated period column; 0 = never treated")
    g.add_argument("--outcome", help="outcome column")
    g.add_argument("--covariates", default="", help="comma-separated covariates (base-period values)")
    g.add_argument("--control-group", default="nevertreated", choices=("nevertreated", "notyettreated"))
    g.add_argument("--method", default="dr", choices=("dr", "ipw", "reg"),
                   help="doubly robust, inverse probability weighting, or outcome regression")
    g.add_argument("--anticipation", type=int, default=0, help="periods of anticipation (default 0)")
    g.add_argument("--bootstrap", type=int, default=0, metavar="N",
                   help="multiplier-bootstrap draws (SEs and uniform bands); 0 = analytic SEs")
    g.add_argument("--seed", type=int, help="bootstrap seed (required with --bootstrap)")
    g.add_argument("--unbalanced", action="store_true",
                   help="keep units not observed in every period (R did's allow_unbalanced_panel)")
    g.add_argument("--json", type=Path, dest="json_out", help="output JSON file")


def _read(path: Path):
    import pandas as pd

    from study.provenance import record_input

    if not path.exists():
        raise DataError(path, "file not found")
    record_input(path)
    try:
        return pd.read_parquet(path) if path.suffix.lower() in (".parquet", ".pq") else pd.read_csv(path)
    except (ValueError, OSError) as exc:
        raise DataError(path, f"cannot read: {exc}") from exc


def run_general(args: argparse.Namespace) -> None:
    from study import io
    from study.estimate.did.api import estimate

    missing = [f"--{n}" for n in ("unit", "time", "cohort", "outcome") if not getattr(args, n)]
    if args.json_out is None:
        missing.append("--json")
    if missing:
        raise StudyError(f"--data needs {', '.join(missing)}")
    covariates = [c.strip() for c in args.covariates.split(",") if c.strip()]
    data = _read(args.data)
    out = estimate(data, unit=args.unit, time=args.time, cohort=args.cohort, outcome=args.outcome,
                   covariates=covariates, control_group=args.control_group, method=args.method,
                   anticipation=args.anticipation, bootstrap=args.bootstrap, seed=args.seed,
                   balanced=not args.unbalanced, source=str(args.data))
    for note in out["warnings"]:
        log.warning("%s", note)
    io.write_json(args.json_out, out)
    log.info("wrote %s", args.json_out)


def run(args: argparse.Namespace) -> None:
    if getattr(args, "data", None) is not None:
        args.step_log = False
        run_general(args)
        return
    from study.estimate.did import study_step

    study_step.run(args)
