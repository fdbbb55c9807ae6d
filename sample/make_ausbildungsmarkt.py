"""Write the bundled BIBB Ausbildungsmarkt workbooks from the cited figures in sample/figures.csv.

BIBB's table of the training market per Agentur-für-Arbeit district (shared/reference/ba/README.md, "The two
BIBB/BA Ausbildungsmarkt workbooks"): one sheet named after the agency; row 1 the title ending "im
Arbeitsagenturbezirk <Agentur>" (with BIBB's double space); row 2 the measure groups in merged cells with
their footnote markers; row 3 the sub-columns <year>, <year>, VR per group; then one row per KldB
Berufshauptgruppe (code in column A, label in B), a blank row, "alle Berufe", and below a legend, the
reprint note, the footnotes, the sources and the rounding note. This module writes that layout for kind
`bibb-ausbildungsmarkt-agenturbezirke`, one workbook per agency, from the figures of figures.csv (key A1):
three real Berufshauptgruppen rows (one with `*` and `.`) and the row "alle Berufe". Tests use the same
functions to write variants (reordered groups, a renamed label, another agency).

    python -m sample.make_ausbildungsmarkt     # rewrite sample/recordings/bibb-ausbildungsmarkt/
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from catalog import default_catalog
from sample.make_recordings import figures, register
from sources.contract import TableRequest

HERE = Path(__file__).parent
SOURCE = "bibb-ausbildungsmarkt"
KIND = "bibb-ausbildungsmarkt-agenturbezirke"
TITLE = ("Neu abgeschlossene Ausbildungsverträge, unvermittelte Bewerber, unbesetzte Ausbildungsplätze, Angebot und "
         "Nachfrage mit Veränderungen zum Vorjahr in Prozent (VR) im  Arbeitsagenturbezirk {agency}")
CORNER = "Berufshauptgruppe\n (ohne die Berufe für Menschen mit Behinderung)"
# The measure groups as the workbook labels them, footnote markers and BIBB's "Definiton" included.
GROUPS = ("NAA", "UVB ohne Alternative1)", "UVB mit Alternative 1)", "UBA 2)", "Angebot 2)",
          "Nachfrage nach alter Definiton 1)", "Nachfrage nach erweiterter Definition 1)")
TOTAL = "alle Berufe"
FIRST_GROUP_COLUMN = 4  # D: columns A-C hold the code and the label of the Berufshauptgruppe
LEGEND = ("Legende:", "NAA: Neu abgeschlossene Ausbildungsverträge; UVB: Unvermittelte Bewerber; UBA: Unbesetzte "
          "Ausbildungsplätze; VR: Veränderung zum Vorjahr in Prozent")
NOTES = (
    "Nachdruck -auch auszugsweise- nur mit Quellenangabe (Bundesinstitut für Berufsbildung) gestattet",
    " 1) nur Ausbildung im dualen System und ohne Bewerber mit Wohnsitz im Ausland. Durch eine geänderte regionale "
    "Zuordnung sind Vergleiche mit Zeiträumen vor 2005 nur eingeschränkt möglich.",
    " 2) nur Ausbildung im dualen System und ohne jene unbesetzten Ausbildungsstellen, die für die Bundesagentur für "
    "Arbeit regional nicht zuzuordnen sind",
    None,
    "Quellen: Bundesagentur für Arbeit, Ergebnisse der Ausbildungsmarktstatistik ab 2015 inkl. Abiturientenausbildungen; "
    "Bundesinstitut für Berufsbildung, Erhebung zum 30. September ",
    "Absolutwerte werden aus Datenschutzgründen jeweils auf ein Vielfaches von 3 gerundet; der Gesamtwert kann deshalb "
    "von der Summe der Einzelwerte abweichen. Bei den Daten der Bundesagentur für Arbeit liegen Werte kleiner 3 nicht "
    "vor. Zu Berechnungszwecken werden diese durch Schätzwerte ersetzt.",
)


@dataclass(frozen=True)
class Agency:
    region: str  # catalog region code
    label: str  # the agency as the title names it
    sheet: str  # the sheet name (Excel cuts names at 31 characters)
    stem: str  # file name in the drop folder (the kind's glob matches it)


AGENCIES = {
    a.region: a
    for a in (
        Agency("aa-heilbronn", "Heilbronn", "Heilbronn", "bibb-ausbildungsmarkt_aa-heilbronn_2022-2023"),
        Agency("aa-schwaebisch-hall-tauberbischofsheim", "Schwäbisch Hall-Tauberbischofsheim", "Schwäbisch Hall-Tauberbischofsh",
               "bibb-ausbildungsmarkt_aa-schwaebisch-hall-tauberbischofsheim_2022-2023"),
    )
}


def agency_figures(region: str) -> list[dict[str, str]]:
    """The cited cells of one agency's table, in the order of the workbook (figures.csv keeps it)."""
    return [r for r in figures() if r["table"] == KIND and r["region_code"] == region]


def cell(text: str) -> int | float | str:
    """A figure as the workbook holds it: an integer or a float cell, or the marker string (`*`, `.`)."""
    try:
        number = float(text)
    except ValueError:
        return text
    return int(number) if number.is_integer() and "." not in text else number


def table_rows(rows: list[dict[str, str]]) -> list[dict[str, object]]:
    """Figures (one per cell) as rows of the table: code, label and {(group, sub-column): cell}."""
    out: dict[tuple[str, str], dict[str, object]] = {}
    for r in rows:
        code, label, group, sub = r["attributes"].split("|")
        row = out.setdefault((code, label), {"code": code, "label": label, "cells": {}})
        row["cells"][(group, sub)] = cell(r["value"])  # type: ignore[index]
    return list(out.values())


def years(rows: list[dict[str, object]]) -> list[str]:
    return sorted({sub for r in rows for _, sub in r["cells"] if sub != "VR"})  # type: ignore[attr-defined]


def xlsx_bytes(agency: Agency, rows: list[dict[str, object]], groups: tuple[str, ...] = GROUPS,
               title: str | None = None, subcolumns: tuple[str, ...] | None = None, notes: bool = True) -> bytes:
    """The agency's workbook: title, merged group row, sub-column row, the Berufshauptgruppen, a blank row,
    "alle Berufe", legend and notes. `groups`, `title`, `subcolumns` and `notes` write a variant (a test's)."""
    subs = subcolumns or (*years(rows), "VR")
    book = Workbook()
    ws = book.active
    ws.title = agency.sheet
    last = FIRST_GROUP_COLUMN + len(groups) * len(subs) - 1
    ws.cell(1, 1, TITLE.format(agency=agency.label) if title is None else title)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=last)
    ws.cell(2, 1, CORNER)
    ws.merge_cells("A2:C3")
    for n, group in enumerate(groups):
        column = FIRST_GROUP_COLUMN + n * len(subs)
        ws.cell(2, column, group)
        ws.merge_cells(start_row=2, start_column=column, end_row=2, end_column=column + len(subs) - 1)
        for k, sub in enumerate(subs):
            ws.cell(3, column + k, int(sub) if sub.isdigit() else sub)
    body = [r for r in rows if r["label"] != TOTAL] + [None] + [r for r in rows if r["label"] == TOTAL]
    at = 5
    for row in body:
        if row is not None:
            if row["code"]:
                ws.cell(at, 1, row["code"])
            ws.cell(at, 2, row["label"])
            for n, group in enumerate(groups):
                for k, sub in enumerate(subs):
                    value = row["cells"].get((group, sub))  # type: ignore[attr-defined]
                    if value is not None:
                        ws.cell(at, FIRST_GROUP_COLUMN + n * len(subs) + k, value)
        at += 1
    if notes:
        at += 1
        ws.cell(at, 2, LEGEND[0])
        ws.cell(at, 3, LEGEND[1])
        at += 2
        for note in NOTES:
            if note is not None:
                ws.cell(at, 1, note)
            at += 1
    ws.column_dimensions[get_column_letter(2)].width = 40
    book.properties.created = book.properties.modified = datetime(2024, 6, 21)
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def build(out: Path = HERE / "recordings") -> list[Path]:
    """Write one workbook per agency into the source's folder beside the recordings and list the request."""
    folder = out / SOURCE
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("bibb-ausbildungsmarkt*"):
        old.unlink()
    paths, found = [], []
    for agency in AGENCIES.values():
        rows = agency_figures(agency.region)
        path = folder / f"{agency.stem}.xlsx"
        path.write_bytes(xlsx_bytes(agency, table_rows(rows)))
        paths.append(path)
        found += [int(r["period"][:4]) for r in rows]
    table = default_catalog().tables[KIND]
    register(out, [TableRequest(SOURCE, table.id, min(found), max(found))])
    return paths


if __name__ == "__main__":
    build()
