"""Country universe from the outcome sources only; covariate-only entities are reported, not added."""

from __future__ import annotations

import pandas as pd

from study.panel.skeleton import OUTSIDE_UNIVERSE, country_universe, fit_to_skeleton, panel_skeleton
from study.panel.source_table import SourceTable


def _table(name, rows, column="x"):
    frame = pd.DataFrame(rows, columns=["iso3", "year", column]).assign(_name=lambda f: f["iso3"])
    return SourceTable(name=name, file=f"{name}.csv", frame=frame, columns=(column,), last_year=int(frame.year.max()))


def test_universe_skeleton_and_fit():
    fariss = _table("fariss", [("FRA", 2000, 1.0), ("DDR", 1980, 0.0)])
    treaties = _table("un_treaties", [("MEX", 1995, 3.0)])
    universe = country_universe([fariss, treaties], 1995)
    assert universe["iso3"].tolist() == ["FRA", "MEX"]
    skeleton = panel_skeleton(universe, 1995, 1997)
    assert len(skeleton) == 6 and skeleton.loc[0, "country"] == "France" and skeleton.loc[3, "region"] == "Latin America & Caribbean"
    gdp = _table("wdi_gdp", [("FRA", 1996, 5.0), ("ABW", 1996, 7.0), ("FRA", 2010, 6.0)])
    fitted = fit_to_skeleton(gdp, skeleton)
    assert fitted.values.tolist() == [["FRA", 1996, 5.0]]
    assert [(d["name"], d["reason"]) for d in gdp.dropped] == [("ABW", OUTSIDE_UNIVERSE)]
