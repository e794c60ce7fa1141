"""``python -m study report``: ``results/report.html``, the one page a reader opens first.

The page holds the question, where the data come from (``data/raw/datapackage.json``), every results
table (the great_tables HTML written by the ``tables`` step), every figure in ``results/figures``
(referenced by relative path, so the page works from any copy of ``results/``), the deviations from
the preregistration, how to cite (``CITATION.cff``) and the provenance of each step (its log:
inputs and outputs with sha256). It reads files only and carries no timestamp, so two runs on the
same outputs give the same bytes.
"""

from __future__ import annotations

import argparse
import json
import logging
import re
from html import escape
from importlib import metadata
from pathlib import Path
from typing import Any, Iterable

from study import __version__, config, io, paths
from study.config import spec_hash
from study.errors import DataError
from study.prereg.deviations import COLUMNS as DEVIATION_COLUMNS
from study.prereg.deviations import read_deviations
from study.provenance import record_input
from study.report import labels
from study.report.figures import FIGURES
from study.report.tables import TABLES

log = logging.getLogger("study")

# Figures drawn by other steps, in reading order: (file stem, caption, estimator). ``{id}`` stands for
# each estimate id of the spec that lists the estimator.
STEP_FIGURES: tuple[tuple[str, str, str], ...] = (
    ("panel_coverage", "Coverage of the country-year panel (panel step)", ""),
    ("campaign_timeline", "Campaign starts by region and issue area (campaigns step)", ""),
    ("event_study_{id}", "Event study for {id} (did step)", "cs"),
    ("bayes_prior_predictive", "Prior predictive check of the Bayesian models (bayes step)", ""),
    ("bayes_forest_{id}", "Posterior group effects for {id} (bayes step)", "bayes"),
    ("bayes_ppc_{id}", "Posterior predictive check for {id} (bayes step)", "bayes"),
    ("causal_graph", "Preregistered causal graph (dag step)", ""),
    ("process_vs_outcome_{id}", "Process and outcome for {id}: engagement vs estimated effect (process step)",
     "process_outcome"),
)
SOFTWARE = ("pandas", "numpy", "scipy", "statsmodels", "diff-diff", "pymc", "nutpie", "arviz", "dowhy",
            "matplotlib", "great-tables")

CSS = """
body { font-family: Georgia, 'Times New Roman', serif; max-width: 1180px; margin: 2em auto; padding: 0 1em;
       color: #111; line-height: 1.45; }
h1 { font-size: 1.6em; } h2 { border-bottom: 1px solid #444; padding-bottom: .2em; margin-top: 2em; }
figure { margin: 1.5em 0; } figure img { max-width: 100%; height: auto; border: 1px solid #ccc; }
figcaption { font-size: .9em; color: #333; }
table.plain { border-collapse: collapse; font-size: .85em; margin: 1em 0; }
table.plain code { word-break: break-all; }
table.plain th, table.plain td { border-style: solid !important; border-width: 0 0 1px 0 !important;
  border-color: #999 !important; padding: .25em .6em; text-align: left; vertical-align: top; }
table.plain th { border-bottom-width: 2px !important; }
.pending { color: #555; font-style: italic; }
code, pre { font-family: 'DejaVu Sans Mono', monospace; font-size: .85em; }
pre { background: #f4f4f4; padding: .8em; overflow-x: auto; }
.table-block { margin: 2em 0; } .files { font-size: .85em; }
"""


def _read_json(path: Path) -> dict[str, Any] | None:
    if not path.exists():
        return None
    try:
        return json.loads(record_input(path).read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise DataError(path, f"invalid JSON: {exc}") from exc


def html_table(header: Iterable[str], rows: Iterable[Iterable[str]], *, raw: bool = False) -> str:
    """A plain HTML table; cells are escaped unless ``raw`` (then the caller escaped them)."""
    cell = (lambda x: x) if raw else escape
    head = "".join(f"<th>{escape(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{cell(str(c))}</td>" for c in r) + "</tr>\n" for r in rows)
    return f'<table class="plain"><thead><tr>{head}</tr></thead>\n<tbody>\n{body}</tbody></table>\n'


# --------------------------------------------------------------------------------------------- sections

def question(spec: dict[str, Any]) -> str:
    """The question in three sentences, from the spec (title, design, confirmatory hypotheses)."""
    title = spec.get("meta", {}).get("title", "")
    ask = title.split("?")[0].strip() + "?" if "?" in title else title
    estimators = ", ".join(labels.estimator(e) for e in spec.get("did", {}).get("estimators", []))
    first_year = spec.get("panel", {}).get("first_year", "")
    design = (f"It compares countries after the first social-media campaign that targeted them with countries "
              f"not (yet) targeted, in a country-year panel from {first_year} on, using staggered "
              f"difference-in-differences ({estimators}) and Bayesian hierarchical event studies.")
    confirmatory = [e for e in spec.get("estimates", []) if e.get("role") == "confirmatory"]
    hyps = "; ".join(f"{e['id']}: {e['hypothesis']}" for e in confirmatory)
    registered = (f"The {len(confirmatory)} confirmatory hypotheses, registered in "
                  f"preregistration/analysis.toml before any estimate on the real data was seen, are {hyps}.")
    return f"<p>{escape(ask)} {escape(design)} {escape(registered)}</p>\n"


def _hash(resource: dict[str, Any]) -> str:
    value = str(resource.get("hash") or resource.get("sha256") or "")
    return value.split(":", 1)[-1][:12]


def _licences(resource: dict[str, Any]) -> str:
    lic = resource.get("licenses") or resource.get("license") or []
    if isinstance(lic, (str, dict)):
        lic = [lic]
    return "; ".join(x.get("name") or x.get("title") or x.get("path", "") if isinstance(x, dict) else str(x)
                     for x in lic)


def _link(url: str) -> str:
    return f'<a href="{escape(url)}">{escape(url)}</a>' if re.match(r"^https?://", url) else escape(url)


def provenance() -> str:
    """Data provenance from the raw-data manifest (absent keys print as empty cells)."""
    manifest = _read_json(paths.raw_manifest())
    if manifest is None:
        return '<p class="pending">data/raw/datapackage.json is not there yet.</p>\n'
    rows, cites = [], []
    for r in manifest.get("resources", []):
        up = r.get("upstream") or {}
        path = r.get("path", "")
        path = "; ".join(path) if isinstance(path, list) else str(path)
        links = [_link(str(up["url"]))] if up.get("url") else []
        links += [_link(f"https://doi.org/{up['doi']}")] if up.get("doi") else []
        rows.append([escape(str(r.get("name", ""))), f"<code>data/raw/{escape(path)}</code>" if path else "",
                     escape(str(up.get("dataset", r.get("title", "")))), escape(str(up.get("version", ""))),
                     "<br>".join(links), escape(_licences(r)), f"<code>{escape(_hash(r))}</code>"])
        if r.get("citation"):
            cites.append(f"<li><strong>{escape(str(r.get('name', '')))}</strong>: {escape(str(r['citation']))}</li>")
    note = ("<p>Every raw file is vendored under <code>data/raw/</code> and checked against its sha256 "
            "(first 12 hex digits shown) by <code>make data</code>. The campaign dataset "
            "(<code>data/campaigns/campaigns.csv</code>) is curated in this project.</p>\n")
    table = html_table(["Resource", "File", "Upstream dataset", "Version", "Source", "Licence", "sha256"], rows, raw=True)
    cited = ("<details><summary>How to cite each source</summary><ul>\n" + "\n".join(cites)
             + "\n</ul></details>\n") if cites else ""
    return note + table + cited


def results_tables() -> str:
    out = []
    for name, title in TABLES.items():
        path = paths.tables_dir() / f"{name}.html"
        if not path.exists():
            out.append(f'<div class="table-block"><h3>{escape(title)}</h3><p class="pending">Not produced yet: '
                       "its input step has not run or is pending.</p></div>\n")
            continue
        fragment = record_input(path).read_text(encoding="utf-8")
        files = " · ".join(f'<a href="tables/{name}.{ext}">{ext}</a>' for ext in ("md", "tex", "html")
                           if (paths.tables_dir() / f"{name}.{ext}").exists())
        out.append(f'<div class="table-block" id="table-{name}">\n{fragment}<p class="files">Also as {files}.</p></div>\n')
    return "".join(out)


def _ids_with(spec: dict[str, Any], estimator: str) -> list[str]:
    return [e["id"] for e in spec.get("estimates", []) if estimator in e.get("estimators", [])]


def expected_figures(spec: dict[str, Any]) -> list[tuple[str, str]]:
    """(file stem, caption) of every figure the report shows, in reading order."""
    out = list(FIGURES.items())
    for stem, caption, estimator in STEP_FIGURES:
        if "{id}" in stem:
            out += [(stem.format(id=i), caption.format(id=i)) for i in _ids_with(spec, estimator)]
        else:
            out.append((stem, caption))
    return out


def missing_figures(spec: dict[str, Any], present: set[str]) -> list[str]:
    """Captions of expected figures not on disk; a per-id figure absent for every id is named once."""
    out = [c for s, c in FIGURES.items() if s not in present]
    for stem, caption, estimator in STEP_FIGURES:
        if "{id}" not in stem:
            out += [caption] if stem not in present else []
            continue
        ids = _ids_with(spec, estimator)
        absent = [i for i in ids if stem.format(id=i) not in present]
        if absent and len(absent) == len(ids):
            out.append(caption.format(id="each estimate id"))
        else:
            out += [caption.format(id=i) for i in absent]
    return out


def figures_section(spec: dict[str, Any]) -> str:
    known = expected_figures(spec)
    present = {p.stem for p in paths.figures_dir().glob("*.png")}
    known_stems = {s for s, _ in known}
    items = [(s, c) for s, c in known if s in present]
    items += [(s, s.replace("_", " ")) for s in sorted(present - known_stems)]
    out = []
    for stem, caption in items:
        png = record_input(paths.figures_dir() / f"{stem}.png")
        pdf = png.with_suffix(".pdf")
        link = f' (<a href="figures/{escape(stem)}.pdf">PDF</a>)' if pdf.exists() else ""
        out.append(f'<figure id="figure-{escape(stem)}"><img src="figures/{escape(png.name)}" '
                   f'alt="{escape(caption)}"><figcaption>{escape(caption)}{link}</figcaption></figure>\n')
    missing = missing_figures(spec, present)
    if missing:
        out.append('<p class="pending">Not produced yet: ' + escape("; ".join(missing)) + ".</p>\n")
    return "".join(out) or '<p class="pending">No figures yet.</p>\n'


def deviations_section() -> str:
    rows = read_deviations(paths.prereg_dir() / "deviations.md")
    if not rows:
        return "<p>No deviations from the preregistration are recorded (preregistration/deviations.md).</p>\n"
    return ("<p>Every analysis not registered in preregistration/analysis.toml, with what changed, why and "
            "when. Table rows from these analyses are marked exploratory.</p>\n"
            + html_table(list(DEVIATION_COLUMNS), [[r.get(c, "") for c in DEVIATION_COLUMNS] for r in rows]))


def _person(author: dict[str, Any]) -> str:
    if "family-names" in author:
        given = author.get("given-names", "")
        return f"{author['family-names']}, {given}".strip(", ")
    return str(author.get("name", ""))


def citation() -> str:
    """How to cite, from CITATION.cff (the single metadata source)."""
    import yaml  # PyYAML: CITATION.cff is YAML

    path = paths.root() / "CITATION.cff"
    if not path.exists():
        return '<p class="pending">CITATION.cff is not there.</p>\n'
    try:
        cff = yaml.safe_load(record_input(path).read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise DataError(path, f"invalid YAML: {exc}") from exc
    authors = "; ".join(_person(a) for a in cff.get("authors", []))
    year = str(cff.get("date-released", ""))[:4]
    doi = cff.get("doi")
    where = f"https://doi.org/{doi}" if doi else cff.get("repository-code", cff.get("url", ""))
    text = f"{authors} ({year}). {cff.get('title', '')} (version {cff.get('version', '')})."
    text += f" {where}" if where else ""
    key = re.sub(r"\W+", "", (authors.split(",")[0] or "study").lower()) + year
    bib_authors = " and ".join(_person(a) if "family-names" in a else "{" + _person(a) + "}"
                               for a in cff.get("authors", []))  # braces keep an organisation's name whole
    bib = (f"@software{{{key},\n  author = {{{bib_authors}}},\n"
           f"  title = {{{cff.get('title', '')}}},\n  version = {{{cff.get('version', '')}}},\n"
           f"  year = {{{year}}}" + (f",\n  url = {{{where}}}" if where else "") + "\n}")
    refs = []
    for r in cff.get("references", []):
        who = "; ".join(_person(a) for a in r.get("authors", []))
        loc = f"https://doi.org/{r['doi']}" if r.get("doi") else r.get("url", "")
        refs.append(f"<li>{escape(who)}. {escape(str(r.get('title', '')))}. {_link(str(loc))}</li>")
    message = escape(" ".join(str(cff.get("message", "")).split()))
    return (f"<p>{message}</p>\n<p><strong>{escape(text)}</strong></p>\n<pre>{escape(bib)}</pre>\n"
            + (f"<p>Data sources:</p>\n<ul>\n{chr(10).join(refs)}\n</ul>\n" if refs else ""))


def step_logs() -> str:
    """Each step's log: config hash, inputs and outputs with sha256 (the report's own log is written after)."""
    rows, details = [], []
    for path in sorted(paths.logs_dir().glob("*.json")):
        if path.stem == "report":
            continue
        entry = _read_json(path) or {}
        outputs = entry.get("outputs", {})
        rows.append([entry.get("step", path.stem), str(entry.get("config_sha256", ""))[:12],
                     str(len(entry.get("inputs", {}))), str(len(outputs))])
        listing = "\n".join(f"{h[:12]}  {rel}" for rel, h in sorted(outputs.items()))
        details.append(f"<details><summary>{escape(path.stem)}: outputs</summary><pre>{escape(listing)}</pre></details>\n")
    if not rows:
        return '<p class="pending">No step logs yet.</p>\n'
    return html_table(["Step", "Spec sha256", "Inputs", "Outputs"], rows) + "".join(details)


def software() -> str:
    rows = []
    for name in SOFTWARE:
        try:
            rows.append([name, metadata.version(name)])
        except metadata.PackageNotFoundError:
            continue
    return html_table(["Package", "Version"], [["study", __version__], *rows])


# --------------------------------------------------------------------------------------------- the page

def build_page(spec: dict[str, Any]) -> str:
    title = spec.get("meta", {}).get("title", "Study report")
    sections = [
        ("question", "Question", question(spec)),
        ("data", "Data provenance", provenance()),
        ("tables", "Results tables", results_tables()),
        ("figures", "Figures", figures_section(spec)),
        ("deviations", "Deviations from the preregistration", deviations_section()),
        ("cite", "How to cite", citation()),
        ("provenance", "Provenance of this page", step_logs() + software()),
    ]
    nav = " · ".join(f'<a href="#{sid}">{escape(name)}</a>' for sid, name, _ in sections)
    body = "".join(f'<section id="{sid}">\n<h2>{escape(name)}</h2>\n{content}</section>\n'
                   for sid, name, content in sections)
    lead = (f"<p>Study package version {escape(__version__)}; analysis spec sha256 "
            f"<code>{escape(spec_hash()[:12])}</code>. Numbers in the tables are read from "
            "<code>results/estimates/</code>; rows marked exploratory were not preregistered.</p>\n")
    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
            f"<title>{escape(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
            f"<h1>{escape(title)}</h1>\n{lead}<nav>{nav}</nav>\n{body}</body>\n</html>\n")


def run(args: argparse.Namespace) -> None:
    spec = config.spec()
    target = paths.results_dir() / "report.html"
    io.write_text(target, build_page(spec))
    log.info("report written to %s", paths.relative(target))
