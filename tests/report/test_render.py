"""Markdown, LaTeX and HTML renderings of one grid (study/report/render.py)."""

from __future__ import annotations

import re

from study.report.render import Grid, Row, tex, to_html, to_latex, to_markdown


def _grid() -> Grid:
    rows = [Row("A & B", [("0.012", "(0.005)"), ("-0.100", "(0.020)")], "preregistered", "Panel 1"),
            Row("C_1", [("0.300",), ()], "exploratory", "Panel 2")]
    return Grid("demo", "Demo table 50%", "Estimator", [("H1a", "Women's index"), ("H1b",)], rows,
                [Row("N", [("2,600",), ("2,630",)])], "Note with $ and #.")


def test_latex_is_booktabs_with_balanced_rows_and_escapes():
    out = to_latex(_grid())
    assert r"\toprule" in out and r"\midrule" in out and r"\bottomrule" in out and "|" not in out
    body = out[out.index(r"\toprule"):out.index(r"\bottomrule")]
    for line in body.splitlines():
        if line.endswith(r"\\") and not line.startswith(r"\multicolumn"):
            assert line.count(" & ") == 3, line  # stub + 2 columns + status
    assert r"A \& B" in out and r"C\_1" in out and r"Demo table 50\%" in out
    assert "$-$0.100" in out
    # the SE sits on the line below its estimate
    lines = out.splitlines()
    i = next(k for k, line in enumerate(lines) if line.startswith(r"A \& B"))
    assert lines[i + 1].split(" & ")[1] == "(0.005)"


def test_tex_minus_only_before_numbers():
    assert tex("R1: Not-yet-treated") == "R1: Not-yet-treated"
    assert tex("e = -2") == "e = $-$2"
    assert tex("2026-12-01") == "2026-12-01"


def test_markdown_one_line_per_estimate():
    out = to_markdown(_grid())
    assert "| A & B | 0.012 (0.005) | -0.100 (0.020) | preregistered |" in out
    assert "| *Panel 2* |" in out and "*Note:* Note with $ and #." in out


def test_html_has_fixed_id_and_is_reproducible():
    a, b = to_html(_grid()), to_html(_grid())
    assert a == b
    assert 'id="demo"' in a
    ids = set(re.findall(r'id="([^"]+)"', a))
    assert all(i == "demo" or i.startswith("demo-") for i in ids), ids
    assert "A &amp; B" in a and "preregistered" in a
