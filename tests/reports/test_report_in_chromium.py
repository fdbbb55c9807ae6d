"""The report and the Data Docs as a partner opens them: headless Chromium with every request to a host refused.
Screenshots are kept in $LABOUR_MONITOR_SCREENSHOTS (default build/screenshots). Without Chromium these tests
are skipped; in CI (CI=true) they fail."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import psutil
import pytest

from reports.browser import Browser
from tests.conftest import REPO
from tests.reports.conftest import needs_chromium
from tests.reports.test_report_build import mart

pytestmark = pytest.mark.slow

HF = "heilbronn-franken"
CHARTS_DRAWN = """[...document.querySelectorAll('figure.chart')].map(f => {
  const svg = f.querySelector('svg'); const box = svg ? svg.getBoundingClientRect() : {width: 0, height: 0};
  const marks = svg ? [...svg.querySelectorAll('.mark path, .mark circle, .mark rect')].filter(m => {
    const b = m.getBBox(); return b.width > 0 || b.height > 0; }).length : 0;
  return {id: f.id, width: box.width, height: box.height, marks: marks, rows: f.querySelectorAll('table.plotted tbody tr').length};
})"""


def screenshots() -> Path:
    out = Path(os.environ.get("LABOUR_MONITOR_SCREENSHOTS") or REPO / "build" / "screenshots")
    out.mkdir(parents=True, exist_ok=True)
    return out


def opened(browser: Browser, page: Path, shot: str):  # noqa: ANN201
    visit = browser.open(page.resolve().as_uri())
    (screenshots() / shot).write_bytes(browser.screenshot(visit))
    assert visit.console_errors == [] and visit.failed_requests == [] and visit.refused == [], (page, visit)
    return visit


def test_the_index_and_the_heilbronn_franken_page_open_offline_with_every_chart_drawn(report, published):
    needs_chromium()
    with Browser() as browser:
        index = opened(browser, report.index, "report-index.png")
        assert browser.evaluate(index, "document.querySelectorAll('table.overview tbody tr').length") == mart(
            published, "SELECT count(*) FROM core.regions WHERE level IN ('partner', 'aa_district', 'regionalverband', 'regbez', 'kreis')"
        )[0][0]  # every partner region, Regierungsbezirk and Kreis
        page = opened(browser, report.pages[HF], "report-heilbronn-franken.png")
        charts = browser.evaluate(page, CHARTS_DRAWN)
        assert len(charts) >= 10
        for chart in charts:
            assert chart["width"] > 300 and chart["height"] > 100 and chart["marks"] > 0 and chart["rows"] > 0, chart
        assert {"fachkraefte-skilled_labour_shortage-staende", "demografie-population-verlauf", "demografie-population-kreise"} <= {
            c["id"] for c in charts}
    assert (screenshots() / "report-heilbronn-franken.png").stat().st_size > 50_000


def test_the_data_docs_index_opens_styled_offline_and_lists_every_validation_result(published):
    needs_chromium()
    site = published / "validation" / "gx" / "uncommitted" / "data_docs" / "local_site"
    results = list(site.glob("validations/**/*.html"))
    with Browser() as browser:
        index = opened(browser, site / "index.html", "data-docs-index.png")
        table = "$('#section-1-content-block-2-1-body-table')"
        assert browser.evaluate(index, f"{table}.bootstrapTable('getData').length") == len(results) > 10
        assert browser.evaluate(index, f"{table}.find('tbody tr').length") == 10  # the first page of the list
        # Bootstrap's stylesheet applied: the navigation bar is laid out, not a bare list
        assert browser.evaluate(index, "getComputedStyle(document.querySelector('.navbar')).display") == "flex"
        opened(browser, results[0], "data-docs-result.png")


def test_the_heilbronn_franken_pdf_has_a_section_per_topic_and_its_first_page_renders(report, tmp_path):
    needs_chromium()
    pdf = report.pdfs[HF]
    assert pdf.read_bytes()[:5] == b"%PDF-"
    pages = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout.split("\f")
    starts = [next((line.strip() for line in p.splitlines() if line.strip()), "") for p in pages]
    for title in ("Demografie", "Arbeitsmarkt", "Wirtschaft", "Fachkräfte", "Ausbildung"):
        assert title in starts, starts  # each topic starts a page of the meeting pack
    assert "Heilbronn-Franken" in pages[0] and "935.578" in pages[0]
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "page")], check=True)
    (first,) = tmp_path.glob("page*.png")
    assert first.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and first.stat().st_size > 10_000
    (screenshots() / "report-heilbronn-franken-pdf-page-1.png").write_bytes(first.read_bytes())


def test_no_chromium_outlives_a_build(report, published, tmp_path):
    needs_chromium()
    from reports.build import build_report

    me = psutil.Process()
    before = {p.pid for p in me.children(recursive=True)}
    result = build_report(published / "labour_monitor.duckdb", tmp_path / "report", [HF])
    assert HF in result.pdfs
    left = [p for p in me.children(recursive=True) if p.pid not in before]
    assert left == [], [(p.pid, p.name()) for p in left]
    assert not [p for p in psutil.process_iter(["cmdline"]) if any("lm-chromium-" in a for a in (p.info["cmdline"] or []))]
