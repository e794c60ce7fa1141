"""Which estimates the spec registers: the set of ``(spec_id, estimator, variant)`` triples.

A frequentist estimator registered for an id is registered in the ``primary`` variant and in every
``[[robustness]]`` variant. The Bayesian estimator is registered in the ``primary`` variant (the
spec's primary model with the baseline priors), in each other model variant of ``[bayes].variants``
and in ``prior_<name>`` for each alternative prior set of ``[bayes.priors]``.
"""

from __future__ import annotations

from typing import Any

BAYES = "bayes"


def bayes_variants(spec: dict[str, Any]) -> list[str]:
    bayes = spec.get("bayes", {})
    models = [v for v in bayes.get("variants", []) if v != bayes.get("primary_variant")]
    priors = [f"prior_{p}" for p in sorted(bayes.get("priors", {})) if p != "baseline"]
    return ["primary", *models, *priors]


def frequentist_variants(spec: dict[str, Any]) -> list[str]:
    return ["primary", *(r["id"] for r in spec.get("robustness", []))]


def registered(spec: dict[str, Any]) -> set[tuple[str, str, str]]:
    """Every registered ``(spec_id, estimator, variant)``."""
    out: set[tuple[str, str, str]] = set()
    for est in spec.get("estimates", []):
        for estimator in est["estimators"]:
            variants = bayes_variants(spec) if estimator == BAYES else est.get("variants", frequentist_variants(spec))
            out.update((est["id"], estimator, v) for v in variants)
    return out


def role_of(spec: dict[str, Any], spec_id: str) -> str | None:
    """``confirmatory``/``secondary``/… for a registered id, None if the id is not registered."""
    return next((e["role"] for e in spec.get("estimates", []) if e["id"] == spec_id), None)
