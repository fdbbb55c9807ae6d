"""Record and replay: RecordingTransport writes answers without credentials; ReplayTransport serves them offline."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from sources.client import RetryPolicy
from sources.errors import MissingRecording
from sources.genesis import Credentials, GenesisClient, parse_tablefile
from sources.recording import RecordingTransport, ReplayTransport, request_key, request_params
from tests.fake_credentials import FAKE_PASSWORD, FAKE_USER
from tests.genesis_bodies import BASE, population_rows, tablefile_zip

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "sample" / "recordings" / "regionalstatistik"
TABLE_ID = "12411-01-01-4"
SECRET_USER, SECRET_PASSWORD = FAKE_USER, FAKE_PASSWORD
SECRETS = (SECRET_USER, SECRET_PASSWORD)
MASK = "********************"
FAST = RetryPolicy(attempts=2, min_interval=0.0)
ZIP = tablefile_zip(population_rows())
FORM_CT = "application/x-www-form-urlencoded; charset=UTF-8"


def leaky_server(json_content_type: str = "application/json"):
    """A server that echoes the credentials it got in `Parameter` unmasked (the real one masks them)."""

    def handle(request: httpx.Request) -> httpx.Response:
        method = "/".join(request.url.path.split("/")[-2:])
        if method == "data/tablefile":
            return httpx.Response(
                200,
                content=ZIP,
                headers={
                    "content-type": "application/zip",
                    "content-disposition": "attachment; filename=12411-01-01-4_1773175772751_de_flat.zip",
                    "set-cookie": f"JSESSIONID={SECRET_USER}",  # not a kept header: never written
                },
            )
        doc = {
            "Ident": {"Service": "metadata", "Method": "table"},
            "Status": {"Code": 0, "Content": "erfolgreich", "Type": "Information"},
            "Parameter": {
                "username": request.headers.get("username", ""),
                "password": request.headers.get("password", ""),
                "name": TABLE_ID,
                "area": "Alle",
                "language": "de",
            },
            "Object": {"Code": TABLE_ID, "Updated": "31.03.2025 11:18:07h"},
        }
        return httpx.Response(200, content=json.dumps(doc).encode(), headers={"content-type": json_content_type})

    return handle


def record(folder: Path, catalog, json_content_type: str = "application/json") -> list:
    """Fetch 12411-01-01-4 for 2023-2024 with user and password through a RecordingTransport into `folder`."""
    http = httpx.Client(transport=RecordingTransport(httpx.MockTransport(leaky_server(json_content_type)), folder))
    client = GenesisClient(
        catalog.sources["regionalstatistik"], http, Credentials(SECRET_USER, SECRET_PASSWORD), policy=FAST, sleep=lambda s: None
    )
    return list(client.fetch(catalog.tables[TABLE_ID], 2023, 2024))


def tablefile_request(form: dict[str, str], headers: dict[str, str] | None = None) -> httpx.Request:
    return httpx.Request("POST", BASE + "data/tablefile", data=form, headers={"Content-Type": FORM_CT} | (headers or {}))


TABLEFILE_FORM = {
    "name": TABLE_ID,
    "area": "all",
    "compress": "false",
    "format": "ffcsv",
    "language": "de",
    "quality": "on",
    "startyear": "2023",
    "endyear": "2024",
    "job": "false",
}


# --------------------------------------------------------------------------------------------
# Recording
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("json_ct", ["application/json", "application/json;charset=UTF-8"])
def test_recording_writes_meta_and_body_without_any_credential(tmp_path, catalog, json_ct):
    (payload,) = record(tmp_path, catalog, json_ct)
    assert payload.provider_updated == "31.03.2025 11:18:07h"

    files = sorted(p.name for p in tmp_path.iterdir())
    metas = [f for f in files if f.endswith(".json") and ".body." not in f]
    bodies = [f for f in files if ".body." in f]
    assert len(metas) == 2 and len(bodies) == 2
    assert any(f.startswith("metadata_table_12411-01-01-4__") for f in metas)
    assert any(f.startswith("data_tablefile_12411-01-01-4_2023-2024__") for f in metas)
    assert any(f.endswith(".body.zip") for f in bodies) and any(f.endswith(".body.json") for f in bodies)

    for path in tmp_path.iterdir():
        raw = path.read_bytes()
        for secret in SECRETS:
            assert secret.encode() not in raw, f"{secret} written to {path.name}"

    for name in metas:
        doc = json.loads((tmp_path / name).read_text(encoding="utf-8"))
        assert set(doc["request"]) == {"method", "url", "params"}  # no request headers at all
        assert "username" not in doc["request"]["params"] and "password" not in doc["request"]["params"]
        assert (tmp_path / doc["response"]["body_file"]).is_file()
        assert "set-cookie" not in doc["response"]["headers"]

    tablefile_meta = next(json.loads((tmp_path / n).read_text()) for n in metas if n.startswith("data_tablefile"))
    assert tablefile_meta["request"]["method"] == "POST"
    assert tablefile_meta["request"]["url"] == BASE + "data/tablefile"
    assert tablefile_meta["request"]["params"] == dict(sorted(TABLEFILE_FORM.items()))
    assert tablefile_meta["response"]["status"] == 200
    assert (tmp_path / tablefile_meta["response"]["body_file"]).read_bytes() == ZIP  # a zip stays a zip


def test_recording_masks_the_credential_echo_in_json_bodies(tmp_path, catalog):
    record(tmp_path, catalog)
    (body,) = tmp_path.glob("metadata_table_*.body.json")
    doc = json.loads(body.read_text(encoding="utf-8"))
    assert doc["Parameter"]["username"] == MASK and doc["Parameter"]["password"] == MASK
    assert doc["Parameter"]["name"] == TABLE_ID  # the rest of the echo is kept
    assert doc["Object"]["Updated"] == "31.03.2025 11:18:07h"


def test_recording_keeps_credentials_in_a_query_out_of_the_files(tmp_path):
    """A legacy-style GET with the credentials in the query: neither the URL nor the params keep them."""
    inner = httpx.MockTransport(lambda r: httpx.Response(200, json={"Code": 15, "Content": "x", "Type": "ERROR"}))
    transport = RecordingTransport(inner, tmp_path)
    request = httpx.Request(
        "GET", BASE + "data/tablefile", params={"name": TABLE_ID, "username": SECRET_USER, "password": SECRET_PASSWORD}
    )
    transport.handle_request(request)
    for path in tmp_path.iterdir():
        for secret in SECRETS:
            assert secret.encode() not in path.read_bytes()
    (meta,) = [p for p in tmp_path.glob("*.json") if ".body." not in p.name]
    doc = json.loads(meta.read_text())
    assert doc["request"]["url"] == BASE + "data/tablefile"
    assert doc["request"]["params"] == {"name": TABLE_ID}


def test_request_key_ignores_headers_and_parameter_order():
    a = tablefile_request(TABLEFILE_FORM, {"username": SECRET_USER, "password": SECRET_PASSWORD})
    b = tablefile_request(dict(reversed(list(TABLEFILE_FORM.items()))))
    assert a.content != b.content
    assert request_key(a) == request_key(b)
    assert request_params(a) == request_params(b)
    c = tablefile_request(TABLEFILE_FORM | {"endyear": "2025"})
    assert request_key(c) != request_key(a)
    d = httpx.Request("GET", BASE + "data/tablefile", params=TABLEFILE_FORM)
    assert request_key(d) != request_key(a)  # the method is part of the key


# --------------------------------------------------------------------------------------------
# Replay
# --------------------------------------------------------------------------------------------


def test_replay_serves_the_recorded_answer_for_the_same_request_in_any_order(tmp_path, catalog):
    record(tmp_path, catalog)
    replay = ReplayTransport(tmp_path, "regionalstatistik")

    reordered = dict(reversed(list(TABLEFILE_FORM.items())))
    response = replay.handle_request(tablefile_request(reordered))
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/zip"
    assert response.read() == ZIP

    # other credentials (or none) do not matter: headers are not part of the key
    again = replay.handle_request(tablefile_request(TABLEFILE_FORM, {"username": "someone-else", "password": ""}))
    assert again.read() == ZIP


def test_replay_of_an_unrecorded_request_names_method_url_and_params(tmp_path, catalog):
    record(tmp_path, catalog)
    replay = ReplayTransport(tmp_path, "regionalstatistik")
    request = tablefile_request(TABLEFILE_FORM | {"startyear": "2019"}, {"username": SECRET_USER, "password": SECRET_PASSWORD})
    with pytest.raises(MissingRecording) as err:
        replay.handle_request(request)
    message = str(err.value)
    assert "POST" in message
    assert BASE + "data/tablefile" in message
    assert "startyear=2019" in message and "endyear=2024" in message and f"name={TABLE_ID}" in message
    for secret in SECRETS:
        assert secret not in message


def test_a_client_over_replay_fetches_the_recorded_table_and_reports_a_missing_one(tmp_path, catalog):
    record(tmp_path, catalog)
    http = httpx.Client(transport=ReplayTransport(tmp_path, "regionalstatistik"))
    client = GenesisClient(catalog.sources["regionalstatistik"], http, policy=FAST, sleep=lambda s: None)
    (payload,) = client.fetch(catalog.tables[TABLE_ID], 2023, 2024)
    assert payload.body.read() == ZIP
    with pytest.raises(MissingRecording, match="startyear=2022"):
        list(client.fetch(catalog.tables[TABLE_ID], 2022, 2024))


# --------------------------------------------------------------------------------------------
# The bundled sample
# --------------------------------------------------------------------------------------------


class NoNetwork(httpx.BaseTransport):
    """Counts the requests the client makes and passes them to the replay; anything else would fail."""

    def __init__(self, inner: httpx.BaseTransport) -> None:
        self.inner, self.requests = inner, []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return self.inner.handle_request(request)


def test_genesis_client_replays_the_bundled_sample_without_network(catalog):
    transport = NoNetwork(ReplayTransport(SAMPLE, "regionalstatistik"))
    http = httpx.Client(transport=transport)
    client = GenesisClient(catalog.sources["regionalstatistik"], http, policy=FAST, sleep=lambda s: None)
    table = catalog.tables[TABLE_ID]

    (payload,) = client.fetch(table, 2024, 2024)
    (germany_2023,) = client.fetch(table, 2023, 2023)

    assert [str(r.url) for r in transport.requests] == [BASE + "metadata/table", BASE + "data/tablefile"] * 2
    assert payload.provider_updated == "31.03.2025 11:18:07h"
    assert payload.content_type == "application/zip"
    result = parse_tablefile(payload.data, table, catalog, "sample")
    obs = {(o["indicator_id"], o["region_code"], o["period"]): o["value"] for o in result.observations.to_pylist()}
    assert obs[("population", "08125", "2024-12-31")] == 353877
    assert obs[("population_female", "08125", "2024-12-31")] == 176765
    result = parse_tablefile(germany_2023.data, table, catalog, "sample")
    obs = {(o["indicator_id"], o["region_code"], o["period"]): o["value"] for o in result.observations.to_pylist()}
    assert {k: obs[("population", k, "2023-12-31")] for k in ("08121", "08125", "08126", "08127", "08128", "08", "DG")} == {
        "08121": 131653, "08125": 353609, "08126": 115335, "08127": 200597, "08128": 133459, "08": 11230740, "DG": 83456045}


def test_the_bundled_sample_is_served_with_credentials_too(catalog):
    http = httpx.Client(transport=ReplayTransport(SAMPLE, "regionalstatistik"))
    client = GenesisClient(
        catalog.sources["regionalstatistik"], http, Credentials(SECRET_USER, SECRET_PASSWORD), policy=FAST, sleep=lambda s: None
    )
    (payload,) = client.fetch(catalog.tables["13111-01-03-4"], 2023, 2023, {"regionalvariable": "KREISE", "regionalkey": "08121,08125,08126,08127,08128"})
    assert payload.provider_updated == "08.09.2025 09:08:56h"
    result = parse_tablefile(payload.data, catalog.tables["13111-01-03-4"], catalog, "sample")
    obs = {(o["indicator_id"], o["region_code"], o["period"]): o["value"] for o in result.observations.to_pylist()}
    assert obs[("employees_svb_workplace", "08121", "2023-06-30")] == 75590


def test_the_bundled_sample_does_not_answer_other_years(catalog):
    transport = NoNetwork(ReplayTransport(SAMPLE, "regionalstatistik"))
    client = GenesisClient(catalog.sources["regionalstatistik"], httpx.Client(transport=transport), policy=FAST, sleep=lambda s: None)
    with pytest.raises(MissingRecording) as err:
        list(client.fetch(catalog.tables[TABLE_ID], 2022, 2024))
    assert "startyear=2022" in str(err.value)
    assert len(transport.requests) == 2  # metadata, then one tablefile request: a missing recording is not retried


def test_the_bundled_sample_holds_no_credentials():
    for path in SAMPLE.iterdir():
        if path.suffix == ".json":
            doc = json.loads(path.read_text(encoding="utf-8"))
            params = doc.get("request", {}).get("params", {}) if ".body." not in path.name else doc.get("Parameter", {})
            for key in ("username", "password"):
                assert params.get(key, MASK) == MASK, f"{path.name}: {key} is not masked"
