"""BAClient and its parser against a mocked BA statistics API (httpx.MockTransport, never the network).

The bodies have the documented shape (tests/sources/ba_bodies.py): no recorded answer exists yet, so
these tests pin the strictness that makes the first live answer either load exactly or fail clearly.
"""

from __future__ import annotations

import json

import httpx
import pytest

from sources.ba import REGION_LIST_URL, BAClient, kreis_names, parse_answers, period_of
from sources.client import RetryPolicy
from sources.errors import FormatError, NoData, ProviderError, TableMissing, TransientError
from sources.recording import RecordingTransport, ReplayTransport
from tests.sources.ba_bodies import BASE, HF_NAMES, alo_answer, item, region_list, server

FAST = RetryPolicy(attempts=2, min_interval=0.0)
ALO = "EckwerteTabelleALOKr"
HF = ",".join(HF_NAMES)


def hf_answers(**override: object) -> dict[str, object]:
    answers: dict[str, object] = {name: alo_answer([1000 + n, 990 + n, 980 + n], [3.1, 3.0, 2.9]) for n, name in enumerate(HF_NAMES.values())}
    return answers | {HF_NAMES[code]: body for code, body in override.items()}


def client(catalog, handler, transport: httpx.BaseTransport | None = None) -> BAClient:
    http = httpx.Client(transport=transport or httpx.MockTransport(handler))
    return BAClient(catalog.sources["ba-statistik"], http, catalog, policy=FAST, sleep=lambda s: None)


def fetch(catalog, answers: dict[str, object], regions: str | None = HF, table: str = ALO, log: list | None = None, names=HF_NAMES):
    selection = {"regions": regions} if regions else None
    return list(client(catalog, server(answers, names, log, table)).fetch(catalog.tables[table], 2026, 2026, selection))


def parse(catalog, payload, table: str = ALO):
    return parse_answers(payload.data.read(), catalog.tables[table], catalog, "b1")


def test_each_kreis_is_asked_by_the_name_in_the_bas_region_list_and_the_answers_form_one_payload(catalog):
    log: list[httpx.Request] = []
    (payload,) = fetch(catalog, hf_answers(), log=log)
    assert str(log[0].url).endswith("DR-LZR-persistListenfelderJSON.js")  # the region list, once
    asked = [dict(r.url.params) for r in log[1:]]
    assert asked == [{"Kreis": name} for name in HF_NAMES.values()]
    assert all(str(r.url.copy_with(query=None)) == BASE + ALO for r in log[1:])
    assert sorted(json.loads(payload.data.read())) == sorted(HF_NAMES)
    assert payload.request == {"regions": HF}


def test_figures_are_monthly_by_kreis_newest_first_and_unused_metrics_are_named(catalog):
    (payload,) = fetch(catalog, hf_answers())
    result = parse(catalog, payload)
    rows = {(r["indicator_id"], r["region_code"], r["period"]): r["value"] for r in result.observations.to_pylist()}
    assert rows[("unemployed_ba", "08121", "2026-10")] == 1000
    assert rows[("unemployed_ba", "08121", "2026-08")] == 980
    assert rows[("unemployment_rate_ba", "08128", "2026-10")] == 3.1
    assert {r["freq"] for r in result.observations.to_pylist()} == {"M"}
    assert result.dropped == {"not_in_catalog": 5}
    assert result.notes == ["metrics not in the catalog, left out: ALO_VJV_rel (5)"]


def test_a_ba_marker_is_null_with_its_status_never_zero(catalog):
    (payload,) = fetch(catalog, hf_answers(**{"08126": alo_answer(["*", 40, "-"], ["x", 2.0, "X"])}))
    rows = {(r["indicator_id"], r["period"]): r for r in parse(catalog, payload).observations.to_pylist() if r["region_code"] == "08126"}
    assert (rows[("unemployed_ba", "2026-10")]["value"], rows[("unemployed_ba", "2026-10")]["status"], rows[("unemployed_ba", "2026-10")]["marker"]) == (None, "secret", "*")
    assert (rows[("unemployed_ba", "2026-08")]["value"], rows[("unemployed_ba", "2026-08")]["status"]) == (None, "nil")
    assert (rows[("unemployment_rate_ba", "2026-10")]["value"], rows[("unemployment_rate_ba", "2026-10")]["status"]) == (None, "not_applicable")
    assert rows[("unemployed_ba", "2026-09")]["value"] == 40


def test_without_a_selection_every_catalog_region_of_the_scope_the_table_addresses_is_asked(catalog):
    names = {k.code: k.name_de.split(",")[0] for k in catalog.kreise_in_scope()}
    answers = {name: alo_answer([1, 1, 1], [1.0, 1.0, 1.0]) for name in names.values()}
    (payload,) = fetch(catalog, answers, regions=None, names=names)
    assert sorted(json.loads(payload.data.read())) == sorted(names)  # the Kreise; ALOKr has no state parameter


def test_the_state_is_asked_by_its_name_with_the_tables_own_parameter(catalog):
    log: list[httpx.Request] = []
    answer = [item("Beschäftigte", 4_900_000, 0, "März 2026"), item("Beschäftigte", 4_890_000, 1, "Februar 2026")]
    (payload,) = fetch(catalog, {"Baden-Württemberg": answer, "Heilbronn": answer}, regions="08,08125", table="EckwerteTabelleBST", log=log)
    assert [dict(r.url.params) for r in log if "tableFetch" in str(r.url)] == [{"Bundesland AO": "Baden-Württemberg"}, {"Kreis AO": "Heilbronn"}]
    rows = parse(catalog, payload, "EckwerteTabelleBST").observations.to_pylist()
    assert {(r["region_code"], r["period"], r["value"]) for r in rows} >= {("08", "2026-03", 4_900_000.0)}


def test_a_kreis_missing_from_the_region_list_is_named(catalog):
    names = {k: v for k, v in HF_NAMES.items() if k != "08127"}
    with pytest.raises(ProviderError, match=r"Kreis 08127 \(Schwäbisch Hall, Landkreis\) is not in the BA's region list"):
        fetch(catalog, hf_answers(), names=names)


@pytest.mark.parametrize(
    "body, error, message",
    [
        (httpx.Response(404, text="Not Found"), TableMissing, r"HTTP 404 for 08125 \(Kreis=Heilbronn\): no table 'EckwerteTabelleALOKr'"),
        (httpx.Response(403, text="Forbidden"), ProviderError, r"HTTP 403 for 08125"),
        (b"<!DOCTYPE html><html><body>Wartungsarbeiten</body></html>", FormatError, r"08125 \(Kreis=Heilbronn\): an HTML page"),
        (b'[{"metricName": "Arbeitslose", "value": 12', FormatError, r"08125 \(Kreis=Heilbronn\): not JSON .*truncated"),
        (b'{"error": "unknown region"}', FormatError, r"expected a list of items, got \['error'\]"),
        (b"[]", NoData, r"08125 \(Kreis=Heilbronn\): an empty list"),
    ],
)
def test_bad_answers_are_typed_errors_naming_table_and_region(catalog, body, error, message):
    with pytest.raises(error, match=message) as exc:
        fetch(catalog, hf_answers(**{"08125": body}))
    assert (exc.value.source, exc.value.table) == ("ba-statistik", ALO)


def test_a_rate_limit_is_retried_after_the_delay_the_api_asks_for(catalog):
    calls: list[int] = []
    ok = server(hf_answers())

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.params.get("Kreis") == "Hohenlohekreis" and not calls:
            calls.append(1)
            return httpx.Response(429, headers={"retry-after": "7"})
        return ok(request)

    slept: list[float] = []
    http = httpx.Client(transport=httpx.MockTransport(handler))
    ba = BAClient(catalog.sources["ba-statistik"], http, catalog, policy=FAST, sleep=slept.append)
    (payload,) = ba.fetch(catalog.tables[ALO], 2026, 2026, {"regions": HF})
    assert slept == [7.0] and "08126" in json.loads(payload.data.read())


@pytest.mark.parametrize(
    "region_list_body, message",
    [
        (b"<html>Fehler</html>", r"not the assignment `var persistListenfelderJSON"),
        (b"var persistListenfelderJSON = {\"KreisListe\": [", r"the assigned value is not JSON"),
        (region_list({}), r"no entries with formValues.Filtername 'Kreis'"),
    ],
)
def test_a_region_list_of_another_shape_is_an_error_not_a_guess(region_list_body, message):
    with pytest.raises(FormatError, match=message):
        kreis_names(region_list_body, "ba-statistik", ALO)


def test_one_kreis_with_two_names_in_the_region_list_is_an_error():
    body = region_list(HF_NAMES).replace(b'"Hohenlohekreis"', b'"Hohenlohekreis"}}, {"formValues": {"Filtername": "Kreis", "BA_SCHL": "08126", "DESC": "Hohenlohe"', 1)
    with pytest.raises(FormatError, match=r"Kreis 08126 has two names, 'Hohenlohekreis' and 'Hohenlohe'"):
        kreis_names(body, "ba-statistik", ALO)


@pytest.mark.parametrize(
    "answer, message",
    [
        ([item("Arbeitslose", 1, 0, "2026-10"), *alo_answer([1], [1.0], extra=False)[1:]], r"region 08128, item 1 \(metricName 'Arbeitslose', index 0\): period label '2026-10'"),
        ([item("Arbeitslose", 1, 0, "Oktober 2026")], r"region 08128: no items for the metrics \['Arbeitslosenquote'\].*layout changed"),
        ([{"metricName": "Arbeitslose", "value": 1, "index": 0}], r"region 08128, item 1: not an item with \['metricName', 'value', 'index', 'attributes'\]"),
        (alo_answer(["1.234"], [1.0], extra=False), r"value '1.234' is neither a JSON number nor a BA marker"),
        (alo_answer([None], [1.0], extra=False), r"value None is neither a number nor a BA marker"),
        (alo_answer([0, 0], [1.0, 1.0], extra=False)[:1] + [item("Arbeitslose", 2, 1, "November 2026"), *alo_answer([1], [1.0], extra=False)[1:]],
         r"region 08128, unemployed_ba: index 0 is not the newest period"),
    ],
)
def test_an_answer_of_another_shape_fails_naming_region_and_item(catalog, answer, message):
    (payload,) = fetch(catalog, hf_answers(**{"08128": answer}))
    with pytest.raises(FormatError, match=message) as exc:
        parse(catalog, payload)
    assert exc.value.table == ALO


def test_two_items_for_one_figure_are_an_error_naming_the_fix(catalog):
    answer = alo_answer([1000], [3.0], extra=False) + [item("Arbeitslose", 400, 0, "Oktober 2026", **{"1": "SGB II"})]
    (payload,) = fetch(catalog, hf_answers(**{"08128": answer}))
    with pytest.raises(FormatError, match=r"two items for one figure .*declare it under the indicator's `filters`"):
        parse(catalog, payload)


def test_period_labels_are_german_month_and_year_only():
    assert period_of("März 2026") == "2026-03"
    assert period_of(" Dezember 2025 ") == "2025-12"
    assert [period_of(x) for x in ("Mär 2026", "03/2026", "2026-03", None, 202603)] == [None] * 5


def test_record_then_replay_serves_the_same_payload_without_the_network(catalog, tmp_path):
    live = httpx.MockTransport(server(hf_answers()))
    (recorded,) = client(catalog, None, RecordingTransport(live, tmp_path)).fetch(catalog.tables[ALO], 2026, 2026, {"regions": HF})
    (replayed,) = client(catalog, None, ReplayTransport(tmp_path, "ba-statistik")).fetch(catalog.tables[ALO], 2026, 2026, {"regions": HF})
    assert replayed.data == recorded.data and replayed.sha256 == recorded.sha256
    assert len(list(tmp_path.glob("*.json"))) >= 6  # the region list and one answer per Kreis


@pytest.mark.parametrize("status", [404, 403, 204])
def test_a_region_list_answering_other_than_200_is_an_error_naming_it(catalog, status):
    answers = server(hf_answers())

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(status, text="" if status == 204 else "Not Found") if str(request.url) == REGION_LIST_URL else answers(request)

    with pytest.raises(ProviderError, match=rf"HTTP {status} for the region list {REGION_LIST_URL}") as err:
        list(client(catalog, handler).fetch(catalog.tables[ALO], 2026, 2026, {"regions": HF}))
    assert (err.value.source, err.value.table) == ("ba-statistik", ALO)


def test_a_5xx_during_record_is_retried_and_never_saved_as_a_recording(catalog, tmp_path):
    answers, failed = server(hf_answers()), []

    def flaky(request: httpx.Request) -> httpx.Response:
        if request.url.params.get("Kreis") == "Hohenlohekreis" and not failed:
            failed.append(request)
            return httpx.Response(503, text="Service Unavailable")
        return answers(request)

    (recorded,) = client(catalog, None, RecordingTransport(httpx.MockTransport(flaky), tmp_path)).fetch(
        catalog.tables[ALO], 2026, 2026, {"regions": HF})
    assert failed and all(json.loads(m.read_text())["response"]["status"] == 200 for m in tmp_path.glob("*.json") if ".body." not in m.name)
    (replayed,) = client(catalog, None, ReplayTransport(tmp_path, "ba-statistik")).fetch(catalog.tables[ALO], 2026, 2026, {"regions": HF})
    assert replayed.data == recorded.data  # the retry's answer is the one replay serves

    outage = tmp_path / "outage"
    always_down = httpx.MockTransport(lambda request: httpx.Response(502, text="Bad Gateway"))
    with pytest.raises(TransientError):
        list(client(catalog, None, RecordingTransport(always_down, outage)).fetch(catalog.tables[ALO], 2026, 2026, {"regions": HF}))
    assert not outage.exists() or not any(outage.iterdir())
