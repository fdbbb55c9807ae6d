"""What the report reads: the marts of the published warehouse, for many regions at once (one query per mart
for a whole build), as plain records grouped by region and indicator."""

from __future__ import annotations

from collections import defaultdict, namedtuple
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import duckdb

from reports.layout import Layout

Rows = dict[str, dict[str, list[Any]]]  # region -> indicator -> records (named tuples of the mart's columns)


def records(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> list[Any]:
    cursor = con.execute(sql, params or [])
    record = namedtuple("Record", [d[0] for d in cursor.description])  # noqa: PYI024 (columns known at run time)
    return [record(*row) for row in cursor.fetchall()]


def grouped(rows: list[Any]) -> Rows:
    out: Rows = defaultdict(lambda: defaultdict(list))
    for r in rows:
        out[r.region_code][r.indicator_id].append(r)
    return out


@dataclass
class Figures:
    """The figures of a build: the marts' rows for the regions built."""

    regions: dict[str, Any]  # core.regions with the state of each region (marts.region_states)
    labels: dict[str, str]  # indicator -> German label (core.indicators)
    units: dict[str, str]  # indicator -> unit
    headline: Rows  # marts.headline_figures
    series: Rows  # marts.comparison_series
    ranking: Rows  # marts.member_ranking, newest period
    releases: Rows  # marts.releases
    credits: dict[tuple[str, str], tuple[str, str]]  # (region, indicator) -> (citation, licence), marts.indicator_values
    data_status: list[Any]  # marts.data_status
    revisions: list[Any]  # marts.revisions since the previous publish


def read_figures(con: duckdb.DuckDBPyConnection, layout: Layout, codes: Iterable[str]) -> Figures:
    """Every mart row the pages of `codes` and the index page show."""
    codes = sorted(set(codes))
    regions = {r.region_code: r for r in records(con, """SELECT r.region_code, r.name_de, r.level, r.members, s.state_code, s.country_code
                                                        FROM core.regions r LEFT JOIN marts.region_states s USING (region_code)""")}
    indicators = records(con, "SELECT indicator_id, label_de, unit FROM core.indicators")
    lines = sorted({i for s in layout.sections for i in s.lines})
    ranked = sorted({i for s in layout.sections for i in s.ranked})
    released = sorted({i for s in layout.sections for i in s.releases})
    tiles = sorted({*layout.headline, *layout.overview})
    # the index page shows the overview figures of every partner region, state, Regierungsbezirk and Kreis
    listed = [c for c, r in regions.items() if r.level in (*layout.partner_levels, "state", "regbez", "kreis")]
    drawn = sorted({*codes, *(r.state_code for r in regions.values() if r.state_code), *(r.country_code for r in regions.values() if r.country_code)})
    return Figures(
        regions=regions, labels={i.indicator_id: i.label_de for i in indicators}, units={i.indicator_id: i.unit for i in indicators},
        headline=grouped(records(con, "SELECT * FROM marts.headline_figures WHERE list_contains(?, region_code) AND list_contains(?, indicator_id)",
                                 [sorted({*codes, *listed}), tiles])),
        series=grouped(records(con, """SELECT * FROM marts.comparison_series WHERE list_contains(?, region_code) AND list_contains(?, indicator_id)
                                       ORDER BY region_code, indicator_id, series_role, period_index""", [codes, lines])),
        ranking=grouped(records(con, """SELECT * FROM marts.member_ranking WHERE newest AND list_contains(?, region_code)
                                        AND list_contains(?, indicator_id)""", [codes, ranked])),
        releases=grouped(records(con, """SELECT * FROM marts.releases WHERE list_contains(?, region_code) AND list_contains(?, indicator_id)
                                         ORDER BY region_code, indicator_id, release, period""", [codes, released])),
        credits={(r, i): (c or "", lic or "") for r, i, c, lic in con.execute(
            """SELECT region_code, indicator_id, string_agg(DISTINCT citation, ' | '), string_agg(DISTINCT licence, ' | ')
               FROM marts.indicator_values WHERE list_contains(?, region_code) AND list_contains(?, indicator_id)
               GROUP BY ALL""", [drawn, sorted(layout.indicators())]).fetchall()},
        data_status=records(con, "SELECT * FROM marts.data_status ORDER BY source_id, table_id"),
        revisions=records(con, "SELECT * FROM marts.revisions WHERE since_previous_publish ORDER BY source_id, indicator_id, region_code, period"),
    )
