"""CSV and XLSX downloads of a chart's table: the plotted numbers as they are (not rounded), with the
chart's title, unit, source and licence. CSV in German conventions (`;`, decimal comma, UTF-8 with BOM),
as `labour-monitor export` writes it, so that Excel opens it as it is."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from reports.charts import Chart
from reports.files import write_bytes
from reports.xlsx import workbook


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


def xlsx_bytes(chart: Chart) -> bytes:
    """Title, unit and period, credit, a blank row, then the table (numbers as numbers)."""
    return workbook([[chart.caption.title], [f"{chart.caption.unit}, {chart.caption.period}"], [_credit(chart)], [],
                     list(chart.table.columns), *map(list, chart.table.values)])


def write_downloads(chart: Chart, folder: Path) -> list[Path]:
    paths = [folder / f"{chart.id}.csv", folder / f"{chart.id}.xlsx"]
    write_bytes(paths[0], csv_bytes(chart))
    write_bytes(paths[1], xlsx_bytes(chart))
    return paths
