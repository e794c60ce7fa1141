"""Prior sets of the Bayesian event study, read from the spec's ``[bayes.priors.<name>]`` tables.

Every scale is on the standardised outcome (within-sample SD units); ``plan.md`` section 6.3
states and justifies the baseline set and the two alternatives (``wide``, ``tight``) used for the
prior-sensitivity comparison.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any

from study.errors import StudyError

BASELINE = "baseline"


@dataclass(frozen=True)
class PriorSet:
    """Scales of one prior set (see :mod:`study.estimate.bayes.model` for where each enters)."""

    name: str
    effect_mean_sd: float      # mu_e ~ Normal(0, effect_mean_sd)
    group_sd_scale: float      # tau_k ~ HalfNormal(group_sd_scale), k = issue area, region, leadership
    country_sd_scale: float    # sigma_country ~ HalfNormal(country_sd_scale)
    year_sd_scale: float       # sigma_year ~ HalfNormal(year_sd_scale)
    sigma_scale: float         # residual sigma ~ HalfNormal(sigma_scale)
    trend_sd_scale: float      # sigma_trend ~ HalfNormal(trend_sd_scale), per year (normal_trends)
    nu_rate: float             # nu - 1 ~ Exponential(nu_rate) (student_t)
    rho_beta_a: float          # (rho + 1) / 2 ~ Beta(rho_beta_a, rho_beta_b): AR(1) residual
    rho_beta_b: float          # autocorrelation (ar1)

    def scales(self) -> dict[str, float]:
        """The numeric scales by name (the model's ``prior_<name>`` data variables)."""
        return {k: v for k, v in asdict(self).items() if k != "name"}


SCALE_NAMES: tuple[str, ...] = tuple(f.name for f in fields(PriorSet) if f.name != "name")


def prior_set(bayes: dict[str, Any], name: str = BASELINE) -> PriorSet:
    """The prior set ``name`` from the spec's ``[bayes]`` table; every scale must be a positive number."""
    table = bayes.get("priors", {}).get(name)
    if table is None:
        raise StudyError(f"spec: no prior set [bayes.priors.{name}]")
    missing = [k for k in SCALE_NAMES if k not in table]
    if missing:
        raise StudyError(f"spec: [bayes.priors.{name}] lacks {', '.join(missing)}")
    values = {}
    for key in SCALE_NAMES:
        value = table[key]
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0:
            raise StudyError(f"spec: [bayes.priors.{name}].{key} must be a positive number, got {value!r}")
        values[key] = float(value)
    return PriorSet(name=name, **values)


def prior_sets(bayes: dict[str, Any]) -> dict[str, PriorSet]:
    """All prior sets in the spec, baseline first, the others in sorted order."""
    names = sorted(bayes.get("priors", {}))
    if BASELINE not in names:
        raise StudyError("spec: [bayes.priors.baseline] is required")
    ordered = [BASELINE] + [n for n in names if n != BASELINE]
    return {n: prior_set(bayes, n) for n in ordered}
