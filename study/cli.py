"""Command line: ``python -m study <step> [options]``; one sub-command per pipeline step.

The step table below is the study's table of contents, in pipeline order. A step whose module
does not exist yet is *pending*: running it says so and exits non-zero, and it produces no
output. Each step runs inside a provenance record (inputs and outputs with sha256) that is
written to ``results/logs/<step>.json`` only when the step succeeds.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import logging
import sys
from dataclasses import dataclass

from study import __version__
from study.config import spec_hash
from study.errors import PendingStepError, StudyError
from study.provenance import step_run


@dataclass(frozen=True)
class Step:
    name: str
    module: str
    summary: str


STEPS: tuple[Step, ...] = (
    Step("data", "study.acquire.verify", "verify vendored raw files against data/raw/datapackage.json"),
    Step("data-refresh", "study.acquire.refresh", "re-download every raw source from its upstream (needs network)"),
    Step("campaigns", "study.campaigns.build", "validate the campaign dataset; write the country-year treatment table"),
    Step("reliability", "study.campaigns.reliability", "agreement between two independent codings (RELIABILITY.md)"),
    Step("panel", "study.panel.build", "build the country-year panel, its codebook and coverage figure"),
    Step("power", "study.estimate.power", "simulated power / minimum detectable effect on the real timing"),
    Step("prereg-lock", "study.prereg.lock", "hash-lock the preregistration (plan and spec)"),
    Step("prereg-check", "study.prereg.check", "verify the lock and that every estimate is registered or a listed deviation"),
    Step("did", "study.estimate.did.cli", "difference-in-differences estimates (study step, or any panel with --data)"),
    Step("bayes", "study.estimate.bayes.step", "hierarchical Bayesian event-study models with convergence gates"),
    Step("dag", "study.estimate.dag.step", "causal graph, DoWhy identification and refutations"),
    Step("process", "study.estimate.process.step", "per campaign: documented engagement next to its estimated effect"),
    Step("tables", "study.report.tables", "results tables (Markdown, LaTeX, HTML)"),
    Step("figures", "study.report.figures", "results figures (PNG, PDF)"),
    Step("report", "study.report.page", "one-page HTML report"),
    Step("bench", "study.bench", "speed and memory against peer packages (ratios)"),
    Step("release", "study.release", "freeze current outputs as results/vX.Y.Z with a manifest"),
)


def _is_implemented(step: Step) -> bool:
    try:
        return importlib.util.find_spec(step.module) is not None
    except ModuleNotFoundError:
        return False


def _load_module(step: Step):
    return importlib.import_module(step.module) if _is_implemented(step) else None


def build_parser(selected: str | None = None) -> argparse.ArgumentParser:
    """The parser; only the ``selected`` step's module is imported (others may be heavy)."""
    parser = argparse.ArgumentParser(
        prog="python -m study",
        description="Social-media human-rights campaigns and state practice: the study pipeline.",
        epilog="Run `make help` for the same steps as make targets with their files.",
    )
    parser.add_argument("--version", action="version", version=f"study {__version__}")
    parser.add_argument("-q", "--quiet", action="store_true", help="log warnings only")
    sub = parser.add_subparsers(dest="step", metavar="<step>", title="steps")
    for step in STEPS:
        implemented = _is_implemented(step)
        summary = step.summary if implemented else f"[pending] {step.summary}"
        p = sub.add_parser(step.name, help=summary, description=summary)
        if implemented and step.name == selected:
            module = importlib.import_module(step.module)
            if hasattr(module, "add_arguments"):
                module.add_arguments(p)
        p.set_defaults(_step=step)
    return parser


def run_step(step: Step, args: argparse.Namespace) -> None:
    module = _load_module(step)
    if module is None:
        raise PendingStepError(
            f"step '{step.name}' is pending: {step.module} is not implemented yet; "
            "no output was written")
    with step_run(step.name) as run:
        module.run(args)
        if getattr(args, "step_log", True):
            run.finish(spec_hash())


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    names = {s.name for s in STEPS}
    parser = build_parser(next((a for a in argv if a in names), None))
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING if args.quiet else logging.INFO,
                        format="[study %(levelname)s] %(message)s", stream=sys.stderr)
    if not getattr(args, "_step", None):
        parser.print_help()
        return 1
    try:
        run_step(args._step, args)
    except PendingStepError as exc:
        logging.getLogger("study").error("%s", exc)
        return 3
    except StudyError as exc:
        logging.getLogger("study").error("%s", exc)
        return 2
    return 0
