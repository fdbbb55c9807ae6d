"""The report's layout file and its one chart module, without a warehouse."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest

from reports import charts
from reports.formats import number, parse_number, period
from reports.layout import load_layout
from tests.conftest import REPO


def test_the_layout_names_only_catalog_indicators_and_labels_every_unit(catalog):
    layout = load_layout()
    units = {i.unit for i in catalog.all_indicators().values()}
    assert layout.unknown(set(catalog.all_indicators()), units) == []
    assert [s.title for s in layout.sections] == ["Demografie", "Arbeitsmarkt", "Wirtschaft", "Fachkräfte", "Ausbildung"]


def test_a_misspelt_key_in_the_layout_is_an_error_naming_the_file(tmp_path: Path):
    bad = tmp_path / "layout.yaml"
    bad.write_text(load_layout.__wrapped__().model_dump_json().replace('"headline"', '"headlines"'), encoding="utf-8")
    with pytest.raises(ValueError, match="(?s)layout.yaml.*headlines.*Extra inputs are not permitted"):
        load_layout.__wrapped__(bad)


def test_numbers_and_periods_read_as_in_german_print():
    assert number(1234567.891, 1) == "1.234.567,9" and number(-13000) == "−13.000" and number(None) == "–"
    assert number(0.0989, 2, signed=True) == "+0,10" and parse_number("−1.234,5") == -1234.5
    assert (period("2024-12-31"), period("2023-06"), period("2035")) == ("31.12.2024", "Juni 2023", "2035")


CAPTION = charts.Caption("Bevölkerung", "Personen", "2023 bis 2024", "Quelle", "dl-de/by-2-0")


def plotted(chart: charts.Chart) -> list[dict]:
    """The rows a chart's Vega-Lite spec draws."""
    return chart.spec["data"]["values"]


def layers(spec: dict) -> list[dict]:
    """Every layer of a spec, nested ones included."""
    return [x for layer in spec.get("layer", []) for x in (layer, *layers(layer))]


def test_a_line_chart_tables_exactly_its_points_and_a_withheld_figure_stays_a_flagged_gap():
    series = [charts.Series("Heilbronn-Franken", (charts.Point(1, "2023", 934653.0), charts.Point(2, "2024", None, "geheim"))),
              charts.Series("Baden-Württemberg", (charts.Point(1, "2023", 11230740.0), charts.Point(2, "2024", 11245898.0)), "state")]
    chart = charts.line_chart("c", CAPTION, series, 0)
    assert chart.table.columns == ("Zeitraum", "Heilbronn-Franken", "Baden-Württemberg")
    assert chart.table.values == (("2023", 934653.0, 11230740.0), ("2024", None, 11245898.0))
    assert chart.table.cells[1] == ("2024", "– (geheim)", "11.245.898")  # never a 0 in its place
    # the chart draws the table's numbers; the withheld one is null, and the line breaks there
    drawn = {(r["period"], r["series"]): r["value"] for r in plotted(chart)}
    assert drawn == {(row[0], name): v for row in chart.table.values for name, v in zip(chart.table.columns[1:], row[1:], strict=True)}
    (line,) = [x["mark"] for x in layers(chart.spec) if x.get("mark", {}).get("type") == "line"]
    assert line["invalid"] == "break-paths-filter-domains"
    assert chart.spec["description"].startswith("Bevölkerung. Personen, 2023 bis 2024: Heilbronn-Franken; Baden-Württemberg")
    json.dumps(chart.spec, allow_nan=False)  # the page embeds it as JSON


def test_an_index_chart_draws_its_base_line_and_formats_numbers_in_the_pages_locale():
    series = [charts.Series("Heilbronn-Franken", (charts.Point(1, "2023", 100.0), charts.Point(2, "2024", 100.1)))]
    chart = charts.line_chart("i", CAPTION, series, 1, baseline=100.0)
    assert [x["encoding"]["y"] for x in layers(chart.spec) if x.get("mark", {}).get("type") == "rule"] == [{"datum": 100.0}]
    (tooltip,) = [x["mark"]["tooltip"]["expr"] for x in layers(chart.spec) if "tooltip" in x.get("mark", {})]
    assert '"Personen": format(datum.value, ",.1f")' in tooltip  # d3-format: the page's de-DE locale makes it 100,1


def test_a_ranked_bar_chart_keeps_the_marts_ranks_and_draws_the_reference_line():
    bars = [charts.Bar("Hohenlohekreis", 3.0, rank=2), charts.Bar("Heilbronn", 4.1, rank=1), charts.Bar("Main-Tauber", None, "geheim")]
    chart = charts.ranked_bar_chart("b", CAPTION, bars, 1, "Quote", charts.Reference("Baden-Württemberg", 3.8))
    assert [row[:2] for row in chart.table.values] == [("1", "Heilbronn"), ("2", "Hohenlohekreis"), ("", "Main-Tauber"),
                                                       ("", "Baden-Württemberg (Referenz)")]
    assert [(r["region"], r["value"], r["text"]) for r in plotted(chart)] == [
        ("Heilbronn", 4.1, "4,1"), ("Hohenlohekreis", 3.0, "3,0"), ("Main-Tauber", None, "– (geheim)")]  # no bar, its label says why
    (bar,) = [x for x in layers(chart.spec) if x.get("mark", {}).get("type") == "bar"]
    assert bar["encoding"]["y"]["sort"] == ["Heilbronn", "Hohenlohekreis", "Main-Tauber"]
    (rule,) = [x for x in layers(chart.spec) if x.get("mark", {}).get("type") == "rule"]
    assert rule["data"]["values"] == [{"reference": "Baden-Württemberg: 3,8", "value": 3.8}]


def test_a_release_chart_draws_one_line_per_release():
    releases = [charts.Series("Stand Juli 2021", (charts.Point(2035, "2035", 78000.0),)),
                charts.Series("Stand Juni 2022", (charts.Point(2022, "2022", 3000.0), charts.Point(2035, "2035", 81000.0)))]
    chart = charts.release_chart("r", CAPTION, releases, 0)
    colour = next(x["encoding"]["color"] for x in layers(chart.spec) if "color" in x.get("encoding", {}))
    assert chart.kind == "release" and colour["field"] == "series" and colour["scale"]["domain"] == ["Stand Juli 2021", "Stand Juni 2022"]
    assert len(set(colour["scale"]["range"])) == 2
    assert chart.table.values == (("2022", None, 3000.0), ("2035", 78000.0, 81000.0))


def test_the_report_reads_the_warehouse_and_never_imports_the_pipeline_or_the_providers():
    imported = set()
    for path in (REPO / "reports").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                imported.add(node.module.split(".")[0])
            elif isinstance(node, ast.Import):
                imported.update(a.name.split(".")[0] for a in node.names)
    assert not imported & {"sources", "pipelines", "catalog", "transforms", "expectations"}, imported
