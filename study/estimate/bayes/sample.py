"""Sampling the event-study models with nutpie: compile once, then fit many datasets and prior sets.

Settings come from the spec's ``[bayes]`` (``chains``, ``draws``, ``tune``, ``target_accept``) and
the seed from ``[seeds].bayes``. Two choices are made here, not in the spec, because they change
how fast the sampler explores the posterior but not the posterior itself:

* **Mass matrix, low-rank first, then diagonal** (:data:`MASS_MATRICES`): the event-time effects
  are correlated with the year effects (the binned end points load on the first and last years),
  which nutpie's low-rank modified mass matrix (``low_rank_modified_mass_matrix=True``) adapts to
  and a diagonal one cannot. On the study panel (measured on 2026-11-29) it gave the primary
  ``ar1`` models 1.7-7 times the smallest bulk ESS of the diagonal mass matrix (H1a: 2,767
  against 429 of 4,000 draws; H1e failed the R-hat gate with the diagonal one). But it mixed too
  slowly on four comparison models (on H1a ``student_t`` one chain of four stalled: R-hat 1.03,
  bulk ESS 76), which the diagonal one samples well (H1a ``student_t``: bulk ESS 1,607). So a
  model whose low-rank run fails a gate is re-sampled with the diagonal mass matrix
  (:func:`study.estimate.bayes.step.sample_gated`). Both sample the same posterior; the gates
  apply to the run that is reported, whose mass matrix the diagnostics name.
* **One compiled model per variant**: datasets are conformed to a common set of units, years
  and categories (:func:`study.estimate.bayes.design.conform`) and prior scales are data, so
  ``CompiledModel.with_data`` swaps outcome, treatment and priors without recompiling
  (numba compilation takes ~20-30 s per model on 2 cores).

nutpie seeds each chain from ``seed`` and the chain number, so two runs with the same seed give
identical draws (tested).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from study.estimate.bayes.model import POOLING, build_model, data_arrays, prior_updates
from study.estimate.bayes.priors import PriorSet

# Mass-matrix adaptations in the order they are tried (module docstring).
MASS_MATRICES: tuple[str, ...] = ("low_rank", "diagonal")

if TYPE_CHECKING:  # pragma: no cover
    import arviz as az

    from study.estimate.bayes.design import EventDesign


@dataclass(frozen=True)
class SamplerSettings:
    chains: int
    draws: int
    tune: int
    target_accept: float
    seed: int
    low_rank: bool = True
    progress: bool = True

    @property
    def mass_matrix(self) -> str:
        return "low_rank" if self.low_rank else "diagonal"

    def with_mass_matrix(self, mass_matrix: str) -> "SamplerSettings":
        if mass_matrix not in MASS_MATRICES:
            raise ValueError(f"unknown mass matrix {mass_matrix!r}; expected one of {MASS_MATRICES}")
        return replace(self, low_rank=mass_matrix == "low_rank")

    @classmethod
    def from_spec(cls, bayes: dict[str, Any], seed: int, *, progress: bool = True) -> "SamplerSettings":
        """The registered settings (the gates are calibrated for these chain lengths)."""
        return cls(chains=int(bayes["chains"]), draws=int(bayes["draws"]), tune=int(bayes["tune"]),
                   target_accept=float(bayes["target_accept"]), seed=int(seed), progress=progress)


@dataclass
class Fit:
    """One sampled model: the draws and how long sampling took (compile time excluded).

    ``attempts`` describes every run made for it, this one last (set by the gated sampler)."""

    idata: "az.InferenceData"
    seconds: float
    variant: str
    priors: PriorSet
    settings: SamplerSettings
    attempts: list[str] = field(default_factory=list)


class CompiledEventStudy:
    """A compiled nutpie model of one variant, reusable across conformed designs and prior sets."""

    def __init__(self, template: "EventDesign", variant: str, priors: PriorSet,
                 pooling: tuple[str, ...] | list[str] = POOLING) -> None:
        import nutpie

        self.variant = variant
        self.pooling = tuple(pooling)
        self.model = build_model(template, priors, variant, self.pooling)
        # Prior predictive draws need the generative form of the model (ar1 samples its intercepts
        # through their conditional posterior, which has no forward draw); same distribution.
        self.generative = (build_model(template, priors, variant, self.pooling, generative=True)
                           if variant == "ar1" else self.model)
        start = time.perf_counter()
        self.compiled = nutpie.compile_pymc_model(self.model)
        self.compile_seconds = time.perf_counter() - start

    def updates(self, design: "EventDesign", priors: PriorSet) -> dict[str, Any]:
        return {**data_arrays(design, self.pooling), **prior_updates(priors)}

    def sample(self, design: "EventDesign", priors: PriorSet, settings: SamplerSettings) -> Fit:
        """Sample the posterior of ``design`` under ``priors`` (the design must be conformed)."""
        import nutpie

        updates = self.updates(design, priors)
        # nutpie draws each chain's initial point through PyMC's initial-point function, which reads
        # the PyMC model's own data: keep it in step with the compiled copy, or a run would depend on
        # whatever data the model last held (and two runs with the same seed could differ).
        self.set_data(design, priors)
        compiled = self.compiled.with_data(**{k: v for k, v in updates.items()
                                              if k in self.compiled.shared_data})
        start = time.perf_counter()
        idata = nutpie.sample(compiled, chains=settings.chains, draws=settings.draws, tune=settings.tune,
                              seed=settings.seed, target_accept=settings.target_accept,
                              low_rank_modified_mass_matrix=settings.low_rank,
                              progress_bar=settings.progress, save_warmup=False)
        seconds = time.perf_counter() - start
        return Fit(idata=idata, seconds=seconds, variant=self.variant, priors=priors, settings=settings)

    def set_data(self, design: "EventDesign", priors: PriorSet) -> None:
        """Point the PyMC model at ``design``/``priors`` (for log-likelihood and predictive draws)."""
        import pymc as pm

        updates = self.updates(design, priors)
        pm.set_data(updates, model=self.model)
        if self.generative is not self.model:
            pm.set_data(updates, model=self.generative)
