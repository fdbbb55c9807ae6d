"""A register workbook for the tests: MADE UP, not goals of any partner ("Erfundenes Testregister"). Written by the same
writer as the template (sources/register/template.py), so that each test edits one entry of a valid register."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from catalog import default_catalog
from sources.blob import InMemory
from sources.contract import RawPayload, TableRequest
from sources.register.template import workbook_bytes

SOURCE = "fachkraeftebuendnis-heilbronn-franken"
TABLE = "ziele-massnahmen-heilbronn-franken"
ALLIANCE = "heilbronn-franken"
NAME = "ziele-massnahmen-test.xlsx"
REQUEST = TableRequest(SOURCE, TABLE, 2000, 2050)
MADE_UP = "Erfundenes Testziel"


def goals() -> list[dict[str, Any]]:
    """Made-up goals: rows 2, 3 and 4 of sheet Ziele."""
    return [
        {"Ziel-ID": "T1", "Ziel": f"{MADE_UP}: Arbeitslose im Landkreis Heilbronn", "Region": "08125", "Indikator": "unemployed",
         "Basisjahr": 2015, "Zielart": "Veränderung in %", "Zielwert": -10, "Zieljahr": 2020, "Richtung": "niedriger ist besser",
         "Verantwortlich": "Partner A; Partner B"},
        {"Ziel-ID": "T2", "Ziel": f"{MADE_UP}: Arbeitslosenquote im Landkreis Heilbronn", "Region": "Heilbronn, Landkreis",
         "Indikator": "unemployment_rate", "Basisjahr": 2015, "Zielart": "Veränderung in Punkten", "Zielwert": -0.5, "Zieljahr": 2020,
         "Richtung": "niedriger ist besser", "Verantwortlich": "Partner A"},
        {"Ziel-ID": "T3", "Ziel": f"{MADE_UP}: Abstand zum Land", "Region": "08125", "Indikator": "unemployment_rate", "Basisjahr": 2015,
         "Zielart": "Abstand zum Land schließen", "Zieljahr": 2019, "Richtung": "niedriger ist besser", "Verantwortlich": "Partner B"},
    ]


def measures() -> list[dict[str, Any]]:
    return [{"Maßnahmen-ID": "M1", "Maßnahme": "Erfundene Testmaßnahme", "Verantwortlich": "Partner A", "Beginn": 2016, "Ende": 2019,
             "Ziele": "T1; T2"}]


def outputs() -> list[dict[str, Any]]:
    return [{"Maßnahmen-ID": "M1", "Jahr": 2017, "Ergebnis": "Teilnehmende", "Wert": 25, "Einheit": "Personen",
             "Quelle": "erfunden (Test)"}]


def workbook(goal_rows: list[dict[str, Any]] | None = None, measure_rows: list[dict[str, Any]] | None = None,
             output_rows: list[dict[str, Any]] | None = None, example: bool = True, alliance: str = ALLIANCE) -> bytes:
    return workbook_bytes(default_catalog(), alliance, example, goals() if goal_rows is None else goal_rows,
                          measures() if measure_rows is None else measure_rows, outputs() if output_rows is None else output_rows)


def edited(rows: list[dict[str, Any]], n: int, **cells: Any) -> list[dict[str, Any]]:
    """`rows` with row `n` (0-based) changed; a cell given as None is emptied."""
    return [({**r, **cells} if k == n else r) for k, r in enumerate(rows)]


def payload(data: bytes, name: str = NAME) -> RawPayload:
    return RawPayload(SOURCE, TABLE, f"file:///drop/{SOURCE}/{name}", {}, InMemory(data), InMemory(data),
                      "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", datetime.now(UTC))
