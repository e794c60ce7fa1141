"""The panel's variables: definition, unit, source and possible range (one table for the schema and
the codebook). Treatment columns come from the spec and are described in :mod:`study.panel.codebook`.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Variable:
    name: str
    definition: str
    unit: str
    source: str           # manifest ``source`` of the raw file(s), or "derived"/"skeleton"
    low: float | None     # possible range: a value outside fails the schema
    high: float | None


KEYS: tuple[Variable, ...] = (
    Variable("iso3", "ISO 3166-1 alpha-3 code (Kosovo XKX); see the country universe below", "code", "skeleton", None, None),
    Variable("year", "Calendar year", "year", "skeleton", None, None),
    Variable("country", "Short English name (country_converter name_short)", "text", "skeleton", None, None),
    Variable("region", "World Bank analytical region (7 regions; rules in study/panel/regions.py)", "category",
             "skeleton", None, None),
)

# V-Dem variables and the panel column each becomes.
VDEM_COLUMNS: dict[str, str] = {
    "v2x_civlib": "civil_liberties",
    "v2x_clphy": "physical_violence",
    "v2x_freexp_altinf": "free_expression",
    "v2x_polyarchy": "polyarchy",
    "v2x_regime": "regime",
}
# Not vendored (no verifiable public copy found; data/raw/vdem/SOURCE_gencl_shutdowns.md): V-Dem's
# women's civil liberties v2x_gencl and the Digital Society Project's internet shutdowns v2smgovshut.

VALUES: tuple[Variable, ...] = (
    Variable("civil_liberties", "Civil liberties index (V-Dem v2x_civlib), point estimate; higher = more liberty",
             "index 0-1", "vdem", 0.0, 1.0),
    Variable("physical_violence", "Physical violence index (V-Dem v2x_clphy): freedom from political killings "
             "and torture by the government; higher = less violence", "index 0-1", "vdem", 0.0, 1.0),
    Variable("free_expression", "Freedom of expression and alternative sources of information index "
             "(V-Dem v2x_freexp_altinf)", "index 0-1", "vdem", 0.0, 1.0),
    Variable("polyarchy", "Electoral democracy index (V-Dem v2x_polyarchy); covariate; this copy (v13) ends 2022",
             "index 0-1", "vdem", 0.0, 1.0),
    Variable("regime", "Regimes of the World (V-Dem v2x_regime): 0 closed autocracy, 1 electoral autocracy, "
             "2 electoral democracy, 3 liberal democracy; this copy ends 2021", "category 0-3", "vdem", 0.0, 3.0),
    Variable("hr_protection", "Latent human rights protection score, v4 (Fariss et al.), posterior mean; "
             "higher = more protection; series ends 2019", "latent scale (mean ~0)", "fariss", -10.0, 10.0),
    Variable("treaty_ratifications", "Number of ICCPR, ICCPR-OP2, CAT, CEDAW, CRC ratified/acceded/succeeded "
             "to by the end of the year (state parties only; see the treaty rules below)", "count 0-5",
             "un_treaties", 0.0, 5.0),
    Variable("gdp_pc", "GDP per capita, PPP (World Bank WDI NY.GDP.PCAP.PP.KD)", "constant 2021 international $",
             "wdi_gdp", 1e-9, None),
    Variable("log_gdp_pc", "Natural log of gdp_pc", "log constant 2021 international $", "wdi_gdp", None, None),
    Variable("pop", "Population, total, mid-year (World Bank WDI SP.POP.TOTL)", "persons", "wb_population",
             1.0, None),
    Variable("log_pop", "Natural log of pop", "log persons", "wb_population", None, None),
    Variable("internet_users", "Individuals using the Internet (ITU, WDI IT.NET.USER.ZS)", "% of population",
             "itu_internet", 0.0, 100.0),
)


def by_name() -> dict[str, Variable]:
    return {v.name: v for v in KEYS + VALUES}
