"""The goals review as an Excel workbook: the goals with their status, their course year by year, the changes of their
targets and the measures with their outputs, one sheet each, numbers as numbers. Every sheet opens with the review's
title (for an example register: "Beispiel – …") and a line saying where the figures and the goals come from."""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill

from reports.review_figures import REVIEW_ZONE, ReviewFigures

if TYPE_CHECKING:
    from reports.review import ReviewPage

HEADER_ROWS = 3  # title, the line on sources, a blank row; the table starts below
EXAMPLE_FILL = PatternFill("solid", fgColor="FFF2CC")


def _local(moment: datetime | None) -> datetime | None:
    """Excel holds no time zone: the moment as a plain date and time in German time."""
    return moment.astimezone(REVIEW_ZONE).replace(tzinfo=None) if moment else None


def _sheet(book: Workbook, name: str, page: ReviewPage, note: str, header: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    ws = book.create_sheet(name)
    ws.append([page.title])
    ws["A1"].font = Font(bold=True, size=13)
    ws.append([note])
    if page.example:
        ws["A1"].fill = ws["A2"].fill = EXAMPLE_FILL
    ws.append([])
    ws.append(list(header))
    for cell in ws[HEADER_ROWS + 1]:
        cell.font = Font(bold=True)
    for row in rows:
        ws.append(list(row))
    ws.freeze_panes = f"A{HEADER_ROWS + 2}"


def review_workbook(page: ReviewPage, f: ReviewFigures) -> bytes:
    """The workbook's bytes."""
    example = ("BEISPIEL: erfundene Ziele und Maßnahmen, keine Vereinbarung der Partner und keine Statistik. " if page.example else "")
    figures = ("Ist-Werte: veröffentlichte amtliche Zahlen (Quellen auf der Seite des Rückblicks); Zielpfad, Status und Veränderungen: "
               "Berechnungen von labour-monitor. Quoten und Anteile in Prozentpunkten, Anzahlen in %.")
    note = example + figures
    book = Workbook()
    book.remove(book.active)
    _sheet(book, "Ziele", page, note,
           ["Ziel-ID", "Ziel", "Region", "Indikator", "Einheit", "Richtung", "Zielart", "Zielwert (wie im Register)", "Basisjahr",
            "Basiswert", "Zieljahr", "Zielniveau", "Jahr des Stands", "Wert", "Status der Zahl", "Zielpfad", "Abstand zum Pfad",
            "Veränderung seit Basis", "Veränderungen in", "Land", "Veränderung des Landes", "Status", "Erreicht im Jahr", "Beispiel"],
           [[g.goal_id, g.goal_title, g.region_name_de, g.indicator_label_de, g.unit, g.direction, g.target_kind, g.target_value,
             g.baseline_year, g.baseline_value, g.target_year, g.target_level, g.year, g.actual_value, g.actual_status, g.target_path,
             g.gap_to_path, g.change_since_baseline, g.changes_in, g.state_name_de, g.state_change_since_baseline, g.status,
             g.reached_in, "ja" if g.example else "nein"] for g in f.goals])
    _sheet(book, "Verlauf", page, note,
           ["Ziel-ID", "Jahr", "Wert", "Status der Zahl", "Zielpfad", "Abstand zum Pfad", "Land", "Wert des Landes", "Status"],
           [[r.goal_id, r.year, *((r.actual_value, r.actual_status) if r.year <= f.year else (None, None)), r.target_path,
             r.gap_to_path if r.year <= f.year else None, r.state_name_de, r.state_value if r.year <= f.year else None,
             r.status if r.year <= f.year else None]
            for rows in f.progress.values() for r in rows])
    _sheet(book, "Zieländerungen", page, note,
           ["Ziel-ID", "gilt seit", "gilt bis", "Zielart", "Zielwert", "Zieljahr", "Basisjahr", "Richtung", "geändert"],
           [[v.goal_id, _local(v.since), _local(v.until), v.target_kind, v.target_value, v.target_year, v.baseline_year, v.direction,
             ", ".join(v.changed)] for versions in f.changes.values() for v in versions])
    _sheet(book, "Maßnahmen", page, note,
           ["Maßnahmen-ID", "Maßnahme", "Verantwortlich", "Beginn", "Ende", "Ziele", "Jahr", "Ergebnis", "Wert", "Einheit", "Quelle"],
           [[m.measure_id, m.measure_title, "; ".join(m.partners), m.start_year, m.end_year, "; ".join(m.goal_ids), m.year, m.output,
             m.value, m.unit, m.source] for m in f.measures])
    book.properties.created = book.properties.modified = datetime(2026, 1, 1)
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()
