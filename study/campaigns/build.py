"""``python -m study campaigns``: validate the campaign dataset and derive the treatment table.

Reads ``data/campaigns/campaigns.csv`` and ``process_indicators.csv``; writes
``data/derived/campaigns.parquet`` (validated, typed, with region), ``process_indicators.parquet``,
``treatment.parquet`` (country x year, see :mod:`study.campaigns.treatment`),
``campaign_targets.csv`` and the campaign timeline figure.
"""

from __future__ import annotations

import argparse
import logging

from study import config, io, paths
from study.campaigns import figures, treatment, validate

log = logging.getLogger("study")


def run(args: argparse.Namespace) -> None:
    from study.panel.regions import region_of

    spec = config.spec()
    window = tuple(int(y) for y in spec["panel"]["campaign_window"])
    campaigns = validate.load_campaigns(paths.campaigns_dir() / "campaigns.csv", window)
    process = validate.load_process_indicators(paths.campaigns_dir() / "process_indicators.csv",
                                               set(campaigns["id"]))
    campaigns["region"] = campaigns["target_iso3"].map(region_of)
    log.info("%d campaign-target rows, %d campaigns, %d target countries, %d process-indicator rows",
             len(campaigns), campaigns["id"].nunique(), campaigns["target_iso3"].nunique(), len(process))

    derived = paths.derived_dir()
    io.write_parquet(derived / "campaigns.parquet", campaigns)
    io.write_parquet(derived / "process_indicators.parquet", process)
    io.write_parquet(derived / "treatment.parquet", treatment.treatment_table(campaigns, spec, process))
    io.write_csv(derived / "campaign_targets.csv", figures.targets_table(campaigns))
    figures.timeline_figure(campaigns, paths.figures_dir() / "campaign_timeline")
