"""``python -m study bench``: speed and peak memory against peer packages, reported as ratios.

Each benchmark module in this package exposes ``run(args) -> dict`` and writes its own table
under ``results/bench/``. Speed goals live here, never as timed assertions in tests.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util

from study.errors import PendingStepError

BENCHMARKS = ("did", "bayes")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--only", choices=BENCHMARKS, help="run one benchmark")
    parser.add_argument("--quick", action="store_true", help="small sizes and few repeats (smoke test)")


def run(args: argparse.Namespace) -> None:
    names = [args.only] if getattr(args, "only", None) else list(BENCHMARKS)
    for name in names:
        module_name = f"study.bench.{name}"
        if importlib.util.find_spec(module_name) is None:
            raise PendingStepError(f"benchmark '{name}' is pending: {module_name} is not implemented yet")
        importlib.import_module(module_name).run(args)
