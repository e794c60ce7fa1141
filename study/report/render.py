"""One table, three renderings: Markdown (pipe table), LaTeX (booktabs tabular) and HTML (great_tables).

A :class:`Grid` is the display form of a table: data columns with header lines, body rows (optionally
in groups) whose cells are tuples of lines (estimate, SE, interval), footer rows (N, clusters), a
status column and a note. Markdown prints a cell's lines on one line; LaTeX and HTML stack them as
journals do (the SE under the estimate).

The LaTeX is written here rather than by ``Styler.to_latex`` or ``GT.as_latex``: the first cannot put
the SE under its estimate with panel headings and a rule above the footer, and the second draws a
vertical rule after the stub and fixes a 12 pt font, neither of which a journal accepts.
"""

from __future__ import annotations

import html as html_lib
import re
import textwrap
from dataclasses import dataclass, field

import pandas as pd


@dataclass
class Row:
    label: str
    cells: list[tuple[str, ...]]
    status: str = ""
    group: str = ""


@dataclass
class Grid:
    name: str
    title: str
    stub: str
    columns: list[tuple[str, ...]]
    rows: list[Row]
    footer: list[Row] = field(default_factory=list)
    note: str = ""
    show_status: bool = True

    def groups(self) -> bool:
        return any(r.group for r in self.rows)


@dataclass
class Table:
    """A table's tidy view (what it shows, with status) and its display grid."""

    view: pd.DataFrame
    grid: Grid


# --------------------------------------------------------------------------------------------- Markdown

def _md(text: str) -> str:
    return text.replace("|", "\\|")


def to_markdown(grid: Grid) -> str:
    header = [grid.stub, *(" ".join(c) for c in grid.columns)] + (["Status"] if grid.show_status else [])
    align = [":--", *(["--:"] * len(grid.columns))] + ([":--"] if grid.show_status else [])
    lines = [f"**{_md(grid.title)}**", "", "| " + " | ".join(_md(h) for h in header) + " |",
             "|" + "|".join(align) + "|"]
    group = None
    for row in [*grid.rows, *grid.footer]:
        if row.group and row.group != group:
            lines.append("| " + " | ".join([f"*{_md(row.group)}*", *([""] * (len(header) - 1))]) + " |")
        group = row.group
        cells = [row.label, *(" ".join(x for x in c if x) for c in row.cells)]
        if grid.show_status:
            cells.append(row.status)
        lines.append("| " + " | ".join(_md(c) for c in cells) + " |")
    if grid.note:
        lines += ["", f"*Note:* {_md(grid.note)}"]
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------------------------- LaTeX

_TEX_ESCAPE = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_",
               "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}",
               "<": r"\textless{}", ">": r"\textgreater{}"}
_TEX_RE = re.compile("|".join(re.escape(k) for k in _TEX_ESCAPE))
_MINUS_RE = re.compile(r"(?<![\w.])-(?=\d)")
HEADER_WIDTH = 18  # LaTeX header lines are wrapped at this many characters


def tex(text: str) -> str:
    """Escape LaTeX specials; a minus before a number becomes a math minus."""
    return _MINUS_RE.sub("$-$", _TEX_RE.sub(lambda m: _TEX_ESCAPE[m.group()], text))


def _tex_rows(label: str, cells: list[tuple[str, ...]], status: str | None) -> list[str]:
    depth = max([1, *(len(c) for c in cells)])
    out = []
    for k in range(depth):
        parts = [tex(label) if k == 0 else "", *(tex(c[k]) if k < len(c) else "" for c in cells)]
        if status is not None:
            parts.append(tex(status) if k == 0 else "")
        out.append(" & ".join(parts) + r" \\")
    return out


def to_latex(grid: Grid) -> str:
    n = len(grid.columns) + 1 + grid.show_status
    spec = "l" + "c" * len(grid.columns) + ("l" if grid.show_status else "")
    headers = [tuple(part for line in c for part in (textwrap.wrap(line, HEADER_WIDTH) or [""])) for c in grid.columns]
    depth = max([1, *(len(c) for c in headers)])
    lines = [f"% {grid.title}: written by `python -m study tables` from results/estimates; do not edit.",
             r"% Needs \usepackage{booktabs}.",
             r"\begin{table}[htbp]", r"\centering", rf"\caption{{{tex(grid.title)}}}",
             rf"\label{{tab:{grid.name}}}", rf"\begin{{tabular}}{{{spec}}}", r"\toprule"]
    for k in range(depth):
        last = k == depth - 1
        parts = [tex(grid.stub) if last else "", *(tex(c[k]) if k < len(c) else "" for c in headers)]
        if grid.show_status:
            parts.append("Status" if last else "")
        lines.append(" & ".join(parts) + r" \\")
    lines.append(r"\midrule")
    group = None
    status = (lambda r: r.status) if grid.show_status else (lambda r: None)
    for i, row in enumerate(grid.rows):
        if row.group and row.group != group:
            if i:
                lines.append(r"\addlinespace")
            lines.append(rf"\multicolumn{{{n}}}{{l}}{{\textit{{{tex(row.group)}}}}} \\")
        group = row.group
        lines += _tex_rows(row.label, row.cells, status(row))
    if grid.footer:
        lines.append(r"\midrule")
        for row in grid.footer:
            lines += _tex_rows(row.label, row.cells, status(row))
    lines += [r"\bottomrule", r"\end{tabular}"]
    if grid.note:
        lines += [r"\par\smallskip", rf"\parbox{{\linewidth}}{{\footnotesize \textit{{Note:}} {tex(grid.note)}}}"]
    lines.append(r"\end{table}")
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------------------------- HTML

def _long_frame(grid: Grid, footer_group: str) -> tuple[pd.DataFrame, int]:
    """Body and footer rows with each cell line on its own row; also the index of the first footer row."""
    records, first_footer = [], -1
    for part, rows in (("body", grid.rows), ("footer", grid.footer)):
        for row in rows:
            if part == "footer" and first_footer < 0:
                first_footer = len(records)
            depth = max([1, *(len(c) for c in row.cells)])
            for k in range(depth):
                rec = {"_group": row.group if part == "body" else footer_group,
                       "_label": row.label if k == 0 else ""}
                rec.update({f"c{j}": (c[k] if k < len(c) else "") for j, c in enumerate(row.cells)})
                if grid.show_status:
                    rec["status"] = row.status if k == 0 else ""
                records.append(rec)
    columns = ["_group", "_label", *(f"c{j}" for j in range(len(grid.columns)))]
    columns += ["status"] if grid.show_status else []
    return pd.DataFrame.from_records(records, columns=columns), first_footer


def to_html(grid: Grid) -> str:
    """great_tables HTML fragment with a fixed table id (``GT(id=...)``), so the bytes are reproducible."""
    from great_tables import GT, html, loc, style

    grouped = grid.groups()
    frame, first_footer = _long_frame(grid, "Sample" if grouped else "")
    if not grouped:
        frame = frame.drop(columns="_group")
    gt = GT(frame, rowname_col="_label", groupname_col="_group" if grouped else None, id=grid.name)
    gt = gt.tab_header(title=grid.title).tab_stubhead(label=grid.stub)
    labels = {f"c{j}": html("<br>".join(html_lib.escape(x) for x in c)) for j, c in enumerate(grid.columns)}
    if grid.show_status:
        labels["status"] = "Status"
    gt = gt.cols_label(**labels)
    data_cols = [f"c{j}" for j in range(len(grid.columns))]
    if data_cols:
        gt = gt.cols_align(align="center", columns=data_cols)
    gt = gt.tab_options(table_body_hlines_style="none", data_row_padding="3px", table_font_size="13px")
    if data_cols:
        gt = gt.tab_style(style=style.text(whitespace="nowrap"), locations=loc.body(columns=data_cols))
    if first_footer >= 0 and not grouped:
        gt = gt.tab_style(style=style.borders(sides="top", color="#000000", weight="1px"),
                          locations=loc.body(rows=[first_footer]))
    if grid.note:
        gt = gt.tab_source_note(html("<em>Note:</em> " + html_lib.escape(grid.note)))
    return gt.as_raw_html() + "\n"


RENDERERS = {"md": to_markdown, "tex": to_latex, "html": to_html}
