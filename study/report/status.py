"""Preregistered or exploratory: an estimate is preregistered iff its ``(spec_id, estimator, variant)``
is registered by the spec (:func:`study.prereg.registry.registered`); everything else is exploratory
and should be a row of ``preregistration/deviations.md``."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from study import paths
from study.prereg import deviations, registry

log = logging.getLogger("study")

PREREGISTERED = "preregistered"
EXPLORATORY = "exploratory"


@dataclass
class Status:
    """Classifies estimates; remembers the exploratory ones that no deviation covers."""

    spec: dict[str, Any]
    deviations: list[dict[str, str]]
    allowed: set[tuple[str, str, str]] = field(init=False)
    unlisted: set[tuple[str, str, str]] = field(default_factory=set, init=False)

    def __post_init__(self) -> None:
        self.allowed = registry.registered(self.spec)

    def __call__(self, spec_id: str, estimator: str, variant: str) -> str:
        triple = (str(spec_id), str(estimator), str(variant))
        if triple in self.allowed:
            return PREREGISTERED
        if not any(deviations.covers(d, *triple) for d in self.deviations) and triple not in self.unlisted:
            self.unlisted.add(triple)
            log.warning("estimate %s/%s/%s is neither registered nor in deviations.md (prereg-check "
                        "will fail); shown as exploratory", *triple)
        return EXPLORATORY


def load_status(spec: dict[str, Any]) -> Status:
    return Status(spec, deviations.read_deviations(paths.prereg_dir() / "deviations.md"))
