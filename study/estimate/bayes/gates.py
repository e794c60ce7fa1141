"""Convergence gates, enforced: a model that fails one is not reported and the step fails.

Gates (``[bayes.gates]``; Vehtari et al. 2021, Stan's warning guide, ArviZ): rank-normalised
split R-hat <= ``rhat_max``, bulk and tail ESS >= ``ess_bulk_min``/``ess_tail_min``, at most
``divergences_max`` post-warm-up divergent transitions, and E-BFMI >= ``ebfmi_min`` in every
chain. R-hat and ESS are computed for every *reported* quantity (each event-time effect, the
pooled effect and each group effect: the derived quantities themselves, not only the parameters
they are built from); divergences and E-BFMI are properties of the whole run and apply to every
reported quantity.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from study.errors import StudyError

GATES: tuple[str, ...] = ("r_hat", "ess_bulk", "ess_tail", "divergences", "ebfmi")


class ConvergenceError(StudyError):
    """A sampled model failed a convergence gate; its message names the model, parameter and gate."""

    def __init__(self, model: str, failures: list[str]) -> None:
        self.model, self.failures = model, failures
        shown = "; ".join(failures[:5]) + (f"; and {len(failures) - 5} more" if len(failures) > 5 else "")
        super().__init__(f"model {model} failed the convergence gates (nothing written for it): {shown}")


@dataclass(frozen=True)
class GateSpec:
    rhat_max: float
    ess_bulk_min: float
    ess_tail_min: float
    divergences_max: int
    ebfmi_min: float

    @classmethod
    def from_spec(cls, gates: dict[str, Any]) -> "GateSpec":
        try:
            return cls(rhat_max=float(gates["rhat_max"]), ess_bulk_min=float(gates["ess_bulk_min"]),
                       ess_tail_min=float(gates["ess_tail_min"]),
                       divergences_max=int(gates["divergences_max"]), ebfmi_min=float(gates["ebfmi_min"]))
        except KeyError as exc:
            raise StudyError(f"spec: [bayes.gates] lacks {exc.args[0]}") from exc


def run_diagnostics(idata) -> dict[str, Any]:
    """Model-wide diagnostics: post-warm-up divergences and the smallest E-BFMI over chains."""
    import arviz as az

    stats = idata.sample_stats
    divergences = int(np.asarray(stats["diverging"]).sum())
    ebfmi = np.asarray(az.bfmi(idata), dtype=float)
    return {"divergences": divergences, "ebfmi": float(ebfmi.min()), "chains": int(stats.sizes["chain"]),
            "draws": int(stats.sizes["draw"])}


def quantity_diagnostics(draws: np.ndarray) -> dict[str, float]:
    """R-hat, bulk ESS and tail ESS of one scalar quantity's (chain, draw) array."""
    import arviz as az

    values = np.asarray(draws, dtype=float)
    return {"r_hat": float(az.rhat(values)), "ess_bulk": float(az.ess(values, method="bulk")),
            "ess_tail": float(az.ess(values, method="tail"))}


def diagnostics_table(reported: list[dict[str, Any]], idata) -> pd.DataFrame:
    """One row per reported quantity: ``estimand``, ``key``, R-hat, ESS, divergences, E-BFMI.

    ``reported`` items carry ``estimand``, ``key`` and ``draws`` (chain x draw), as built by
    :func:`study.estimate.bayes.summaries.reported_quantities`.
    """
    run = run_diagnostics(idata)
    rows = []
    for q in reported:
        rows.append({"estimand": q["estimand"], "key": q["key"], **quantity_diagnostics(q["draws"]),
                     "divergences": run["divergences"], "ebfmi": run["ebfmi"]})
    return pd.DataFrame(rows)


def gate_failures(table: pd.DataFrame, gates: GateSpec) -> list[str]:
    """Human-readable failures (parameter, gate, value, threshold); empty if every gate passes."""
    out: list[str] = []
    first = table.iloc[0] if len(table) else None
    if first is not None and first["divergences"] > gates.divergences_max:
        out.append(f"all parameters: gate divergences: {int(first['divergences'])} divergent transitions "
                   f"(max {gates.divergences_max})")
    if first is not None and not first["ebfmi"] >= gates.ebfmi_min:
        out.append(f"all parameters: gate ebfmi: smallest chain E-BFMI {first['ebfmi']:.3f} "
                   f"(min {gates.ebfmi_min})")
    for row in table.itertuples(index=False):
        name = parameter_label(row.estimand, row.key)
        if not row.r_hat <= gates.rhat_max:
            out.append(f"{name}: gate r_hat: {row.r_hat:.4f} (max {gates.rhat_max})")
        if not row.ess_bulk >= gates.ess_bulk_min:
            out.append(f"{name}: gate ess_bulk: {row.ess_bulk:.0f} (min {gates.ess_bulk_min:.0f})")
        if not row.ess_tail >= gates.ess_tail_min:
            out.append(f"{name}: gate ess_tail: {row.ess_tail:.0f} (min {gates.ess_tail_min:.0f})")
    return out


def parameter_label(estimand: str, key: str) -> str:
    return f"{estimand}[{key}]" if key != "" else estimand


def enforce(table: pd.DataFrame, gates: GateSpec, model: str) -> None:
    """Raise :class:`ConvergenceError` naming every failing parameter and gate of ``model``."""
    failures = gate_failures(table, gates)
    if failures:
        raise ConvergenceError(model, failures)
