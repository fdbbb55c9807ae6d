"""What the yearly goals review reads: the goals marts of the published warehouse (marts.goal_review_as_of,
goal_progress_as_of, goal_changes_as_of, measure_outputs_as_of) for one alliance, one review year and one moment, and
the credit lines of the figures they draw. Plain records; nothing is computed here."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

import duckdb

from reports.figures import records


REVIEW_ZONE = ZoneInfo("Europe/Berlin")


def end_of_day(day: date) -> datetime:
    """`--as-of DATE`: the published warehouse as it stood at the end of that day (German time)."""
    return datetime.combine(day, time.max, tzinfo=REVIEW_ZONE)


class ReviewError(ValueError):
    """An unknown alliance, or no register of it in the published warehouse at that moment."""


@dataclass
class ReviewFigures:
    alliance: str
    alliance_name: str
    year: int
    as_of: datetime | None
    published: datetime | None  # the warehouse's newest load
    goals: list[Any]  # marts.goal_review_as_of: one row per goal, the status in the review year
    progress: dict[str, list[Any]]  # goal id -> marts.goal_progress_as_of rows, by year
    changes: dict[str, list[Any]]  # goal id -> marts.goal_changes_as_of versions, oldest first
    measures: list[Any]  # marts.measure_outputs_as_of rows, by measure and year
    credits: dict[tuple[str, str], tuple[str, str]]  # (region, indicator) -> (citation, licence) of the figures drawn

    @property
    def example(self) -> bool:
        """A made-up example register: every output says so."""
        return any(g.example for g in self.goals) or any(m.example for m in self.measures)


def read_review(con: duckdb.DuckDBPyConnection, alliance: str, year: int, as_of: datetime | None) -> ReviewFigures:
    found = con.execute("SELECT name_de FROM core.regions WHERE region_code = ?", [alliance]).fetchone()
    if found is None:
        raise ReviewError(f"unknown alliance {alliance!r}: the region whose alliance keeps a register (catalog/registers.yaml), "
                          "e.g. heilbronn-franken")
    goals = records(con, "SELECT * FROM marts.goal_review_as_of(?, ?) WHERE alliance = ? ORDER BY goal_id", [as_of, year, alliance])
    measures = records(con, "SELECT * FROM marts.measure_outputs_as_of(?) WHERE alliance = ? ORDER BY measure_id, year, output",
                       [as_of, alliance])
    if not goals and not measures:
        when = f" as of {as_of:%Y-%m-%d}" if as_of else ""
        raise ReviewError(f"the published warehouse holds no register of the alliance {alliance!r}{when}: its partners' workbook "
                          "is loaded by `labour-monitor run` from the drop folder (README, \"Goals, measures and results\")")
    progress: dict[str, list[Any]] = defaultdict(list)
    for r in records(con, "SELECT * FROM marts.goal_progress_as_of(?) WHERE alliance = ? ORDER BY goal_id, year", [as_of, alliance]):
        progress[r.goal_id].append(r)
    changes: dict[str, list[Any]] = defaultdict(list)
    for r in records(con, "SELECT * FROM marts.goal_changes_as_of(?) WHERE alliance = ? ORDER BY goal_id, since", [as_of, alliance]):
        changes[r.goal_id].append(r)
    drawn = sorted({(g.region_code, g.indicator_id) for g in goals} | {(g.state_code, g.indicator_id) for g in goals if g.state_code})
    credits = {(r, i): (c or "", lic or "") for r, i, c, lic in con.execute(
        """SELECT region_code, indicator_id, string_agg(DISTINCT citation, ' | '), string_agg(DISTINCT licence, ' | ')
           FROM marts.indicator_values_as_of(?) WHERE list_contains(?, struct_pack(r := region_code, i := indicator_id))
           GROUP BY ALL""", [as_of, [{"r": r, "i": i} for r, i in drawn]]).fetchall()}
    published = con.execute("SELECT max(loaded_at) FROM raw.batches WHERE ? IS NULL OR loaded_at <= ?", [as_of, as_of]).fetchone()[0]
    return ReviewFigures(alliance, found[0], year, as_of, published, goals, dict(progress), dict(changes), measures, credits)
