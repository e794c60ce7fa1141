"""Journal number formatting (study/report/format.py)."""

from __future__ import annotations

import math

from study.report import format as fmt


def test_estimate_se_interval_three_decimals():
    assert fmt.number(0.01249) == "0.012"
    assert fmt.number(-0.0126) == "-0.013"
    assert fmt.se(0.0051) == "(0.005)"
    assert fmt.interval(-0.0021, 0.0224) == "[-0.002, 0.022]"
    assert fmt.cell(0.012, 0.005, 0.002, 0.022) == ("0.012", "(0.005)", "[0.002, 0.022]")


def test_no_negative_zero_and_missing_is_empty():
    assert fmt.number(-0.0004) == "0.000"
    assert fmt.number(math.nan) == "" and fmt.number(None) == ""
    assert fmt.interval(0.1, math.nan) == ""
    assert fmt.cell(0.5, math.nan) == ("0.500",)


def test_counts_and_p_values():
    assert fmt.count(2600.0) == "2,600"
    assert fmt.pvalue(0.0004) == "<0.001"
    assert fmt.pvalue(0.0431) == "0.043"
    assert fmt.event_time("-2.0") == "e = -2"
