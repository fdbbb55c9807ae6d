"""A register's rows checked against the catalog and against each other, and turned into the rows of its tables
(sources/contract.py REGISTER_SCHEMAS). The first entry the warehouse could not review is an error naming the sheet,
the row and the column: the workbook is then quarantined whole, and the last good register stays."""

from __future__ import annotations

from collections.abc import Iterable

import pyarrow as pa

from catalog import Catalog, SourceTable
from catalog.registers import Register
from sources.contract import REGISTER_SCHEMAS, RegisterRows
from sources.register.reading import Fail, Workbook
from sources.register.rows import Goal, Measure

GAP_KIND = "close_gap_to_state"


def _unique(ids: Iterable[tuple[int, str]], what: str, sheet: str, column: str, fail: Fail) -> None:
    seen: dict[str, int] = {}
    for n, key in ids:
        if key in seen:
            raise fail(f"{what} {key!r} given twice (also row {seen[key]})", sheet=sheet, row=n, column=column)
        seen[key] = n


def _region_code(text: str, catalog: Catalog) -> str | None:
    """A region of the catalog by its code or its German name."""
    if text in catalog.regions:
        return text
    named = [code for code, r in catalog.regions.items() if r.name_de == text]
    return named[0] if len(named) == 1 else None


def _check_goal(n: int, goal: Goal, region: str, table: SourceTable, catalog: Catalog, fail: Fail) -> None:
    def wrong(column: str, detail: str) -> Exception:
        return fail(detail, sheet="Ziele", row=n, column=column)

    indicators = catalog.all_indicators()
    if goal.indicator not in indicators:
        raise wrong("Indikator", f"unknown indicator {goal.indicator!r}: give the id of an indicator of the catalog "
                           "(sheet Indikatoren of the template), e.g. unemployment_rate")
    indicator = indicators[goal.indicator]
    if catalog.freq_of(indicator.id) != "A":
        raise wrong("Indikator", f"indicator {indicator.id!r} is not annual (freq {catalog.freq_of(indicator.id)}): goals are reviewed "
                           "year by year; choose an annual indicator")
    level = catalog.regions[region].level
    levels = catalog.levels_of(indicator.id)
    if level not in levels:
        raise wrong("Indikator", f"indicator {indicator.id!r} has no figures for {catalog.regions[region].name_de} (level {level}): "
                           f"it has figures for the levels {sorted(levels)}")
    for column, year in (("Basisjahr", goal.baseline_year), ("Zieljahr", goal.target_year)):
        if not table.start_year <= year <= (table.end_year or year):
            raise wrong(column, f"year {year} outside the years a goal of this register may name ({table.start_year}-{table.end_year})")
    if goal.target_year <= goal.baseline_year:
        raise wrong("Zieljahr", f"the target year {goal.target_year} is not after the baseline year {goal.baseline_year}")
    rate = indicator.change_in == "points"  # a rate, share or figure per inhabitant; else a count or an amount
    what = f"{indicator.label_de} ({indicator.id}, unit {indicator.unit})"
    if goal.target_kind == "change_pct" and rate:
        raise wrong("Zielart", f"a change in % of a rate or share, {what}: give its change in points (Veränderung in Punkten)")
    if goal.target_kind == "change_points" and not rate:
        raise wrong("Zielart", f"a change in points of a count, {what}: give its change in % (Veränderung in %)")
    if goal.target_kind == GAP_KIND and not rate:
        raise wrong("Zielart", f"a gap to the state compares rates and shares, but {what} is a count: give a value or a change in %")
    if goal.target_kind == GAP_KIND and level in ("state", "country"):
        raise wrong("Zielart", f"{catalog.regions[region].name_de} (level {level}) has no state above it to close a gap to")
    if goal.target_kind == GAP_KIND and goal.target_value is not None:
        raise wrong("Zielwert", "leave the target value empty when the gap to the state is to be closed (the target is the state's own figure)")
    if goal.target_kind != GAP_KIND and goal.target_value is None:
        raise wrong("Zielwert", f"a target value is required for the target kind {goal.target_kind!r}")


def _check_measures(book: Workbook, goal_ids: set[str], fail: Fail) -> dict[str, Measure]:
    _unique(((n, m.measure_id) for n, m in book.measures), "measure id", "Maßnahmen", "Maßnahmen-ID", fail)
    for n, m in book.measures:
        missing = [g for g in m.goal_ids if g not in goal_ids]
        if missing:
            raise fail(f"goal {missing[0]!r} is not in sheet 'Ziele' (its goal ids: {sorted(goal_ids)})", sheet="Maßnahmen", row=n, column="Ziele")
        if m.end_year is not None and m.end_year < m.start_year:
            raise fail(f"end year {m.end_year} before the start year {m.start_year}", sheet="Maßnahmen", row=n, column="Ende")
    measures = {m.measure_id: m for _, m in book.measures}
    _unique(((n, f"{o.output} / {o.measure_id} / {o.year}") for n, o in book.outputs), "output", "Ergebnisse", "Ergebnis", fail)
    for n, o in book.outputs:
        if o.measure_id not in measures:
            raise fail(f"measure {o.measure_id!r} is not in sheet 'Maßnahmen'", sheet="Ergebnisse", row=n, column="Maßnahmen-ID")
        m = measures[o.measure_id]
        if not m.start_year <= o.year <= (m.end_year or o.year):
            raise fail(f"year {o.year} outside the years of measure {m.measure_id!r} ({m.start_year}-{m.end_year or ''})",
                       sheet="Ergebnisse", row=n, column="Jahr")
    return measures


def register_rows(book: Workbook, register: Register, table: SourceTable, catalog: Catalog, batch_id: str, fail: Fail) -> RegisterRows:
    """The workbook's rows as the register of `register.alliance`, every entry checked; the first bad one is an error."""
    alliance = _region_code(book.about.alliance, catalog)
    if alliance != register.alliance:
        raise fail(f"{book.about.alliance!r} is not the alliance whose register this source holds "
                   f"({catalog.regions[register.alliance].name_de}, {register.alliance})",
                   sheet="Register", row=book.about_rows.get("Bündnis"), column="Bündnis")
    _unique(((n, g.goal_id) for n, g in book.goals), "goal id", "Ziele", "Ziel-ID", fail)
    regions: dict[str, str] = {}
    for n, g in book.goals:
        region = _region_code(g.region, catalog)
        if region is None:
            raise fail(f"unknown region {g.region!r}: give a region of the catalog by its name or code (sheet Regionen of "
                       "the template), e.g. heilbronn-franken", sheet="Ziele", row=n, column="Region")
        _check_goal(n, g, region, table, catalog, fail)
        regions[g.goal_id] = region
    _check_measures(book, set(regions), fail)
    example = book.about.example
    goals = [{"alliance": alliance, "goal_id": g.goal_id, "title": g.title, "region_code": regions[g.goal_id], "indicator_id": g.indicator,
              "baseline_year": g.baseline_year, "target_kind": g.target_kind, "target_value": g.target_value,
              "target_year": g.target_year, "direction": g.direction, "partners": list(g.partners), "note": g.note or None,
              "example": example, "batch_id": batch_id, "source_row": n} for n, g in book.goals]
    measures = [{"alliance": alliance, "measure_id": m.measure_id, "title": m.title, "partners": list(m.partners),
                 "start_year": m.start_year, "end_year": m.end_year, "goal_ids": list(m.goal_ids), "note": m.note or None,
                 "example": example, "batch_id": batch_id, "source_row": n} for n, m in book.measures]
    outputs = [{"alliance": alliance, "measure_id": o.measure_id, "year": o.year, "output": o.output, "value": o.value, "unit": o.unit,
                "source": o.source, "batch_id": batch_id, "source_row": n} for n, o in book.outputs]
    rows = {"goals": goals, "measures": measures, "measure_outputs": outputs}
    return RegisterRows(alliance, {name: pa.Table.from_pylist(rows[name], schema=schema) for name, schema in REGISTER_SCHEMAS.items()},
                        book.rows_read)
