"""DoWhy's refuters (0.14) on the backdoor estimate, each with a plain statement of what it tests.

These treat country-years as independent rows; :mod:`.panel_refuters` has the country-level
counterparts, and the step reports both. Settings and pitfalls of DoWhy 0.14 handled here:

* every refuter gets its own ``numpy.random.RandomState`` (derived from ``[seeds].dag``). An
  integer ``random_state`` is not enough: ``data_subset_refuter`` and ``bootstrap_refuter`` pass it
  unchanged to every simulation, which then all draw the same subset;
* ``placebo_treatment_refuter`` runs with ``placebo_type="permute"``: its default draws the
  placebo from numpy's global generator, ignoring ``random_state``, and for an integer 0/1
  treatment draws uniform 0/1 instead of keeping the share treated;
* ``dummy_outcome_refuter`` has no ``random_state`` at all: it is run with numpy's global
  generator seeded and restored afterwards; the dummy outcome is noise with the outcome's SD
  (DoWhy's default is SD 1, out of scale for a 0-1 index);
* ``bootstrap_refuter`` runs with ``required_variables=False`` (plain resampling of rows): with
  its default it also perturbs the confounders, and for categorical confounders it fails
  (``probs`` is undefined in 0.14);
* ``add_unobserved_common_cause`` uses ``simulation_method="linear-partial-R2"`` (Cinelli & Hazlett
  2020): the omitted-variable-bias bound for an unobserved confounder as strong as an observed
  benchmark (each of ``[dag].sensitivity_benchmarks``, one row ``add_unobserved_common_cause[<benchmark>]``
  each). The strengths are passed as
  one-element lists: a scalar 1 becomes a 0-d array that 0.14's analyzer cannot iterate.
"""

from __future__ import annotations

import contextlib
import logging
from typing import Any, Iterator

import numpy as np

log = logging.getLogger("study")

DOWHY_IID = "dowhy_iid"

#: what each DoWhy refuter means, in one plain sentence (the refutation table's ``meaning``)
MEANINGS: dict[str, str] = {
    "placebo_treatment_refuter": (
        "Replacing the onset indicator with a random permutation of itself across country-years should give an "
        "effect near zero; a large placebo effect means the estimate picks up structure other than the campaign."),
    "random_common_cause": (
        "Adding a randomly generated common cause should leave the estimate unchanged; a shift means the "
        "estimate is fragile to arbitrary extra covariates."),
    "data_subset_refuter": (
        "Re-estimating on random subsets of country-years should give similar estimates; a drift means a few "
        "rows drive the result (rows are drawn independently, ignoring countries)."),
    "bootstrap_refuter": (
        "Re-estimating on country-years resampled with replacement shows the spread an analyst would expect if "
        "rows were independent; compare it with the country bootstrap."),
    "dummy_outcome_refuter": (
        "Replacing the outcome with pure noise of the same scale should give an effect near zero; a non-zero "
        "effect means the estimator manufactures effects by itself."),
    "add_unobserved_common_cause": (
        "An unobserved common cause as strong as {benchmark} would move the estimate to the new effect "
        "(Cinelli-Hazlett bound); the robustness value in detail is the share of the residual variance of both "
        "onset and outcome that such a cause must explain to remove the effect."),
}


#: how to read each refuter's p-value (DoWhy's p-values answer different questions per refuter)
P_READS: dict[str, str] = {
    "placebo_treatment_refuter": "high p: zero is typical of the placebo effects (reassuring)",
    "random_common_cause": "high p: the estimate is typical of the re-estimates (reassuring)",
    "data_subset_refuter": "high p: the estimate is typical of the subset estimates (reassuring)",
    "bootstrap_refuter": ("high p: the estimate is typical of the bootstrap estimates (nearly always; not a test "
                          "of the effect)"),
    "dummy_outcome_refuter": "high p: the true dummy effect, zero, is typical of the dummy estimates (reassuring)",
    "add_unobserved_common_cause": "no p-value: read the new effect and the robustness values in detail",
}


@contextlib.contextmanager
def global_numpy_seed(seed: int) -> Iterator[None]:
    """Seed numpy's legacy global generator for refuters that use it, restoring it afterwards."""
    state = np.random.get_state()
    np.random.seed(seed)
    try:
        yield
    finally:
        np.random.set_state(state)


def child_seeds(seed: int, n: int) -> list[int]:
    """``n`` independent 32-bit seeds derived from one spec seed."""
    return [int(s) for s in np.random.SeedSequence(seed).generate_state(n)]


def _row(refuter: str, estimate: float, new_effect: float, p_value: float | None, n_sim: int | None,
         detail: str = "", setting: str = "", benchmark: str = "") -> dict[str, Any]:
    name = f"{refuter}[{benchmark}]" if benchmark else refuter
    return {"refuter": name, "kind": DOWHY_IID, "setting": setting, "estimate": float(estimate),
            "new_effect": float(new_effect), "p_value": float("nan") if p_value is None else float(p_value),
            "sd_new_effect": float("nan"), "n_simulations": n_sim, "detail": detail,
            "meaning": MEANINGS[refuter].format(benchmark=benchmark), "p_value_reads": P_READS[refuter]}


def dowhy_refutations(identification, estimate, *, simulations: int, seed: int, subset_fraction: float,
                      benchmarks: list[str], outcome_sd: float, progress: bool = False) -> list[dict[str, Any]]:
    """Run the DoWhy refuters on ``estimate`` (a dowhy CausalEstimate); one table row each."""
    from tqdm import tqdm

    model, estimand = identification.model, identification.estimand
    seeds = dict(zip(("placebo", "common_cause", "subset", "bootstrap", "dummy"), child_seeds(seed, 5)))
    value = float(estimate.value)
    unknown = [b for b in benchmarks if b not in identification.adjustment_set]
    if unknown:
        from study.errors import StudyError

        raise StudyError(f"[dag].sensitivity_benchmarks {unknown} not in the adjustment set "
                         f"{identification.adjustment_set}")

    def refute(method: str, **kwargs):
        with np.errstate(all="ignore"):
            return model.refute_estimate(estimand, estimate, method_name=method, **kwargs)

    rows = []
    steps = tqdm(total=5 + len(benchmarks), desc="dag: DoWhy refuters", disable=not progress, leave=False)

    r = refute("placebo_treatment_refuter", placebo_type="permute", num_simulations=simulations,
               random_state=np.random.RandomState(seeds["placebo"]))
    rows.append(_row("placebo_treatment_refuter", value, r.new_effect, r.refutation_result["p_value"], simulations,
                     setting="placebo_type=permute"))
    steps.update()

    r = refute("random_common_cause", num_simulations=simulations,
               random_state=np.random.RandomState(seeds["common_cause"]))
    rows.append(_row("random_common_cause", value, r.new_effect, r.refutation_result["p_value"], simulations))
    steps.update()

    r = refute("data_subset_refuter", subset_fraction=subset_fraction, num_simulations=simulations,
               random_state=np.random.RandomState(seeds["subset"]))
    rows.append(_row("data_subset_refuter", value, r.new_effect, r.refutation_result["p_value"], simulations,
                     setting=f"subset_fraction={subset_fraction:g}"))
    steps.update()

    r = refute("bootstrap_refuter", num_simulations=simulations, required_variables=False,
               random_state=np.random.RandomState(seeds["bootstrap"]))
    rows.append(_row("bootstrap_refuter", value, r.new_effect, r.refutation_result["p_value"], simulations))
    steps.update()

    with global_numpy_seed(seeds["dummy"]):
        results = refute("dummy_outcome_refuter", num_simulations=simulations,
                         transformation_list=[("zero", ""), ("noise", {"std_dev": float(outcome_sd)})])
    r = results[0]
    rows.append(_row("dummy_outcome_refuter", value, r.new_effect, r.refutation_result["p_value"], simulations,
                     f"dummy outcome: Normal noise with the outcome's SD ({outcome_sd:.4g}); true effect 0",
                     setting="transformation=noise"))
    steps.update()

    for benchmark in benchmarks:   # one call per benchmark: 0.14's analyzer keeps only the last of several
        analyzer = refute("add_unobserved_common_cause", simulation_method="linear-partial-R2",
                          benchmark_common_causes=[benchmark], effect_fraction_on_treatment=[1.0],
                          effect_fraction_on_outcome=[1.0], plot_estimate=False)
        rows.append(sensitivity_row(analyzer, value, benchmark))
        steps.update()
    steps.close()
    return rows


def sensitivity_row(analyzer, value: float, benchmark: str) -> dict[str, Any]:
    """The linear partial-R2 sensitivity result as a table row."""
    stats = analyzer.stats
    bench = analyzer.benchmarking_results.iloc[0]
    r2y = float(bench["r2yu_tw"])
    capped = (" (capped at 1 by DoWhy: a cause as strong as the benchmark would explain all residual variance "
              "of the outcome, so the bound is an extreme case)") if r2y >= 1 else ""
    detail = (f"partial R2 of the unobserved cause with onset {float(bench['r2tu_w']):.4g}, with the outcome "
              f"{r2y:.4g}{capped}; "
              f"robustness value RV = {float(stats['robustness_value']):.4g} (to remove the effect), "
              f"RV_alpha = {float(stats['robustness_value_alpha']):.4g} (to make it insignificant at 5%, iid SE); "
              f"partial R2 of onset with the outcome {float(stats['r2yt_w']):.4g}; "
              f"adjusted 95% CI (iid SE) [{float(bench['bias_adjusted_lower_CI']):.4g}, "
              f"{float(bench['bias_adjusted_upper_CI']):.4g}]")
    return _row("add_unobserved_common_cause", value, float(bench["bias_adjusted_estimate"]), None, None, detail,
                setting=f"linear-partial-R2, benchmark={benchmark}", benchmark=benchmark)
