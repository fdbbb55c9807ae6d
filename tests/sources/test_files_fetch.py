"""FilesClient: a partner's file from its drop folder or from a URL (recorded and replayed), and its error shapes."""

from __future__ import annotations

import dataclasses
import hashlib

import httpx
import pytest

from pipelines.providers import client_for
from pipelines.settings import Settings
from sources.client import RetryPolicy
from sources.errors import FormatError, NoData, ProviderError, TableMissing
from sources.files import DROP_FOLDER_ENV, FilesClient, parse_payload
from sources.recording import RecordingTransport, ReplayTransport
from tests.sources.files_bodies import CSV_NAME, KIND, SOURCE, XLSX_NAME, csv_bytes, rows, xlsx_bytes

URL = "https://partner.example.org/exports/ihk-fachkraeftemonitor-heilbronn-franken.csv"
NO_WAIT = RetryPolicy(attempts=1, min_interval=0)


def client(catalog, kinds, folder=None, http=None, **kw) -> FilesClient:
    return FilesClient(catalog.sources[SOURCE], kinds, folder, http or httpx.Client(transport=httpx.MockTransport(lambda r: httpx.Response(500))),
                       NO_WAIT, **kw)


def fetch_one(c: FilesClient, catalog):
    (payload,) = list(c.fetch(catalog.tables[KIND], 2010, 2040))
    return payload


def test_the_drop_folder_file_is_one_payload_hashed_by_its_content(tmp_path, catalog, kinds):
    data = csv_bytes(rows())
    (tmp_path / CSV_NAME).write_bytes(data)
    (tmp_path / "ihk-fachkraeftemonitor-notes.txt").write_text("not a table")  # other files are not read
    payload = fetch_one(client(catalog, kinds, tmp_path), catalog)
    assert payload.sha256 == hashlib.sha256(data).hexdigest() and payload.data.read() == payload.body.read() == data
    assert payload.url.endswith("/" + CSV_NAME) and payload.request == {} and payload.content_type == "text/csv"
    assert parse_payload(payload, catalog.tables[KIND], catalog, "b1").observations.num_rows == 17


def test_an_xlsx_in_the_drop_folder_is_read_too(tmp_path, catalog, kinds):
    (tmp_path / XLSX_NAME).write_bytes(xlsx_bytes(rows()))
    payload = fetch_one(client(catalog, kinds, tmp_path), catalog)
    assert payload.content_type.endswith("spreadsheetml.sheet")
    assert parse_payload(payload, catalog.tables[KIND], catalog, "b1").observations.num_rows == 17


def test_two_files_of_one_kind_are_an_error_naming_both(tmp_path, catalog, kinds):
    (tmp_path / CSV_NAME).write_bytes(csv_bytes(rows()))
    (tmp_path / XLSX_NAME).write_bytes(xlsx_bytes(rows()))
    with pytest.raises(ProviderError) as err:
        fetch_one(client(catalog, kinds, tmp_path), catalog)
    assert CSV_NAME in str(err.value) and XLSX_NAME in str(err.value) and "keep one per kind" in str(err.value)


def test_no_file_no_folder_and_no_configuration_are_clear_errors(tmp_path, catalog, kinds):
    with pytest.raises(NoData, match="no .csv or .xlsx file matching 'ihk-fachkraeftemonitor\\*'"):
        fetch_one(client(catalog, kinds, tmp_path), catalog)
    with pytest.raises(NoData, match="does not exist"):
        fetch_one(client(catalog, kinds, tmp_path / "missing"), catalog)
    with pytest.raises(ProviderError, match=DROP_FOLDER_ENV):
        fetch_one(client(catalog, kinds, None), catalog)


def test_a_regional_selection_is_refused(tmp_path, catalog, kinds):
    with pytest.raises(ValueError, match="no regional selection"):
        list(client(catalog, kinds, tmp_path).fetch(catalog.tables[KIND], 2010, 2040, {"regionalkey": "08125"}))


def test_live_reads_the_partners_subfolder_of_the_drop_folder_and_record_keeps_a_copy_for_replay(tmp_path, monkeypatch, catalog):
    data = csv_bytes(rows())
    (tmp_path / "drop" / SOURCE).mkdir(parents=True)
    (tmp_path / "drop" / SOURCE / CSV_NAME).write_bytes(data)
    monkeypatch.setenv(DROP_FOLDER_ENV, str(tmp_path / "drop"))
    recorded = fetch_one(client_for(catalog.sources[SOURCE], Settings(tmp_path, "record", tmp_path / "rec")), catalog)
    assert recorded.data.read() == data and (tmp_path / "rec" / SOURCE / CSV_NAME).read_bytes() == data
    monkeypatch.delenv(DROP_FOLDER_ENV)
    replayed = fetch_one(client_for(catalog.sources[SOURCE], Settings(tmp_path, "replay", tmp_path / "rec")), catalog)
    assert replayed.sha256 == recorded.sha256
    with pytest.raises(ProviderError, match=DROP_FOLDER_ENV):  # live without a drop folder
        fetch_one(client_for(catalog.sources[SOURCE], Settings(tmp_path, "live", tmp_path / "rec")), catalog)


def served(response: httpx.Response) -> httpx.Client:
    return httpx.Client(transport=httpx.MockTransport(lambda request: response))


def test_a_url_kind_is_fetched_over_http_recorded_and_replayed(tmp_path, catalog, kinds):
    by_url = kinds | {KIND: dataclasses.replace(kinds[KIND], file=None, url=URL)}
    data = csv_bytes(rows())
    answer = httpx.Response(200, content=data, headers={"content-type": "text/csv; charset=utf-8", "etag": '"v1"'})
    recorder = httpx.Client(transport=RecordingTransport(httpx.MockTransport(lambda request: answer), tmp_path / "rec"))
    live = fetch_one(client(catalog, by_url, http=recorder), catalog)
    replayer = httpx.Client(transport=ReplayTransport(tmp_path / "rec", SOURCE))
    replayed = fetch_one(client(catalog, by_url, http=replayer), catalog)
    assert live.data.read() == replayed.data.read() == data and replayed.url == URL and replayed.etag == '"v1"'
    result = parse_payload(replayed, catalog.tables[KIND], catalog, "b1")
    assert result.observations.num_rows == 17


@pytest.mark.parametrize(
    ("response", "error", "words"),
    [
        (httpx.Response(404, text="Not Found"), TableMissing, ["HTTP 404", URL]),
        (httpx.Response(403, text="Forbidden"), ProviderError, ["HTTP 403", URL]),
        (httpx.Response(302, headers={"location": "https://login.example.org/"}), ProviderError, ["redirect", "login.example.org"]),
        (httpx.Response(200, html="<!DOCTYPE html><html><body>Anmelden</body></html>"), FormatError, ["HTML page"]),
    ],
)
def test_url_error_shapes_name_source_table_and_address(response, error, words, catalog, kinds):
    by_url = kinds | {KIND: dataclasses.replace(kinds[KIND], file=None, url=URL)}
    with pytest.raises(error) as err:
        fetch_one(client(catalog, by_url, http=served(response)), catalog)
    assert all(w in str(err.value) for w in [SOURCE, KIND, *words])
