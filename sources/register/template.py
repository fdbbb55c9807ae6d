"""Writing a register workbook: the empty template partners fill in (docs/ziele-massnahmen-vorlage.xlsx) and, with rows,
a filled register (the sample's example). Headers, notes and choice lists come from the sheet models (rows.py), so the
template and the parser never disagree; the lists of indicators and regions come from the catalog."""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from catalog import Catalog
from sources.register.rows import DIRECTIONS, SHEETS, TARGET_KINDS, YES_NO, About

Rows = Sequence[Mapping[str, Any]]  # a sheet's rows, keyed by its German headers
BOLD = Font(bold=True)
EXAMPLE_FILL = PatternFill("solid", fgColor="FFF2CC")
CHOICES = {"Zielart": list(TARGET_KINDS), "Richtung": list(DIRECTIONS), "Beispiel": list(YES_NO)}
LIST_ROWS = 500  # the rows the choice lists apply to
READING = {"points": "Quote oder Anteil: Veränderung in Punkten", "percent": "Anzahl: Veränderung in %"}


def _choices(ws: Worksheet, column: int, words: list[str], last_row: int, first_row: int = 2) -> None:
    letter = ws.cell(row=1, column=column).column_letter
    dv = DataValidation(type="list", formula1='"' + ",".join(words) + '"', allow_blank=True)
    dv.add(f"{letter}{first_row}:{letter}{last_row}")
    ws.add_data_validation(dv)


def _table(ws: Worksheet, headers: list[str], rows: Rows, widths: int = 22) -> None:
    ws.append(headers)
    for cell in ws[1]:
        cell.font = BOLD
    for row in rows:
        ws.append([row.get(h) for h in headers])
    for k, header in enumerate(headers, start=1):
        ws.column_dimensions[ws.cell(row=1, column=k).column_letter].width = max(widths, len(header) + 4)
        if header in CHOICES:
            _choices(ws, k, CHOICES[header], LIST_ROWS)
    ws.freeze_panes = "A2"


def _notes(ws: Worksheet, alliance: str, example: bool) -> None:
    ws.append([f"Register der Ziele, Maßnahmen und Ergebnisse: {alliance}"])
    ws["A1"].font = Font(bold=True, size=14)
    if example:
        ws.append(["BEISPIEL: erfundene Ziele und Maßnahmen zur Veranschaulichung, keine Vereinbarung der Partner und keine Statistik."])
        ws["A2"].fill = EXAMPLE_FILL
    ws.append(["Ziele sind Absichten der Partner, keine statistischen Zahlen. Die Ist-Werte liest labour-monitor aus der amtlichen "
               "Statistik; hier stehen nur Ziele, Maßnahmen und die gemeldeten Ergebnisse der Maßnahmen."])
    ws.append(["Jedes Blatt hat seine Spaltenüberschriften in Zeile 1; sie dürfen nicht umbenannt werden. Ein fehlerhafter Eintrag "
               "hält das ganze Register zurück (die Meldung nennt Blatt, Zeile und Spalte); das zuletzt geladene Register bleibt gültig."])
    ws.append([])
    ws.append(["Blatt", "Spalte", "Pflicht", "Bedeutung"])
    for cell in ws[ws.max_row]:
        cell.font = BOLD
    for sheet, model in SHEETS.items():
        for name, field in model.model_fields.items():
            ws.append([sheet, field.alias or name, "ja" if field.is_required() else "nein", field.description or ""])
    ws.column_dimensions["A"].width = 14
    ws.column_dimensions["B"].width = 16
    ws.column_dimensions["D"].width = 110


def _lists(book: Workbook, catalog: Catalog) -> None:
    ws = book.create_sheet("Indikatoren")
    annual = [i for i in catalog.all_indicators().values() if catalog.freq_of(i.id) == "A"]
    _table(ws, ["Indikator", "Bezeichnung", "Einheit", "Lesart", "Ebenen mit Zahlen"], [
        {"Indikator": i.id, "Bezeichnung": i.label_de, "Einheit": i.unit, "Lesart": READING[i.change_in],
         "Ebenen mit Zahlen": ", ".join(sorted(catalog.levels_of(i.id)))} for i in sorted(annual, key=lambda i: i.id)])
    ws = book.create_sheet("Regionen")
    _table(ws, ["Schlüssel", "Name", "Ebene"], [{"Schlüssel": r.code, "Name": r.name_de, "Ebene": r.level} for r in catalog.regions.values()])


def workbook_bytes(catalog: Catalog, alliance: str, example: bool, goals: Rows = (), measures: Rows = (), outputs: Rows = ()) -> bytes:
    """A register workbook of the alliance (region code) with the given rows: empty rows give the template."""
    name = catalog.regions[alliance].name_de
    book = Workbook()
    ws = book.active
    ws.title = "Register"
    about = {"Bündnis": name, "Beispiel": "ja" if example else "nein"}
    for label in About.headers():
        ws.append([label, about[label]])
        ws.cell(row=ws.max_row, column=1).font = BOLD
    _choices(ws, 2, CHOICES["Beispiel"], last_row=2, first_row=2)
    ws.column_dimensions["A"].width = 14
    ws.column_dimensions["B"].width = 40
    if example:
        for row in ws.iter_rows():
            for cell in row:
                cell.fill = EXAMPLE_FILL
    for sheet, rows in (("Ziele", goals), ("Maßnahmen", measures), ("Ergebnisse", outputs)):
        _table(book.create_sheet(sheet), SHEETS[sheet].headers(), rows)
    _notes(book.create_sheet("Hinweise"), name, example)
    _lists(book, catalog)
    book.properties.created = book.properties.modified = datetime(2026, 1, 1)
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()
