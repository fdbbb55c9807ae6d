"""Real-shaped Eurostat Statistics API bodies for tests.

The figures come from sample/figures.csv (nama_10r_3gdp as published in 2024-05, source E1 there); the
error envelopes and empty answers have the shapes of the real answers in shared/reference/eurostat/
(statistics_api_404_unknown_dataset.json, statistics_api_413_extraction_too_big.json,
statistics_api_une_rt_m_unknown_geo_XX_http200_empty.json, statistics_api_sts_inpr_m_IE_confidential_status.json).
"""

from __future__ import annotations

import json
from collections.abc import Callable

import httpx

from catalog import default_catalog
from sample.jsonstat import FREQ, GEO_LABEL, TIME_LABEL, UNIT_LABEL, Dimension, dataset, error
from sample.make_recordings import eurostat_answer, figures

BASE = "https://ec.europa.eu/eurostat/api/dissemination/statistics/1.0/data/"
GDP = "nama_10r_3gdp"
GDP_LABEL = "Gross domestic product (GDP) at current market prices by NUTS 3 region"
JSON = {"content-type": "application/json"}

# The real labels' wording, for another dataset code or size estimate.
NOT_FOUND = "ERR_NOT_FOUND_4: {code} (DATA_FLOW:ALL,1.0) is not available for dissemination."
TOO_BIG = ("EXTRACTION_TOO_BIG: The requested extraction is too big, estimated 7311402 rows, max authorised is 5000000, "
           "please change your filters to reduce the extraction size")


def gdp_rows() -> list[dict[str, str]]:
    return [r for r in figures() if r["table"] == GDP]


def gdp_server(rows: list[dict[str, str]] | None = None) -> Callable[[httpx.Request], httpx.Response]:
    """Answers nama_10r_3gdp requests with the cited figures they select, as the sample builder does."""
    rows = gdp_rows() if rows is None else rows
    return lambda request: eurostat_answer(request, rows)


def empty_geo_answer(units: list[str], period: str) -> bytes:
    """HTTP 200 for a geo code Eurostat does not know: the geo category empty, its size 0, `value` {}."""
    dims = [FREQ, Dimension("unit", UNIT_LABEL, {u: u for u in units}), Dimension("geo", GEO_LABEL, {}),
            Dimension("time", TIME_LABEL, {period: period})]
    return dataset(GDP_LABEL, "NAMA_10R_3GDP", dims, {}, default_catalog().markers("eurostat"), updated="2026-09-21T23:00:00+0200")


def json_response(status: int, body: bytes | dict) -> httpx.Response:
    content = body if isinstance(body, bytes) else json.dumps(body).encode()
    return httpx.Response(status, content=content, headers=JSON)


def not_found(code: str) -> httpx.Response:
    return json_response(404, error(404, 100, NOT_FOUND.format(code=code.upper())))


def too_big() -> httpx.Response:
    return json_response(413, error(413, 413, TOO_BIG))
