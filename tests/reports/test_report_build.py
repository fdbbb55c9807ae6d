"""The report built from the sample's published warehouse: what a partner reads on its pages, and that the
numbers under each chart are the marts' numbers."""

from __future__ import annotations

import csv
import io
import re
import shutil
from html.parser import HTMLParser

import duckdb
import pytest
from openpyxl import load_workbook

from reports.build import ReportError, build_report
from reports.formats import number, parse_number
from reports.layout import load_layout
from tests.conftest import REPO

HF = "heilbronn-franken"
HF_KREISE = ("08121", "08125", "08126", "08127", "08128")


class Tables(HTMLParser):
    """The chart tables of a page: chart id -> rows of cell texts (header row first)."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self._chart: str | None = None
        self._row: list[str] | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):  # noqa: ANN001
        attrs = dict(attrs)
        if tag == "table" and "data-chart" in attrs:
            self._chart = attrs["data-chart"]
            self.tables[self._chart] = []
        elif self._chart and tag == "tr":
            self._row = []
        elif self._row is not None and tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag):  # noqa: ANN001
        if tag in ("td", "th") and self._cell is not None:
            self._row.append("".join(self._cell).strip())
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.tables[self._chart].append(self._row)
            self._row = None
        elif tag == "table":
            self._chart = None

    def handle_data(self, data):  # noqa: ANN001
        if self._cell is not None:
            self._cell.append(data)


def tables(path) -> dict[str, list[list[str]]]:  # noqa: ANN001
    parser = Tables()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser.tables


def mart(published, sql: str, params: list | None = None) -> list[tuple]:  # noqa: ANN001
    """A fresh query of the published warehouse (not the frames the report drew from)."""
    con = duckdb.connect(str(published / "labour_monitor.duckdb"), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def test_the_index_lists_every_partner_region_regierungsbezirk_and_kreis_with_the_data_status(report, published):
    html = report.index.read_text(encoding="utf-8")
    names = mart(published, "SELECT name_de FROM core.regions WHERE level IN ('partner', 'aa_district', 'regionalverband', 'regbez', 'kreis')")
    assert len(names) >= 63 and all(name in html for (name,) in names)  # 63: Baden-Württemberg's alone
    assert f'href="regions/{HF}.html"' in html and "Datenstand" in html
    # the data status per source table, from marts.data_status
    for source, table in mart(published, "SELECT source_name, table_id FROM marts.data_status"):
        assert source in html and table in html
    assert "Regierungsbezirk" in html and "(Seite auf Anfrage)" in html  # Regierungsbezirke: a page on demand


def test_the_heilbronn_franken_page_has_the_tiles_and_one_section_per_topic(report):
    html = report.pages[HF].read_text(encoding="utf-8")
    assert [t for t in re.findall(r'<section class="topic" id="([a-z-]+)">', html)] == [s.id for s in load_layout().sections]
    # the newest population, summed from the five Kreise (31.12.2024), with its change to the year before
    assert "935.578" in html and "ggü. Vorjahr: +0,1 %" in html
    # the IHK's shortage tile is the newest actual figure (2022), with its release; never a forecast
    assert "Stand Juni 2022" in html and 'class="value">3.000' in html
    assert "Sitzungsunterlage (PDF)" in html


def test_an_estimated_figure_is_flagged_on_its_tile(report):
    """Eurostat flags the Kreise' GDP per inhabitant from 2018 as estimated (sample/README.md, E1)."""
    html = report.pages["08125"].read_text(encoding="utf-8")
    tile = html[html.index("Bruttoinlandsprodukt je Einwohner (Eurostat)"):]
    assert '<span class="flag">geschätzt</span>' in tile[:600]


def test_the_numbers_under_the_line_chart_are_a_fresh_query_of_the_mart(report, published):
    table = tables(report.pages[HF])["demografie-population-verlauf"]
    assert table[0] == ["Zeitraum", "Heilbronn-Franken", "Baden-Württemberg", "Deutschland"]
    rows = mart(published, """SELECT period, series_code, index_base_100 FROM marts.comparison_series
                              WHERE region_code = ? AND indicator_id = 'population' AND index_base_100 IS NOT NULL""", [HF])
    expected = {(p, code): number(v, 1) for p, code, v in rows}
    periods = sorted({p for p, _, _ in rows})
    assert [r[0] for r in table[1:]] == [f"{p[8:10]}.{p[5:7]}.{p[:4]}" for p in periods]
    for row, p in zip(table[1:], periods, strict=True):
        assert row[1:] == [expected.get((p, code), "–") for code in (HF, "08", "DG")]  # – : no figure (a hole)
    assert expected[(periods[0], HF)] == "100,0"  # the first year shown is the base


def test_the_csv_download_holds_the_plotted_numbers_unrounded(report, published):
    data = (published / "report" / "downloads" / HF / "demografie-population-kreise.csv").read_bytes().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(data), delimiter=";"))
    got = {r[1]: float(r[2].replace(",", ".")) for r in rows[2:] if len(r) == 3 and r[2]}
    expected = dict(mart(published, """SELECT member_name_de, value FROM marts.member_ranking
                                       WHERE region_code = ? AND indicator_id = 'population' AND newest""", [HF]))
    assert got == expected and len(got) == 5
    assert rows[-1][0].startswith("Quelle: © Statistische Ämter des Bundes und der Länder")
    # the page's workbook holds the same table in the sheet the chart's link names, numbers as numbers (read back
    # as a spreadsheet program reads it)
    html = report.pages[HF].read_text(encoding="utf-8")
    figure = html[html.index('id="demografie-population-kreise"'):]
    link = re.search(r'<a href="\.\./downloads/heilbronn-franken/([^"]+\.xlsx)" download>XLSX</a> \(Blatt „([^“]+)“\)', figure)
    book = load_workbook(published / "report" / "downloads" / HF / link[1])
    table = [[c.value for c in row] for row in book[link[2]].iter_rows()]
    assert table[0] == ["Bevölkerung: die Kreise von Heilbronn-Franken", None, None]
    assert table[4] == ["Rang", "Region", "Personen"] and {r[1]: r[2] for r in table[5:]} == expected
    # its first sheet lists every chart of the page with its sheet
    contents = [[c.value for c in row] for row in book["Inhalt"].iter_rows(min_row=2)]
    assert [r[0] for r in contents] == book.sheetnames[1:] and [r[1] for r in contents] == [
        c.split("</h3>")[0] for c in re.findall(r'<figure class="chart[^>]*>\s*<figcaption>\s*<h3>([^<]+</h3>)', html)]


def test_a_page_loads_only_the_reports_own_copies_of_the_chart_scripts(report):
    """Vega, Vega-Lite and vega-embed from the pinned npm packages, copied into the report: no CDN."""
    html = report.pages[HF].read_text(encoding="utf-8")
    scripts = re.findall(r'<script src="([^"]+)"', html)
    assert scripts == ["../assets/vendor/vega.min.js", "../assets/vendor/vega-lite.min.js", "../assets/vendor/vega-embed.min.js",
                       "../assets/charts.js"]
    packages = REPO / "expectations" / "assets" / "node_modules"
    for script, package in zip(scripts[:3], ("vega", "vega-lite", "vega-embed"), strict=True):
        copy = (report.pages[HF].parent / script).resolve()
        assert copy.read_bytes() == (packages / package / "build" / copy.name).read_bytes()


def test_a_rate_is_ranked_against_the_state_and_a_count_without_a_reference_line(report, published):
    page = tables(report.pages[HF])
    per_1000 = page["arbeitsmarkt-employees_workplace_per_1000_inhabitants-kreise"]
    (state,) = mart(published, """SELECT value FROM marts.indicator_values WHERE region_code = '08'
                                  AND indicator_id = 'employees_workplace_per_1000_inhabitants'
                                  AND period = (SELECT max(period) FROM marts.member_ranking WHERE region_code = ?
                                                AND indicator_id = 'employees_workplace_per_1000_inhabitants' AND newest)""", [HF])
    assert per_1000[-1] == ["", "Baden-Württemberg (Referenz)", number(state[0], 1)]
    ranks = [r[0] for r in per_1000[1:-1] if r[0]]
    assert ranks == sorted(ranks, key=int)
    assert not any("Referenz" in r[1] for r in page["demografie-population-kreise"])


def test_the_shortage_is_drawn_as_one_line_per_release(report, published):
    table = tables(report.pages[HF])["fachkraefte-skilled_labour_shortage-staende"]
    header = table[0]
    assert header[-2:] == ["Stand Juli 2021", "Stand Juni 2022"]
    row_2035 = next(r for r in table if r[0] == "2035")
    assert row_2035[-2:] == ["78.000", "81.000"]  # the revision between the two releases
    releases = mart(published, "SELECT count(DISTINCT release) FROM marts.releases WHERE region_code = ? AND indicator_id = 'skilled_labour_shortage'", [HF])
    assert len(header) - 1 == releases[0][0]


def test_a_withheld_or_missing_topic_stays_a_hole(report):
    html = report.pages["08121"].read_text(encoding="utf-8")
    section = html[html.index('id="ausbildung"'):]
    assert "Zu diesem Thema liegen für Heilbronn, Stadtkreis noch keine Zahlen vor." in section


def test_a_second_build_rewrites_only_the_pages_whose_figures_changed(report, published, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(published, data, ignore=shutil.ignore_patterns("build", "raw", "validation"))
    db = data / "labour_monitor.duckdb"
    build_report(db, data / "report", pdf=False)  # pages without PDF links
    build_report(db, data / "report", ["081"], pdf=False)  # a page on demand: kept up to date from now on
    again = build_report(db, data / "report", only_changed=True, pdf=False)
    assert again.written == [] and set(again.unchanged) == {*report.pages, "081"}
    # edit: the Hohenlohekreis' population of 2024 changed in the warehouse (a revision, as a run would merge it)
    con = duckdb.connect(str(db))
    con.execute("""UPDATE core.region_values SET value = value + 1000 WHERE region_code = '08126'
                   AND indicator_id = 'population' AND period = '2024-12-31' AND valid_to IS NULL""")
    con.close()
    changed = build_report(db, data / "report", only_changed=True, pdf=False)
    assert "08126" in changed.written and HF in changed.written and "081" in changed.written and "08125" not in changed.written
    assert "08125" in changed.unchanged


def test_an_unknown_region_is_refused_naming_it(published, tmp_path):
    with pytest.raises(ReportError, match="nowhere"):
        build_report(published / "labour_monitor.duckdb", tmp_path / "r", ["nowhere"], pdf=False)


def test_parse_number_reads_the_tables_back():
    assert parse_number(number(935578.0)) == 935578.0
