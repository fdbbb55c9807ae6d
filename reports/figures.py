"""What the report reads: the marts of the published warehouse, for many regions at once (one query per mart
for a whole build, then sliced per page)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import duckdb
import pandas as pd

from reports.layout import Layout


def _by_region(frame: pd.DataFrame) -> dict[str, pd.DataFrame]:
    return {code: rows for code, rows in frame.groupby("region_code", sort=False)}


@dataclass
class Figures:
    """The figures of a build: the marts' rows for the regions built, keyed by region."""

    regions: pd.DataFrame  # core.regions with the state of each region (marts.region_states)
    indicators: pd.DataFrame  # core.indicators
    headline: dict[str, pd.DataFrame]  # marts.headline_figures
    series: dict[str, pd.DataFrame]  # marts.comparison_series
    ranking: dict[str, pd.DataFrame]  # marts.member_ranking, newest period
    releases: dict[str, pd.DataFrame]  # marts.releases
    credits: dict[tuple[str, str], tuple[str, str]]  # (region, indicator) -> (citation, licence), marts.indicator_values
    data_status: pd.DataFrame = field(default_factory=pd.DataFrame)
    revisions: pd.DataFrame = field(default_factory=pd.DataFrame)


def read_figures(con: duckdb.DuckDBPyConnection, layout: Layout, codes: Iterable[str]) -> Figures:
    """Every mart row the pages of `codes` and the index page show."""
    codes = sorted(set(codes))
    regions = con.execute("""SELECT r.region_code, r.name_de, r.level, r.parent, r.members, s.state_code, s.country_code
                             FROM core.regions r LEFT JOIN marts.region_states s USING (region_code)""").df()
    indicators = con.execute("SELECT indicator_id, label_de, definition, unit, topic FROM core.indicators").df()
    lines = sorted({i for s in layout.sections for i in s.lines})
    ranked = sorted({i for s in layout.sections for i in s.ranked})
    released = sorted({i for s in layout.sections for i in s.releases})
    tiles = sorted({*layout.headline, *layout.overview})
    # the index page shows the overview figures of every partner region, Regierungsbezirk and Kreis
    listed = regions.loc[regions["level"].isin([*layout.partner_levels, "regbez", "kreis"]), "region_code"].tolist()
    headline = con.execute("SELECT * FROM marts.headline_figures WHERE list_contains(?, region_code) AND list_contains(?, indicator_id)",
                           [sorted({*codes, *listed}), tiles]).df()
    series = con.execute("""SELECT * FROM marts.comparison_series WHERE list_contains(?, region_code) AND list_contains(?, indicator_id)
                            ORDER BY region_code, indicator_id, series_role, period_index""", [codes, lines]).df()
    ranking = con.execute("""SELECT * FROM marts.member_ranking WHERE newest AND list_contains(?, region_code)
                             AND list_contains(?, indicator_id)""", [codes, ranked]).df()
    releases = con.execute("""SELECT * FROM marts.releases WHERE list_contains(?, region_code) AND list_contains(?, indicator_id)
                              ORDER BY region_code, indicator_id, release, period""", [codes, released]).df()
    drawn = sorted({*codes, *regions["state_code"].dropna(), *regions["country_code"].dropna()})
    credits = con.execute("""SELECT region_code, indicator_id, string_agg(DISTINCT citation, ' | '), string_agg(DISTINCT licence, ' | ')
                             FROM marts.indicator_values WHERE list_contains(?, region_code) AND list_contains(?, indicator_id)
                             GROUP BY ALL""", [drawn, sorted(layout.indicators())]).fetchall()
    return Figures(
        regions=regions, indicators=indicators, headline=_by_region(headline), series=_by_region(series),
        ranking=_by_region(ranking), releases=_by_region(releases),
        credits={(r, i): (c or "", lic or "") for r, i, c, lic in credits},
        data_status=con.execute("SELECT * FROM marts.data_status ORDER BY source_id, table_id").df(),
        revisions=con.execute("""SELECT * FROM marts.revisions WHERE since_previous_publish
                                 ORDER BY source_id, indicator_id, region_code, period""").df(),
    )
