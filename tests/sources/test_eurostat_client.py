"""EurostatClient against a mocked Statistics API (httpx.MockTransport, never the network).

Bodies have the shapes of the real answers in shared/reference/eurostat (see tests/sources/eurostat_bodies.py);
the figures are the cited ones of sample/figures.csv.
"""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from sample.jsonstat import error
from sources.client import RetryPolicy
from sources.errors import FormatError, MissingRecording, NoData, ProviderError, TableMissing, TooLarge, TransientError
from sources.eurostat import EurostatClient, parse_dataset
from sources.recording import RecordingTransport, ReplayTransport
from tests.sources.eurostat_bodies import BASE, GDP, empty_geo_answer, gdp_rows, gdp_server, json_response, not_found, too_big

FAST = RetryPolicy(attempts=2, min_interval=0.0)
HF = "DE117,DE118,DE119,DE11A,DE11B"


def client(catalog, handler: Callable[[httpx.Request], httpx.Response], sent: list | None = None) -> EurostatClient:
    def record(request: httpx.Request) -> httpx.Response:
        if sent is not None:
            sent.append(request)
        return handler(request)

    http = httpx.Client(transport=httpx.MockTransport(record))
    return EurostatClient(catalog.sources["eurostat"], http, catalog, policy=FAST, sleep=lambda s: None)


def fetch(catalog, handler, table: str = GDP, years=(2021, 2021), geo: str | None = HF, sent: list | None = None):
    regions = {"geo": geo} if geo else None
    return list(client(catalog, handler, sent).fetch(catalog.tables[table], *years, regions))


def values(payload, catalog) -> dict[tuple[str, str, str], float | None]:
    result = parse_dataset(payload.data.read(), catalog.tables[payload.table_id], catalog, "b")
    return {(r["indicator_id"], r["region_code"], r["period"]): r["value"] for r in result.observations.to_pylist()}


def test_the_request_asks_for_the_catalogs_units_regions_and_years(catalog):
    sent: list[httpx.Request] = []
    (payload,) = fetch(catalog, gdp_server(), years=(2019, 2022), geo="DE,DE1,DE11," + HF, sent=sent)
    (request,) = sent
    assert request.method == "GET" and str(request.url).startswith(BASE + GDP + "?")
    params = request.url.params
    assert params["format"] == "JSON" and params["lang"] == "EN"
    assert params.get_list("unit") == ["EUR_HAB", "MIO_EUR"]  # the units of the catalog's two indicators
    assert params.get_list("geo") == ["DE", "DE1", "DE11", *HF.split(",")]
    assert (params["sinceTimePeriod"], params["untilTimePeriod"]) == ("2019", "2022")
    assert payload.request["geo"] == "DE,DE1,DE11," + HF and payload.url == str(request.url)
    got = values(payload, catalog)
    assert got[("gdp_current_prices_eurostat", "08121", "2021")] == 7649.73
    assert got[("gdp_current_prices_eurostat", "DG", "2022")] == 3876810.0


def test_without_a_selection_every_catalog_region_of_the_scope_at_the_tables_levels_is_requested(catalog, bw_catalog):
    sent: list[httpx.Request] = []
    with pytest.raises(NoData):  # the sample figures do not cover all of them
        fetch(catalog, gdp_server(), geo=None, sent=sent)
    geo = sent[0].url.params.get_list("geo")
    assert len(geo) == 1 + 16 + 19 + 400 and {"DE", "DE1", "DEG", "DE14", "DEA5", "DE117", "DEG0R"} <= set(geo)  # all Germany
    sent.clear()
    with pytest.raises(NoData):
        fetch(bw_catalog, gdp_server(), geo=None, sent=sent)
    geo = sent[0].url.params.get_list("geo")
    assert len(geo) == 1 + 1 + 4 + 44 and {"DE", "DE1", "DE14", "DE117", "DE149"} <= set(geo)  # a scope narrowed to BW
    sent.clear()
    with pytest.raises(TableMissing):  # only the request matters here
        fetch(bw_catalog, lambda r: not_found("lfst_r_lfu3rt"), table="lfst_r_lfu3rt", geo=None, sent=sent)
    assert sent[0].url.params.get_list("geo") == ["DE", "DE1", "DE11", "DE12", "DE13", "DE14"]  # NUTS 2 at the finest
    assert sent[0].url.params.get_list("age") == ["Y15-24", "Y15-74"] and sent[0].url.params["isced11"] == "TOTAL"


def test_an_unknown_dataset_is_a_clear_error_naming_it(catalog):
    with pytest.raises(TableMissing) as err:
        fetch(catalog, lambda r: not_found(GDP))
    text = str(err.value)
    assert "source eurostat, table nama_10r_3gdp" in text and "not available for dissemination" in text
    assert "catalog/indicators.yaml" in text and not err.value.retryable


def test_too_big_is_split_by_years_and_the_halves_merged_into_one_payload(catalog):
    sent: list[httpx.Request] = []
    real = gdp_server()

    def server(request: httpx.Request) -> httpx.Response:
        p = request.url.params
        return too_big() if p["sinceTimePeriod"] != p["untilTimePeriod"] else real(request)

    (payload,) = fetch(catalog, server, years=(2020, 2021), sent=sent)
    assert [(r.url.params["sinceTimePeriod"], r.url.params["untilTimePeriod"]) for r in sent] == [("2020", "2021"), ("2020", "2020"), ("2021", "2021")]
    assert payload.request["sinceTimePeriod"] == "2020" and payload.request["untilTimePeriod"] == "2021"
    got = values(payload, catalog)
    assert got[("gdp_current_prices_eurostat", "08121", "2020")] == 7064.92
    assert got[("gdp_current_prices_eurostat", "08121", "2021")] == 7649.73
    assert len(got) == 5 * 2 * 2


def test_a_single_year_too_big_is_split_by_regions_and_merged(catalog):
    sent: list[httpx.Request] = []
    real = gdp_server()
    (payload,) = fetch(catalog, lambda r: too_big() if len(r.url.params.get_list("geo")) > 3 else real(r), sent=sent)
    assert [len(r.url.params.get_list("geo")) for r in sent] == [5, 2, 3]
    got = values(payload, catalog)
    assert {k[1] for k in got} == {"08121", "08125", "08126", "08127", "08128"}
    assert got[("gdp_per_inhabitant_eurostat", "08128", "2021")] == 41300.0


def test_one_region_and_year_too_big_gives_up_with_the_providers_message(catalog):
    with pytest.raises(TooLarge) as err:
        fetch(catalog, lambda r: too_big(), geo="DE117")
    assert "EXTRACTION_TOO_BIG" in str(err.value) and "max authorised is 5000000" in str(err.value)


def test_http_200_for_an_unknown_region_code_is_an_error_not_an_empty_success(catalog):
    with pytest.raises(NoData) as err:
        fetch(catalog, lambda r: json_response(200, empty_geo_answer(["EUR_HAB", "MIO_EUR"], "2021")), geo="XX")
    assert "HTTP 200 without data" in str(err.value) and "XX" in str(err.value)


def test_a_requested_kreis_missing_from_the_answer_is_an_error_naming_it(catalog):
    without_hohenlohe = [r for r in gdp_rows() if r["region_code"] != "08126"]
    with pytest.raises(NoData) as err:
        fetch(catalog, gdp_server(without_hohenlohe))
    assert "DE119 (08126)" in str(err.value) and "DE117" not in str(err.value)


def test_an_empty_time_range_is_an_error(catalog):
    with pytest.raises(NoData) as err:
        fetch(catalog, gdp_server(), years=(2030, 2031))
    assert "2030-2031" in str(err.value)


@pytest.mark.parametrize(
    ("response", "error_type", "words"),
    [
        (json_response(400, error(400, 150, 'INVALID_QUERY_DIMENSION: Dimension "ZZZZ" is not defined')), ProviderError,
         ["INVALID_QUERY_DIMENSION", "dimension filters", "catalog/indicators.yaml"]),
        (json_response(200, error(200, 100, "NO_RESULTS")), NoData, ["no data for this selection", "NO_RESULTS"]),
        (json_response(200, {"warning": {"status": 413, "label": "ASYNCHRONOUS_RESPONSE. Your request will be treated asynchronously."}}),
         TooLarge, ["ASYNCHRONOUS_RESPONSE"]),
        (httpx.Response(200, content=b"<!DOCTYPE html><html><body>Maintenance</body></html>", headers={"content-type": "text/html"}),
         FormatError, ["HTML page"]),
        (httpx.Response(302, headers={"location": "https://sorry.ec.europa.eu/"}), TransientError, ["maintenance"]),
        (httpx.Response(301, headers={"location": "https://ec.europa.eu/eurostat/api/v2/"}), ProviderError, ["base_url"]),
        (json_response(200, b"[1, 2]"), FormatError, ["neither a dataset nor an error"]),
    ],
)
def test_error_answers_become_typed_errors_naming_source_and_dataset(catalog, response, error_type, words):
    with pytest.raises(error_type) as err:
        fetch(catalog, lambda r: response, geo="DE117")
    assert "source eurostat, table nama_10r_3gdp" in str(err.value)
    assert all(w in str(err.value) for w in words), str(err.value)


def test_maintenance_is_retryable_and_a_bad_request_is_not(catalog):
    with pytest.raises(TransientError) as err:
        fetch(catalog, lambda r: httpx.Response(302, headers={"location": "https://sorry.ec.europa.eu/"}), geo="DE117")
    assert err.value.retryable
    with pytest.raises(ProviderError) as err:
        fetch(catalog, lambda r: json_response(400, error(400, 140, "SYNTAX_ERROR")), geo="DE117")
    assert not err.value.retryable


def test_an_unknown_regional_selection_is_refused(catalog):
    with pytest.raises(ValueError, match="regionalkey"):
        list(client(catalog, gdp_server()).fetch(catalog.tables[GDP], 2021, 2021, {"regionalkey": "08121"}))


def test_recorded_answers_replay_through_the_same_client_and_keep_every_repeated_parameter(catalog, tmp_path):
    folder = tmp_path / "eurostat"
    recorder = httpx.Client(transport=RecordingTransport(httpx.MockTransport(gdp_server()), folder))
    live = EurostatClient(catalog.sources["eurostat"], recorder, catalog, policy=FAST)
    (recorded,) = live.fetch(catalog.tables[GDP], 2021, 2021, {"geo": HF})
    (also,) = live.fetch(catalog.tables[GDP], 2021, 2021, {"geo": "DE118,DE117,DE119,DE11A,DE11B"})  # same last code, other order

    replay = EurostatClient(catalog.sources["eurostat"], httpx.Client(transport=ReplayTransport(folder, "eurostat")), catalog, policy=FAST)
    (replayed,) = replay.fetch(catalog.tables[GDP], 2021, 2021, {"geo": HF})
    assert replayed.data == recorded.data and values(replayed, catalog) == values(recorded, catalog)
    assert len(list(folder.glob("*.body.json"))) == 2  # two requests, two recordings: no key collision
    with pytest.raises(MissingRecording) as err:
        replay.fetch(catalog.tables[GDP], 2021, 2021, {"geo": "DE117,DE119"}).__next__()
    assert "geo=DE117&geo=DE119" in str(err.value)
