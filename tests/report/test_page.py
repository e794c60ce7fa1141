"""The one-page report (study/report/page.py), built from SYNTHETIC inputs, and its browser check."""

from __future__ import annotations

import html
import re
import tomllib
import shutil
import tempfile
from pathlib import Path

import pytest

from study.report.tables import TABLES

from .conftest import DATAPACKAGE, run_steps

CHROMIUM, CHROMEDRIVER = Path("/usr/bin/chromium"), Path("/usr/bin/chromedriver")


@pytest.fixture
def report_page(report_root) -> Path:
    run_steps("tables", "figures", "report")
    return report_root / "results" / "report.html"


def test_page_holds_every_part(report_page, report_root):
    page = report_page.read_text()
    for section in ("question", "data", "tables", "figures", "deviations", "cite", "provenance"):
        assert f'<section id="{section}">' in page
    for name in TABLES:  # every table, with its fixed great_tables id
        assert f'<div id="{name}"' in page, name
    pngs = sorted(p.name for p in (report_root / "results" / "figures").glob("*.png"))
    assert sorted(re.findall(r'<img src="figures/([^"]+)"', page)) == pngs
    for resource in DATAPACKAGE["resources"]:
        assert resource["name"] in page
    assert "https://example.org/vdem" in page and "CC-BY-4.0" in page
    assert "Bayesian model added for the latent score" in page  # the deviations table
    assert "Social-media human-rights campaigns and state practice: a preregistered study package" in page
    spec = tomllib.loads((report_root / "preregistration" / "analysis.toml").read_text())
    h1a = next(e["hypothesis"] for e in spec["estimates"] if e["id"] == "H1a")
    assert f"H1a: {html.escape(h1a)}" in page  # the question names the registered hypotheses
    assert re.search(r"<td>tables</td><td>[0-9a-f]{12}</td>", page)  # the tables step log


def test_page_names_what_is_not_there_yet(report_page, report_root):
    (report_root / "results" / "tables" / "bayes_loo.html").unlink()
    (report_root / "results" / "figures" / "causal_graph.png").unlink()
    run_steps("report")
    page = report_page.read_text()
    assert "Bayesian models: leave-one-out cross-validation</h3><p class=\"pending\">" in page
    assert "Preregistered causal graph (dag step)" in page.split("Not produced yet:")[-1]


def _browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    for arg in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run"):
        options.add_argument(arg)
    profile = tempfile.mkdtemp(prefix="chromium-profile-")
    options.add_argument(f"--user-data-dir={profile}")
    options.binary_location = str(CHROMIUM)
    return webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options), profile


def broken_images(page: Path) -> tuple[int, list[str]]:
    """Open ``page`` in headless Chromium; return the number of <img> and the sources that did not load."""
    driver, profile = _browser()
    try:
        driver.get(page.resolve().as_uri())
        images = driver.execute_script(
            "return Array.from(document.images).map(i => [i.getAttribute('src'), i.complete, i.naturalWidth]);")
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)
    return len(images), [src for src, complete, width in images if not (complete and width > 0)]


needs_chromium = pytest.mark.skipif(not (CHROMIUM.exists() and CHROMEDRIVER.exists()),
                                    reason="headless browser test needs /usr/bin/chromium and /usr/bin/chromedriver "
                                           "(Debian packages chromium, chromium-driver)")


@pytest.mark.browser
@needs_chromium
def test_every_image_loads_in_chromium(report_page, report_root):
    n, broken = broken_images(report_page)
    assert n == len(list((report_root / "results" / "figures").glob("*.png"))) and n >= 8
    assert broken == []
    # the check can fail: a page whose image is missing is caught
    (report_root / "results" / "figures" / "summary_forest.png").rename(report_root / "moved.png")
    n, broken = broken_images(report_page)
    assert broken == ["figures/summary_forest.png"]
