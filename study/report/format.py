"""Numbers as journals print them: estimate, standard error in parentheses, interval in brackets.

Three decimals for estimates, SEs and intervals; thousands separators for counts; p-values below
0.001 as ``<0.001``. No significance stars. Missing values print as an empty string.
"""

from __future__ import annotations

import math

DIGITS = 3


def _missing(x: object) -> bool:
    if x is None:
        return True
    try:
        return math.isnan(float(x))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return True


def number(x: object, digits: int = DIGITS) -> str:
    if _missing(x):
        return ""
    text = f"{float(x):.{digits}f}"  # type: ignore[arg-type]
    return text[1:] if text.startswith("-") and float(text) == 0 else text  # no "-0.000"


def se(x: object, digits: int = DIGITS) -> str:
    return "" if _missing(x) else f"({number(x, digits)})"


def interval(low: object, high: object, digits: int = DIGITS) -> str:
    if _missing(low) or _missing(high):
        return ""
    return f"[{number(low, digits)}, {number(high, digits)}]"


def count(n: object) -> str:
    return "" if _missing(n) else f"{int(round(float(n))):,}"  # type: ignore[arg-type]


def pvalue(p: object) -> str:
    if _missing(p):
        return ""
    return "<0.001" if float(p) < 0.0005 else f"{float(p):.3f}"  # type: ignore[arg-type]


def event_time(e: object) -> str:
    """``e = -2`` for an event-time key (keys arrive as strings such as ``-2`` or ``-2.0``)."""
    try:
        return f"e = {int(float(e))}"  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return f"e = {e}"


def cell(estimate: object, std_error: object = None, low: object = None, high: object = None) -> tuple[str, ...]:
    """The lines of one table cell: estimate, (SE), [CI]; trailing empty lines dropped."""
    lines = [number(estimate), se(std_error), interval(low, high)]
    while lines and not lines[-1]:
        lines.pop()
    return tuple(lines)
