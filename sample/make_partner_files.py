"""Write the bundled partner file from the cited figures in sample/figures.csv.

The IHK-Fachkräftemonitor has no export (see sample/README.md): the IHK's file is written in the shape
catalog/partner_files.yaml declares for kind `ihk-fachkraeftemonitor`, one row per published figure,
`;`-separated UTF-8 with BOM and decimal comma as a German spreadsheet saves it, with the release
(Stand) and the publication (Quelle) of each figure. Tests use the same functions to write variants
(other column orders, XLSX, an earlier release).

    python -m sample.make_partner_files     # rewrite sample/recordings/ihk-heilbronn-franken/
"""

from __future__ import annotations

import csv
import io
from datetime import datetime
from pathlib import Path

from openpyxl import Workbook

from catalog import default_catalog
from sample.make_recordings import figures, register
from sources.contract import TableRequest
from catalog.partner_files import load_kinds

HERE = Path(__file__).parent
SOURCE = "ihk-heilbronn-franken"
KIND = "ihk-fachkraeftemonitor"
FILE_STEM = "ihk-fachkraeftemonitor-heilbronn-franken"
COLUMNS = ("Region", "Merkmal", "Qualifikation", "Jahr", "Wert", "Einheit", "Stand", "Quelle")
# The publications the figures come from (keys of figures.csv `source`, cited in sample/README.md).
PUBLICATIONS = {
    "P1": "https://lifepr.de/pressemitteilung/industrie-und-handelskammer-heilbronn-franken/Vorlaeufiger-Hoehepunkt-beim-Fachkraefteengpass-in-Heilbronn-Franken-im-Jahr-2013/boxid/301231",
    "P2": "https://pressekat.de/pressinfo1481348-ihk-fachkr-ftemonitor-fachkr-ftemangel-versch-rft-sich.html",
    "P3": "https://www.moritz.de/special/job-und-karriere/fachkr%C3%A4ftemangel-verursacht-wertsch%C3%B6pfungsverlust-von-20-mil/",
    "P4": "https://www.mittelstandcafe.de/besch-ftigtennachfrage-sinkt-1841348.html",
    "P5": "https://heilbronn.ihk.de/produktmarken/standort/aktuelles/ihk-fachkraeftemonitor-5202670",
    "P6": "https://www.news-blast.com/2022/06/fachkraeftemangel-spitzt-sich-weiter-zu/",
}


def partner_figures(current: bool = True) -> list[dict[str, str]]:
    """The cited figures of the kind: current ones, or (current=False) those a later release replaced."""
    return [r for r in figures(current=current) if r["table"] == KIND]


def file_rows(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    """Figures as rows of the file, labelled as the kind's mapping reads them (unit from the catalog)."""
    catalog = default_catalog()
    kind = load_kinds(catalog)[KIND]
    out = []
    for r in rows:
        merkmal, qualifikation = r["attributes"].split("|")
        indicator = catalog.indicators[kind.indicators[(merkmal, qualifikation)]]
        out.append({"Region": r["region_label"], "Merkmal": merkmal, "Qualifikation": qualifikation, "Jahr": r["period"],
                    "Wert": r["value"].replace(".", ","), "Einheit": indicator.source_unit, "Stand": r["release"],
                    "Quelle": PUBLICATIONS[r["source"]]})
    return out


def csv_bytes(rows: list[dict[str, str]], columns: tuple[str, ...] = COLUMNS) -> bytes:
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, delimiter=";", lineterminator="\r\n")
    writer.writerow(columns)
    writer.writerows([row.get(c, "") for c in columns] for row in rows)
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def xlsx_bytes(rows: list[dict[str, str]], columns: tuple[str, ...] = COLUMNS, sheet: str = "Fachkräftemonitor") -> bytes:
    """The rows as a one-sheet workbook; years and figures as number cells, as a spreadsheet holds them."""
    book = Workbook()
    ws = book.active
    ws.title = sheet
    ws.append(list(columns))
    for row in rows:
        cells = {c: row.get(c, "") for c in columns}
        for c in ("Jahr", "Wert"):
            if c in cells and cells[c].lstrip("-").replace(",", "").isdigit():
                number = float(cells[c].replace(",", "."))
                cells[c] = int(number) if number.is_integer() else number
        ws.append([cells[c] for c in columns])
    book.properties.created = book.properties.modified = datetime(2026, 1, 1)
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def build(out: Path = HERE / "recordings", rows: list[dict[str, str]] | None = None) -> Path:
    """Write the kind's file into the partner's folder beside the recordings and list its request."""
    folder = out / SOURCE
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob(f"{KIND}*"):
        old.unlink()
    path = folder / f"{FILE_STEM}.csv"
    path.write_bytes(csv_bytes(file_rows(partner_figures() if rows is None else rows)))
    table = default_catalog().tables[KIND]
    register(out, [TableRequest(SOURCE, KIND, table.start_year, table.end_year or table.start_year)])
    return path


if __name__ == "__main__":
    build()
