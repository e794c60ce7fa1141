"""``python -m study panel``: build the country-year panel, its codebook and coverage figure.

Steps: check every raw file against the manifest (sha256); read the treatment table; load each
source (one ``load_clean_<source>`` per source); build the (iso3, year) skeleton from the outcome
sources; left-join every source onto it (``validate="1:1"``); merge the treatment table; check the
pandera schema; write ``data/derived/panel.parquet``, ``panel_codebook.md``, ``unmatched_names.csv``
and ``results/figures/panel_coverage.{png,pdf}``. Any bad input raises DataError before anything
is written, so the previous panel stays intact.
"""

from __future__ import annotations

import argparse
import logging
import time
from pathlib import Path

import numpy as np
import pandas as pd

from study import config, io, paths
from study.acquire.manifest import Resource, by_source, load_manifest
from study.acquire.verify import verify_resource
from study.errors import DataError
from study.panel import (codebook, load_fariss, load_itu_internet, load_un_treaties, load_vdem,
                         load_wb_population, load_wdi_gdp)
from study.panel.coverage import coverage_figure
from study.panel.schema import validate_panel
from study.panel.skeleton import country_universe, fit_to_skeleton, panel_skeleton
from study.panel.source_table import SourceTable
from study.panel.treatment import merge_treatment, read_treatment
from study.panel.variables import KEYS, VALUES, VDEM_COLUMNS

log = logging.getLogger("study")

OUTCOME_SOURCES = ("vdem", "fariss", "un_treaties")
UNMATCHED_COLUMNS = ["source", "file", "name", "code", "iso3", "rows", "first_year", "last_year", "decision", "reason"]


def _single(resources: list[Resource], source: str) -> Path:
    found = by_source(resources, source)
    if len(found) != 1:
        raise DataError(paths.raw_manifest(), f"expected one resource for source '{source}', found {len(found)}",
                        field="source")
    return found[0].file()


def vdem_files(resources: list[Resource]) -> list[tuple[Path, dict[str, str]]]:
    """V-Dem resources with the variables each holds (manifest field ``variables``)."""
    files = []
    for res in (r for r in resources if r.source == "vdem"):
        variables = res.extra.get("variables")
        if not isinstance(variables, dict) or not variables:
            raise DataError(paths.raw_manifest(), "a V-Dem resource needs 'variables' {vdem_name: column}",
                            row=f"resource {res.name}", field="variables")
        files.append((res.file(), {str(k): str(v) for k, v in variables.items()}))
    return files


def load_sources(resources: list[Resource], first_year: int) -> dict[str, SourceTable]:
    """Every source as a harmonised SourceTable (V-Dem only if the manifest lists it)."""
    treaty_paths = {}
    for res in by_source(resources, "un_treaties"):
        treaty = res.path.rsplit("treaty_status_", 1)[-1].removesuffix(".csv")
        treaty_paths[treaty] = res.file()
    tables = {
        "fariss": load_fariss.load_clean_fariss(_single(resources, "fariss"), first_year),
        "un_treaties": load_un_treaties.load_clean_un_treaties(treaty_paths, first_year),
        "wdi_gdp": load_wdi_gdp.load_clean_wdi_gdp(_single(resources, "wdi_gdp"), first_year),
        "itu_internet": load_itu_internet.load_clean_itu_internet(_single(resources, "itu_internet"), first_year),
        "wb_population": load_wb_population.load_clean_wb_population(_single(resources, "wb_population"), first_year),
    }
    files = vdem_files(resources)
    if files:
        tables["vdem"] = load_vdem.load_clean_vdem(files, first_year)
    else:
        log.warning("no V-Dem resource in data/raw/datapackage.json: the V-Dem columns (%s) are all missing",
                    ", ".join(VDEM_COLUMNS.values()))
    return tables


def last_panel_year(spec_last: object, outcome_tables: list[SourceTable]) -> int:
    """``[panel].last_year``: an integer, or "latest" = the last year any outcome source covers."""
    if spec_last == "latest":
        return max(t.last_year for t in outcome_tables)
    if isinstance(spec_last, int):
        return spec_last
    raise DataError(paths.spec_file(), f"[panel].last_year must be an integer or \"latest\", not {spec_last!r}",
                    field="last_year")


def unmatched_report(tables: list[SourceTable]) -> pd.DataFrame:
    rows = [dict(d) for t in tables for d in t.dropped]
    frame = pd.DataFrame(rows, columns=UNMATCHED_COLUMNS)
    frame["file"] = [paths.relative(Path(f)) for f in frame["file"]]
    frame["iso3"] = frame["iso3"].fillna("")
    return frame.sort_values(["source", "file", "name", "code"], kind="mergesort").reset_index(drop=True)


def build_panel(spec: dict) -> tuple[pd.DataFrame, dict]:
    """The validated panel and what the codebook needs. Writes nothing."""
    panel_spec = spec["panel"]
    first_year = int(panel_spec["first_year"])
    window = tuple(int(y) for y in panel_spec["campaign_window"])
    resources = load_manifest()
    for res in resources:
        verify_resource(res)
    treatment_path = paths.derived_dir() / "treatment.parquet"
    treatment = read_treatment(treatment_path, list(spec["treatments"]), first_year)

    tables = load_sources(resources, first_year)
    outcome = [tables[name] for name in OUTCOME_SOURCES if name in tables]
    last_year = last_panel_year(panel_spec.get("last_year", "latest"), outcome)
    universe = country_universe(outcome, first_year)
    skeleton = panel_skeleton(universe, first_year, last_year)

    panel = skeleton
    for name in sorted(tables):
        panel = panel.merge(fit_to_skeleton(tables[name], skeleton), on=["iso3", "year"], how="left",
                            validate="1:1")
    for var in VALUES:
        if var.name not in panel.columns:
            panel[var.name] = np.nan
    panel["log_gdp_pc"] = np.log(panel["gdp_pc"])
    panel["log_pop"] = np.log(panel["pop"])
    panel = panel[[v.name for v in KEYS + VALUES]].astype({v.name: "float64" for v in VALUES})
    panel = merge_treatment(panel, treatment, path=treatment_path)
    panel = panel.sort_values(["iso3", "year"], kind="mergesort").reset_index(drop=True)
    panel = validate_panel(panel, first_year=first_year, last_year=last_year, campaign_window=window,
                           file=paths.derived_dir() / "panel.parquet")
    context = {"resources": resources, "tables": list(tables.values()), "universe": universe,
               "unmatched": unmatched_report(list(tables.values()))}
    return panel, context


def run(args: argparse.Namespace) -> None:
    started = time.monotonic()
    spec = config.spec()
    panel, ctx = build_panel(spec)
    text = codebook.render(panel, spec=spec, resources=ctx["resources"], tables=ctx["tables"],
                           universe=ctx["universe"], unmatched=ctx["unmatched"],
                           loaders=[load_fariss, load_vdem, load_un_treaties, load_wdi_gdp, load_wb_population,
                                    load_itu_internet])
    value_columns = [v.name for v in VALUES]
    derived = paths.derived_dir()
    io.write_csv(derived / "unmatched_names.csv", ctx["unmatched"])
    io.write_text(derived / "panel_codebook.md", text)
    coverage_figure(panel, value_columns, paths.figures_dir() / "panel_coverage")
    io.write_parquet(derived / "panel.parquet", panel)
    log.info("panel: %d countries x %d years = %d rows, %d columns; %d source names not used "
             "(data/derived/unmatched_names.csv); built in %.1f s", panel["iso3"].nunique(),
             panel["year"].nunique(), len(panel), panel.shape[1], len(ctx["unmatched"]), time.monotonic() - started)
