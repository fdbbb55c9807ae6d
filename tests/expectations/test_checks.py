"""The pandas side of validation: the frame GX checks and the per-table checks, without GX."""

from __future__ import annotations

import pyarrow as pa

from expectations.checks import observation_frame, year_on_year
from expectations.rules import YearOnYear
from sources.contract import OBSERVATION_SCHEMA


def observations(rows: list[tuple[str, str, float | None, str | None]]) -> pa.Table:
    """(region, period, value, status) rows of the population indicator, in the given order."""
    n = len(rows)
    return pa.table({
        "indicator_id": ["population"] * n,
        "region_code": [r[0] for r in rows],
        "period": [r[1] for r in rows],
        "freq": ["A"] * n,
        "value": [r[2] for r in rows],
        "unit": ["persons"] * n,
        "status": [r[3] for r in rows],
        "marker": [None] * n,
        "source_id": ["regionalstatistik"] * n,
        "table_id": ["12411-01-01-4"] * n,
        "batch_id": ["b"] * n,
        "source_row": list(range(2, n + 2)),
        "release": [None] * n,
    }, schema=OBSERVATION_SCHEMA)


def test_year_on_year_compares_consecutive_years_whatever_the_row_order(catalog):
    # Newest year first in the file: 2022 -> 2023 -> 2024 grow by about 4 % each.
    obs = observations([("08121", "2024", 108.0, None), ("08121", "2022", 100.0, None), ("08121", "2023", 104.0, None)])
    checks = year_on_year(observation_frame(obs, catalog), YearOnYear(indicator="population", max_change_pct=5, severity="warning"))
    assert checks["ok"].all()
    assert dict(zip(checks["period"].astype(str), checks["expected"], strict=True)) == {"2023": 100.0, "2024": 104.0}


def test_a_period_without_a_leading_year_fails_the_range_check(catalog):
    frame = observation_frame(observations([("08121", "2024", 1.0, None), ("08121", "Q1", 2.0, None)]), catalog)
    assert frame["year"].tolist()[0] == 2024
    assert frame["year"].isna().tolist() == [False, True]


def test_null_value_is_allowed_only_with_a_suppressing_status(catalog):
    frame = observation_frame(observations([
        ("08121", "2022", None, "secret"),  # "." suppressed: fine
        ("08121", "2023", None, None),      # NULL without a marker: wrong
        ("08121", "2024", 5.0, "secret"),   # a figure although marked secret: wrong
        ("08125", "2024", 7.0, "provisional"),
    ]), catalog)
    assert frame["null_iff_suppressed"].tolist() == [True, False, False, True]
