"""Social-media human-rights campaigns and state practice: a preregistered study package.

Sub-packages follow the data flow:
``acquire`` (vendored raw data, checksums, refresh) → ``panel`` (country-year panel) and
``campaigns`` (treatment dataset) → ``estimate`` (DiD, Bayesian, DAG, power) → ``report``
(tables, figures, one-page report). ``prereg`` checks the locked preregistration and
``release`` freezes versioned results. Nothing downstream is imported upstream.
"""

__version__ = "0.1.0"
