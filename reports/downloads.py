"""Downloads of a page's chart tables: the plotted numbers as they are (not rounded), with each chart's title,
unit, source and licence.

- a CSV per chart, in German conventions (`;`, decimal comma, UTF-8 with BOM), as `labour-monitor export` writes
  it, so that Excel opens it as it is;
- one XLSX workbook per page (xlsxwriter), a sheet per chart (`Grafik 1`, `Grafik 2`, … in the page's order,
  each chart's link names its sheet) and a first sheet `Inhalt` listing them; numbers as numbers, every text as
  text (never a formula or a link). One workbook per page rather than per chart: xlsxwriter takes about 2.7 ms
  a workbook, over 20 s of a large report's build (README, "The regional report").
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Sequence
from pathlib import Path

import xlsxwriter

from reports.charts import Chart
from reports.files import write_bytes

CONTENTS = "Inhalt"


def _credit(chart: Chart) -> str:
    return f"Quelle: {chart.caption.source}. Lizenz: {chart.caption.licence}. Darstellung: labour-monitor."


def csv_bytes(chart: Chart) -> bytes:
    buf = io.StringIO(newline="")
    out = csv.writer(buf, delimiter=";", lineterminator="\r\n")
    out.writerow([f"{chart.caption.title} ({chart.caption.unit}, {chart.caption.period})"])
    out.writerow(chart.table.columns)
    for row in chart.table.values:
        out.writerow(["" if v is None else str(v).replace(".", ",") if isinstance(v, float) else v for v in row])
    out.writerow([])
    out.writerow([_credit(chart)])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def sheet_names(charts: Sequence[Chart]) -> dict[str, str]:
    """The workbook's sheet of each chart (by id), in the page's order."""
    return {chart.id: f"Grafik {i}" for i, chart in enumerate(charts, 1)}


def xlsx_bytes(charts: Sequence[Chart]) -> bytes:
    """The workbook of a page: `Inhalt`, then per chart its title, unit and period, credit, a blank row and its
    table (a missing figure an empty cell)."""
    buf = io.BytesIO()
    with xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False}) as book:
        contents = book.add_worksheet(CONTENTS)
        contents.write_row(0, 0, ["Blatt", "Grafik", "Einheit", "Zeitraum"])
        for i, (chart, sheet_name) in enumerate(zip(charts, sheet_names(charts).values(), strict=True), 1):
            contents.write_row(i, 0, [sheet_name, chart.caption.title, chart.caption.unit, chart.caption.period])
            sheet = book.add_worksheet(sheet_name)
            rows = [[chart.caption.title], [f"{chart.caption.unit}, {chart.caption.period}"], [_credit(chart)], [],
                    chart.table.columns, *chart.table.values]
            for r, row in enumerate(rows):
                sheet.write_row(r, 0, [None if isinstance(v, float) and math.isnan(v) else v for v in row])
    return buf.getvalue()


def write_downloads(charts: Sequence[Chart], folder: Path, workbook: str) -> list[Path]:
    """A CSV per chart and the page's workbook `workbook` (none for a page without charts)."""
    paths = []
    for chart in charts:
        paths.append(folder / f"{chart.id}.csv")
        write_bytes(paths[-1], csv_bytes(chart))
    if charts:
        paths.append(folder / workbook)
        write_bytes(paths[-1], xlsx_bytes(charts))
    return paths
