"""The report and the Data Docs as a partner opens them: headless Chromium (driven by Playwright) with every request
to a host refused. Screenshots are kept in $LABOUR_MONITOR_SCREENSHOTS (default build/screenshots). Without Chromium
these tests are skipped; in CI (CI=true) they fail."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from reports.browser import FOLDER_PREFIX, Browser
from tests.conftest import REPO, subprocess_env
from tests.reports.conftest import needs_chromium
from tests.reports.test_report_build import mart

pytestmark = pytest.mark.slow

HF = "heilbronn-franken"
NO_VALUE = "–"
# per chart: the size of what Vega drew, its drawn points and bars, and the plotted-numbers table beneath it
CHARTS_DRAWN = """[...document.querySelectorAll('figure.chart')].map(f => {
  const view = f.querySelector('.chart-view'); const svg = view.querySelector('svg'); const box = svg.getBoundingClientRect();
  const drawn = sel => [...svg.querySelectorAll(sel)].filter(m => { const b = m.getBBox(); return b.width > 0 || b.height > 0; }).length;
  return {id: f.id, width: box.width, height: box.height, label: view.getAttribute('aria-label'), canvas: view.querySelectorAll('canvas').length,
          menus: view.querySelectorAll('details').length, kind: [...f.classList].find(c => c.startsWith('chart-')),
          points: drawn('.mark-symbol.role-mark path'), bars: drawn('.mark-rect.role-mark path'), lines: drawn('.mark-line.role-mark path'),
          axis: [...svg.querySelectorAll('.role-axis-label text')].map(t => t.textContent),
          cells: [...f.querySelectorAll('table.plotted tbody tr')].map(r => [...r.children].map(c => c.textContent.trim())),
          title: f.querySelector('figcaption h3').textContent};
})"""


def screenshots() -> Path:
    out = Path(os.environ.get("LABOUR_MONITOR_SCREENSHOTS") or REPO / "build" / "screenshots")
    out.mkdir(parents=True, exist_ok=True)
    return out


def opened(browser: Browser, page: Path, shot: str):  # noqa: ANN201
    """`page` opened, looked at once its charts (if it has any) are drawn."""
    visit = browser.open(page.resolve().as_uri())
    if browser.evaluate(visit, "document.getElementById('chart-options') !== null"):
        browser.charts_drawn(visit)
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
        assert chart["width"] > 300 and chart["height"] > 100 and chart["canvas"] == chart["menus"] == 0, chart
        assert chart["label"].startswith(chart["title"] + ". "), chart  # what a screen reader reads out
        # every number of the table is drawn, and nothing else: a point per figure of a line, a bar per Kreis
        figures = [cell for row in chart["cells"] for cell in row[1:] if not cell.startswith(NO_VALUE)]
        if chart["kind"] == "chart-bar":
            kreise = [row for row in chart["cells"] if not row[1].endswith("(Referenz)")]
            assert chart["bars"] == sum(not row[2].startswith(NO_VALUE) for row in kreise) > 0, chart
        else:
            assert chart["points"] == len(figures) > 0 and (chart["lines"] > 0 or len(chart["cells"]) == 1), chart
    assert {"fachkraefte-skilled_labour_shortage-staende", "demografie-population-verlauf", "demografie-population-kreise"} <= {
        c["id"] for c in charts}
    # German number formats on the axes: a thousands point, a decimal comma
    releases = next(c for c in charts if c["id"] == "fachkraefte-skilled_labour_shortage-staende")
    assert "80.000" in releases["axis"] and not any("," in label for label in releases["axis"]), releases["axis"]
    assert (screenshots() / "report-heilbronn-franken.png").stat().st_size > 50_000


def test_a_charts_tooltip_reads_in_german(report):
    needs_chromium()
    with Browser() as browser:
        page = opened(browser, report.pages[HF], "report-tooltip.png")
        point = page.page.locator("#demografie-population_change_1y_pct-verlauf .mark-symbol path").first
        point.hover()
        tooltip = page.page.locator("#vg-tooltip-element")
        tooltip.wait_for(state="visible")
        text = tooltip.inner_text()
    assert "Heilbronn-Franken" in text and "31.12.1996" in text and re.search(r"\b0,8\b", text), text


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
    # printed once the charts were drawn: the forecast chart's axis (80.000 is in no table)
    assert "80.000" in next(p for p in pages if p.lstrip().startswith("Fachkräfte"))
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "page")], check=True)
    (first,) = tmp_path.glob("page*.png")
    assert first.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and first.stat().st_size > 10_000
    (screenshots() / "report-heilbronn-franken-pdf-page-1.png").write_bytes(first.read_bytes())


def command_line(process: psutil.Process) -> list[str]:
    try:
        return process.cmdline()
    except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):  # gone or going meanwhile
        return []


def ours(process: psutil.Process) -> bool:
    """A process of a report's browser: the driver (its temporary folder is ours) or Chromium (its profile in it)."""
    try:
        return any(FOLDER_PREFIX in a for a in process.cmdline()) or FOLDER_PREFIX in process.environ().get("TMPDIR", "")
    except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
        return False


def alive(process: psutil.Process) -> bool:
    try:
        return process.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def test_no_chromium_outlives_a_build(report, published, tmp_path):
    needs_chromium()
    from reports.build import build_report

    me = psutil.Process()
    before = {p.pid for p in me.children(recursive=True)}
    result = build_report(published / "labour_monitor.duckdb", tmp_path / "report", [HF])
    assert HF in result.pdfs
    left = [p for p in me.children(recursive=True) if p.pid not in before]
    assert left == [], [(p.pid, p.name()) for p in left]
    assert not [p for p in psutil.process_iter() if ours(p)]


def test_a_build_killed_while_printing_leaves_no_driver_and_no_chromium(report, tmp_path):
    """SIGKILL for a build whose printing thread has Chromium open, while its Playwright driver hangs (stopped): the
    kernel ends the driver with the build (processes.tied), and Chromium ends with its driver."""
    needs_chromium()
    processes: list[psutil.Process] = []
    build = subprocess.Popen(
        [sys.executable, "-c", "import sys, time; from pathlib import Path; from reports.printing import Printer\n"
         "printer = Printer(Path(sys.argv[2])).__enter__(); printer.add('hf', Path(sys.argv[1]))\n"
         "while not (Path(sys.argv[2]) / 'hf.pdf').exists(): time.sleep(0.1)\n"
         "print('printed', flush=True); time.sleep(120)", str(report.pages[HF]), str(tmp_path)],
        stdout=subprocess.PIPE, text=True, cwd=REPO, env=subprocess_env())
    try:
        assert build.stdout.readline().strip() == "printed"
        processes = psutil.Process(build.pid).children(recursive=True)
        (driver,) = [p for p in processes if "run-driver" in command_line(p)]
        assert any("chromium" in " ".join(command_line(p)) for p in processes)
        driver.send_signal(signal.SIGSTOP)  # a hung driver closes nothing by itself
        build.kill()
        build.wait()
        deadline = time.monotonic() + 15
        while any(alive(p) for p in processes) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert [(p.pid, command_line(p)[:1]) for p in processes if alive(p)] == []
    finally:
        build.kill()
        for p in processes:
            if alive(p):
                p.kill()
