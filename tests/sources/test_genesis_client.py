"""GenesisClient against a mocked GENESIS REST 2020 server (httpx.MockTransport, never the network).

Response bodies have the shapes of the real ones in shared/reference/genesis (the Content texts are the
real ones where a recording exists); the figures inside the zips come from sample/figures.csv.
"""

from __future__ import annotations

import hashlib
import io
import logging
import pickle
import time
import zipfile
from collections.abc import Callable
from urllib.parse import parse_qsl

import httpx
import pytest

from sources.client import RetryPolicy
from sources.errors import (
    AuthError,
    FormatError,
    HostUnreachable,
    NoData,
    ProviderError,
    SourceError,
    TableMissing,
    TooLarge,
    TransientError,
)
from sources.genesis import Credentials, GenesisClient
from tests.fake_credentials import FAKE_API_TOKEN, FAKE_PASSWORD, FAKE_USER
from tests.genesis_bodies import (
    BASE,
    envelope,
    flat_error,
    metadata_response,
    population_rows,
    tablefile_zip,
    zip_response,
)

TABLE_ID = "12411-01-01-4"
USER, PASSWORD, TOKEN = FAKE_USER, FAKE_PASSWORD, FAKE_API_TOKEN  # searched for in every message and log

# Real Content texts (shared/reference/genesis/*.json).
TEXT_15 = (
    "Sie sind nicht berechtigt diesen Service aufzurufen oder der Header Ihres Requests enthält nicht alle "
    "notwendigen Angaben, sodass Ihre Zugangsdaten nicht erkannt werden."
)
TEXT_2 = "Ein Fehler ist aufgetreten. (Bitte prüfen und korrigieren Sie Ihren Nutzernamen bzw.\n das Passwort.)"
TEXT_98 = (
    "Die Tabelle ist zu gross, um im Dialog abgerufen zu werden. Bitte nutzen sie den Webservice mit dem Parameter "
    "job=true (REST) um eine Verarbeitung im Hintergrund zu starten."
)
RESULT_NAME = "12411-01-01-4_175879554"
TEXT_99 = (
    "Der Bearbeitungsauftrag wurde erstellt. Die Tabelle kann in Kürze als Ergebnis mit folgendem Namen abgerufen "
    f"werden: {RESULT_NAME}"
)
TEXT_104 = "Es gibt keine Objekte zum angegebenen Selektionskriterium"
TEXT_103 = (
    "No objects found. (At least one parameter contains invalid values. It was changed to perform the service.: "
    "sortcriterion)"
)
TEXT_MINUS_1 = (
    "Für die Teiltabelle mit der Metadatenkombination:\nVerbraucherpreisindex für Deutschland (61111)\n"
    "Index der Nettokaltmieten (PRE034)\nBundesländer (DLAND)\nMonate (MONAT)\nJahr (JAHR)\n"
    "wurde kein Datenquader gefunden!\n(Keine Datenquader oder Zeitscheibe nach PTable)"
)
TEXT_22 = (
    "erfolgreich (Mindestens ein Parameter enthält ungültige Werte. Er wurde angepasst, um den Service starten zu "
    "können.: sortcriterion)"
)
# No recorded code-90 answer exists in the reference folder: this Content is a placeholder, the code is what counts.
TEXT_90 = "Tabelle nicht vorhanden"

HTML_PAGE = (
    "<!DOCTYPE html>\n<html lang=\"de\"><head><meta charset=\"utf-8\"><title>Wartungsarbeiten</title></head>"
    "<body><h1>Wartungsarbeiten</h1><p>Die Datenbank ist vorübergehend nicht erreichbar.</p></body></html>\n"
)

FAST = RetryPolicy(attempts=3, backoff=2.0, max_backoff=120.0, min_interval=0.0)

Route = Callable[[dict[str, str]], httpx.Response]


class FakeGenesis:
    """Routes a request by its URL path (".../metadata/table" -> "metadata/table") and records it."""

    def __init__(self, routes: dict[str, Route | list[Route]]) -> None:
        self.routes = {k: (list(v) if isinstance(v, list) else v) for k, v in routes.items()}
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        method = "/".join(request.url.path.rstrip("/").split("/")[-2:])
        route = self.routes.get(method)
        if route is None:
            raise AssertionError(f"unexpected request to {method}")
        if isinstance(route, list):  # a sequence of answers, one per request
            route = route.pop(0)
        return route(form_of(request))

    def forms(self, method: str) -> list[dict[str, str]]:
        return [form_of(r) for r in self.requests if r.url.path.endswith(method)]


def form_of(request: httpx.Request) -> dict[str, str]:
    return dict(parse_qsl(request.content.decode("utf-8"), keep_blank_values=True))


def years(form: dict[str, str]) -> tuple[int, int]:
    return int(form["startyear"]), int(form["endyear"])


def csv_of(zip_body: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(zip_body)) as zf:
        (name,) = zf.namelist()
        return zf.read(name)


ZIP = tablefile_zip(population_rows())  # the current 2023 and 2024 figures of 12411-01-01-4


def ok_metadata(form: dict[str, str]) -> httpx.Response:
    return metadata_response()


def ok_zip(form: dict[str, str]) -> httpx.Response:
    return zip_response(ZIP)


@pytest.fixture
def source(catalog):
    return catalog.sources["regionalstatistik"]


@pytest.fixture
def table(catalog):
    return catalog.tables[TABLE_ID]


@pytest.fixture
def sleeps() -> list[float]:
    return []


@pytest.fixture
def make_client(source, sleeps):
    def make(server: FakeGenesis, credentials: Credentials | None = None, policy: RetryPolicy = FAST, **kw) -> GenesisClient:
        http = httpx.Client(transport=httpx.MockTransport(server))
        return GenesisClient(source, http, credentials, policy=policy, sleep=sleeps.append, **kw)

    return make


# --------------------------------------------------------------------------------------------
# Success
# --------------------------------------------------------------------------------------------


def test_fetch_posts_a_form_with_explicit_years_and_returns_the_unzipped_csv(make_client, table):
    server = FakeGenesis({"metadata/table": ok_metadata, "data/tablefile": ok_zip})
    client = make_client(server, Credentials(USER, PASSWORD))

    payloads = list(client.fetch(table, 2023, 2024))

    assert len(payloads) == 1
    p = payloads[0]
    assert p.data.read() == csv_of(ZIP)
    assert p.data.read().decode("utf-8-sig").startswith("statistics_code;")
    assert p.body.read() == ZIP
    assert p.provider_updated == "31.03.2025 11:18:07h"
    assert p.source_id == "regionalstatistik" and p.table_id == TABLE_ID
    assert p.url == BASE + "data/tablefile"

    assert [r.method for r in server.requests] == ["POST", "POST"]
    assert [str(r.url) for r in server.requests] == [BASE + "metadata/table", BASE + "data/tablefile"]
    for r in server.requests:
        assert r.headers["content-type"].startswith("application/x-www-form-urlencoded")
        assert r.url.query == b""
    (form,) = server.forms("data/tablefile")
    assert form["name"] == TABLE_ID
    assert form["format"] == "ffcsv"
    assert form["quality"] == "on"
    assert years(form) == (2023, 2024)
    assert form["job"] == "false"
    assert p.request == form


def test_with_a_spool_folder_the_flat_file_is_unzipped_into_a_file_there_that_survives_pickling(make_client, table, tmp_path):
    """A flow run keeps what it fetched for a retry (pickled): the flat file of a whole table is kept as a file in the
    run's store, not held in memory, and the payload pickled still reads it."""
    client = make_client(FakeGenesis({"metadata/table": ok_metadata, "data/tablefile": ok_zip}), spool=tmp_path / "spool")

    (p,) = client.fetch(table, 2023, 2024)

    (spooled,) = (tmp_path / "spool").iterdir()
    assert spooled.read_bytes() == csv_of(ZIP) and p.body.read() == ZIP
    again = pickle.loads(pickle.dumps(p))
    assert again.data.read() == csv_of(ZIP) and again.sha256 == p.sha256 == hashlib.sha256(csv_of(ZIP)).hexdigest()
    assert len(pickle.dumps(p.data)) < 500 < len(csv_of(ZIP))  # the file's path, not its bytes


def test_credentials_travel_in_headers_only(make_client, table):
    server = FakeGenesis({"metadata/table": ok_metadata, "data/tablefile": ok_zip})
    payload = next(make_client(server, Credentials(USER, PASSWORD)).fetch(table, 2024, 2024))

    for r in server.requests:
        assert r.headers["username"] == USER
        assert r.headers["password"] == PASSWORD
        assert USER not in str(r.url) and PASSWORD not in str(r.url)
        assert USER.encode() not in r.content and PASSWORD.encode() not in r.content
        assert "username" not in form_of(r) and "password" not in form_of(r)
    assert USER not in str(payload.request) and PASSWORD not in str(payload.request)


def test_a_token_goes_as_username_with_an_empty_password(make_client, table):
    server = FakeGenesis({"metadata/table": ok_metadata, "data/tablefile": ok_zip})
    list(make_client(server, Credentials(TOKEN)).fetch(table, 2024, 2024))

    for r in server.requests:
        assert r.headers["username"] == TOKEN
        assert r.headers["password"] == ""
        assert TOKEN.encode() not in r.content


def test_without_credentials_no_credential_headers_are_sent(make_client, table):
    server = FakeGenesis({"metadata/table": ok_metadata, "data/tablefile": ok_zip})
    list(make_client(server).fetch(table, 2024, 2024))
    for r in server.requests:
        assert "username" not in r.headers and "password" not in r.headers


def test_credentials_from_env(source, monkeypatch):
    assert Credentials.from_env(source) is None
    monkeypatch.setenv("REGIO_USERNAME", TOKEN)
    creds = Credentials.from_env(source)
    assert creds is not None and creds.is_token and creds.headers() == {"username": TOKEN, "password": ""}
    monkeypatch.setenv("REGIO_PASSWORD", PASSWORD)
    creds = Credentials.from_env(source)
    assert not creds.is_token and creds.headers() == {"username": TOKEN, "password": PASSWORD}


# --------------------------------------------------------------------------------------------
# GENESIS status codes
# --------------------------------------------------------------------------------------------


def test_code_15_on_http_401_is_an_auth_error_naming_the_env_vars(make_client, table):
    server = FakeGenesis({"metadata/table": lambda f: flat_error(15, TEXT_15, 401)})
    with pytest.raises(AuthError) as err:
        list(make_client(server).fetch(table, 2023, 2024))
    assert "REGIO_USERNAME" in str(err.value) and "REGIO_PASSWORD" in str(err.value)
    assert err.value.table == TABLE_ID


def test_code_2_on_http_404_is_an_auth_error_not_a_missing_table(make_client, table):
    server = FakeGenesis({"metadata/table": ok_metadata, "data/tablefile": lambda f: flat_error(2, TEXT_2, 404)})
    with pytest.raises(AuthError, match="code 2"):
        list(make_client(server, Credentials(USER, "wrong-" + PASSWORD)).fetch(table, 2023, 2024))


def test_code_2_with_http_200_is_an_auth_error_too(make_client, table):
    server = FakeGenesis({"metadata/table": lambda f: envelope(2, TEXT_2, method="table")})
    with pytest.raises(AuthError):
        list(make_client(server, Credentials(USER, PASSWORD)).fetch(table, 2023, 2024))


@pytest.mark.parametrize(
    ("code", "text", "error"),
    [
        (90, TEXT_90, TableMissing),
        (104, TEXT_104, NoData),
        (103, TEXT_103, NoData),
        (-1, TEXT_MINUS_1, ProviderError),
    ],
)
def test_tablefile_status_codes_raise_their_typed_error(make_client, table, code, text, error):
    server = FakeGenesis({"metadata/table": ok_metadata, "data/tablefile": lambda f: envelope(code, text, "Fehler")})
    with pytest.raises(error) as err:
        list(make_client(server, Credentials(USER, PASSWORD)).fetch(table, 2023, 2024))
    assert f"code {code}" in str(err.value)
    assert err.value.source == "regionalstatistik" and err.value.table == TABLE_ID
    assert len(server.forms("data/tablefile")) == 1  # a status code is an answer: not retried


def test_an_unknown_status_code_is_a_provider_error(make_client, table):
    server = FakeGenesis({"metadata/table": lambda f: envelope(6, "Ein Fehler ist aufgetreten.", method="table")})
    with pytest.raises(ProviderError, match="code 6"):
        list(make_client(server).fetch(table, 2023, 2024))


def test_code_22_is_a_success_with_a_logged_warning(make_client, table, caplog):
    def metadata_22(form):
        return envelope(22, TEXT_22, "Warnung", method="table", Object={"Code": TABLE_ID, "Updated": "31.03.2025 11:18:07h"})

    server = FakeGenesis({"metadata/table": metadata_22, "data/tablefile": ok_zip})
    with caplog.at_level(logging.WARNING, logger="sources.genesis"):
        (payload,) = make_client(server).fetch(table, 2023, 2024)
    assert payload.provider_updated == "31.03.2025 11:18:07h"
    assert payload.data.read() == csv_of(ZIP)
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING and "code 22" in r.getMessage()]
    assert len(warnings) == 1 and "sortcriterion" in warnings[0].getMessage()


def test_code_98_on_a_year_range_splits_the_range(make_client, table):
    def tablefile(form):  # more than two years at once is too large
        start, end = years(form)
        return envelope(98, TEXT_98) if end - start >= 2 else zip_response(ZIP)

    server = FakeGenesis({"metadata/table": ok_metadata, "data/tablefile": tablefile})
    payloads = list(make_client(server, Credentials(TOKEN)).fetch(table, 2020, 2024))

    requested = [years(f) for f in server.forms("data/tablefile")]
    assert requested == [(2020, 2024), (2020, 2022), (2020, 2021), (2022, 2022), (2023, 2024)]
    assert [years(p.request) for p in payloads] == [(2020, 2021), (2022, 2022), (2023, 2024)]
    assert all(p.data.read() == csv_of(ZIP) for p in payloads)
    assert all(p.provider_updated == "31.03.2025 11:18:07h" for p in payloads)
    assert len(server.forms("metadata/table")) == 1


@pytest.mark.parametrize("credentials", [Credentials(TOKEN), None], ids=["token", "no-credentials"])
def test_code_98_on_a_single_year_without_user_and_password_is_too_large(make_client, table, credentials):
    server = FakeGenesis({"metadata/table": ok_metadata, "data/tablefile": lambda f: envelope(98, TEXT_98)})
    with pytest.raises(TooLarge) as err:
        list(make_client(server, credentials).fetch(table, 2024, 2024))
    assert "user name and password" in str(err.value)
    assert [f["job"] for f in server.forms("data/tablefile")] == ["false"]  # no job attempted


def job_server(pending_polls: int = 1) -> FakeGenesis:
    def tablefile(form):
        return envelope(99, TEXT_99, "Information") if form["job"] == "true" else envelope(98, TEXT_98)

    def results(form):
        if len(server.forms("catalogue/results")) <= pending_polls:
            return envelope(104, TEXT_104, "Information", method="results", List=None)
        listing = [{"Code": RESULT_NAME, "Content": "Bevölkerung nach Geschlecht", "Values": "150"}]
        return envelope(0, "erfolgreich", "Information", method="results", List=listing)

    server = FakeGenesis(
        {"metadata/table": ok_metadata, "data/tablefile": tablefile, "catalogue/results": results, "data/resultfile": ok_zip}
    )
    return server


def test_code_98_on_a_single_year_with_user_and_password_runs_the_job_flow(make_client, table, sleeps):
    server = job_server(pending_polls=1)
    client = make_client(server, Credentials(USER, PASSWORD), poll_interval=5.0)

    payloads = list(client.fetch(table, 2024, 2024))

    assert len(payloads) == 1
    assert payloads[0].data.read() == csv_of(ZIP)
    assert payloads[0].provider_updated == "31.03.2025 11:18:07h"
    paths = ["/".join(r.url.path.split("/")[-2:]) for r in server.requests]
    assert paths == [
        "metadata/table",
        "data/tablefile",
        "data/tablefile",
        "catalogue/results",
        "catalogue/results",
        "data/resultfile",
    ]
    assert [f["job"] for f in server.forms("data/tablefile")] == ["false", "true"]
    assert all(years(f) == (2024, 2024) for f in server.forms("data/tablefile"))
    polls = server.forms("catalogue/results")
    assert all(p["selection"] == RESULT_NAME and p["area"] == "user" for p in polls)
    (resultfile,) = server.forms("data/resultfile")
    assert resultfile["name"] == RESULT_NAME and resultfile["format"] == "ffcsv"
    assert sleeps == [5.0]  # one pending poll, one wait, through the injected sleep
    for r in server.requests:
        assert r.headers["username"] == USER and r.headers["password"] == PASSWORD


def test_a_job_that_never_finishes_is_a_transient_error(make_client, table, sleeps):
    server = job_server(pending_polls=10_000)
    client = make_client(server, Credentials(USER, PASSWORD), poll_interval=5.0, max_polls=3)
    with pytest.raises(TransientError, match=RESULT_NAME):
        list(client.fetch(table, 2024, 2024))
    assert len(server.forms("catalogue/results")) == 3
    assert sleeps == [5.0, 5.0, 5.0]
    assert server.forms("data/resultfile") == []


# --------------------------------------------------------------------------------------------
# Bodies that are not what the API documents
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"], ids=["plain", "utf8-bom"])
@pytest.mark.parametrize("where", ["metadata/table", "data/tablefile"])
def test_an_html_page_is_a_format_error(make_client, table, bom, where):
    def html(form):
        return httpx.Response(200, content=bom + HTML_PAGE.encode("utf-8"), headers={"content-type": "text/html;charset=UTF-8"})

    routes = {"metadata/table": ok_metadata, "data/tablefile": ok_zip} | {where: html}
    with pytest.raises(FormatError, match="HTML"):
        list(make_client(FakeGenesis(routes)).fetch(table, 2023, 2024))


def test_a_truncated_zip_is_a_format_error(make_client, table):
    half = ZIP[: len(ZIP) // 2]  # a real zip body cut in half, as a dropped connection leaves it
    server = FakeGenesis({"metadata/table": ok_metadata, "data/tablefile": lambda f: zip_response(half)})
    with pytest.raises(FormatError, match="truncated"):
        list(make_client(server).fetch(table, 2023, 2024))


def test_a_json_body_that_is_not_an_object_is_a_format_error(make_client, table):
    server = FakeGenesis(
        {"metadata/table": lambda f: httpx.Response(200, content=b"[]", headers={"content-type": "application/json"})}
    )
    with pytest.raises(FormatError):
        list(make_client(server).fetch(table, 2023, 2024))


def test_a_redirect_is_a_provider_error_and_is_not_followed(make_client, table):
    moved = "https://www-genesis.example.invalid/genesisws/rest/2020/metadata/table"
    server = FakeGenesis({"metadata/table": lambda f: httpx.Response(301, headers={"location": moved})})
    with pytest.raises(ProviderError) as err:
        list(make_client(server, Credentials(USER, PASSWORD)).fetch(table, 2023, 2024))
    assert "base_url" in str(err.value) and moved in str(err.value)
    assert len(server.requests) == 1


# --------------------------------------------------------------------------------------------
# Retries
# --------------------------------------------------------------------------------------------


def test_a_503_is_retried_then_succeeds(make_client, table, sleeps):
    server = FakeGenesis(
        {
            "metadata/table": [lambda f: httpx.Response(503, text="Service Unavailable"), ok_metadata],
            "data/tablefile": ok_zip,
        }
    )
    (payload,) = make_client(server).fetch(table, 2023, 2024)
    assert payload.data.read() == csv_of(ZIP)
    assert len(server.forms("metadata/table")) == 2
    assert sleeps == [FAST.backoff]


def test_429_waits_for_retry_after_through_the_injected_sleep(make_client, table, sleeps):
    server = FakeGenesis(
        {
            "metadata/table": ok_metadata,
            "data/tablefile": [lambda f: httpx.Response(429, headers={"retry-after": "7"}), ok_zip],
        }
    )
    (payload,) = make_client(server).fetch(table, 2023, 2024)
    assert payload.data.read() == csv_of(ZIP)
    assert sleeps == [7.0]


def test_a_5xx_on_every_attempt_is_a_transient_error_after_all_attempts(make_client, table, sleeps):
    server = FakeGenesis({"metadata/table": lambda f: httpx.Response(500, text="Internal Server Error")})
    with pytest.raises(TransientError, match="HTTP 500"):
        list(make_client(server).fetch(table, 2023, 2024))
    assert len(server.requests) == FAST.attempts
    assert sleeps == [2.0, 4.0]  # exponential backoff between the attempts


def test_a_connection_error_is_retried(make_client, table, sleeps):
    def refused(form):
        raise httpx.ConnectError("connection refused")

    server = FakeGenesis({"metadata/table": [refused, ok_metadata], "data/tablefile": ok_zip})
    (payload,) = make_client(server).fetch(table, 2023, 2024)
    assert payload.provider_updated == "31.03.2025 11:18:07h"
    assert len(server.forms("metadata/table")) == 2


def test_pacing_between_requests_goes_through_the_injected_sleep(make_client, table, sleeps):
    server = FakeGenesis({"metadata/table": ok_metadata, "data/tablefile": ok_zip})
    list(make_client(server, policy=RetryPolicy(min_interval=30.0)).fetch(table, 2023, 2024))
    assert sleeps and all(0 < s <= 30.0 for s in sleeps)


@pytest.mark.parametrize(
    "answer",
    [lambda f: flat_error(15, TEXT_15, 401), lambda f: flat_error(2, TEXT_2, 404)],
    ids=["401-code15", "404-code2"],
)
def test_auth_errors_are_not_retried(make_client, table, sleeps, answer):
    server = FakeGenesis({"metadata/table": answer})
    with pytest.raises(AuthError):
        list(make_client(server, Credentials(USER, PASSWORD)).fetch(table, 2023, 2024))
    assert len(server.requests) == 1
    assert sleeps == []


# --------------------------------------------------------------------------------------------
# Credentials never leak
# --------------------------------------------------------------------------------------------


def test_repr_of_credentials_hides_both_values():
    for creds in (Credentials(USER, PASSWORD), Credentials(TOKEN)):
        for text in (repr(creds), str(creds), f"{creds}", f"{creds!r}", repr([creds]), repr({"c": creds})):
            assert USER not in text and PASSWORD not in text and TOKEN not in text


def _failing_servers():
    def refused(form):
        raise httpx.ConnectError("connection refused")

    return {
        "code15": FakeGenesis({"metadata/table": lambda f: flat_error(15, TEXT_15, 401)}),
        "code2": FakeGenesis({"metadata/table": ok_metadata, "data/tablefile": lambda f: flat_error(2, TEXT_2, 404)}),
        "5xx": FakeGenesis({"metadata/table": lambda f: httpx.Response(502, text="Bad Gateway")}),
        "connect": FakeGenesis({"metadata/table": refused}),
        "html": FakeGenesis({"metadata/table": lambda f: httpx.Response(200, text=HTML_PAGE)}),
        "redirect": FakeGenesis({"metadata/table": lambda f: httpx.Response(302, headers={"location": BASE + "x"})}),
        "too-large": FakeGenesis({"metadata/table": ok_metadata, "data/tablefile": lambda f: envelope(98, TEXT_98)}),
    }


@pytest.mark.parametrize("case", sorted(_failing_servers()))
@pytest.mark.parametrize("creds", [Credentials(USER, PASSWORD), Credentials(TOKEN)], ids=["user-password", "token"])
def test_credentials_never_appear_in_errors_or_logs(make_client, table, caplog, case, creds):
    server = _failing_servers()[case]
    with caplog.at_level(logging.DEBUG), pytest.raises(SourceError) as err:
        list(make_client(server, creds).fetch(table, 2024, 2024))
    texts = [str(err.value), repr(err.value), err.value.detail, caplog.text]
    texts += [str(c) for c in (err.value.__cause__, err.value.__context__) if c is not None]
    for text in texts:
        for secret in (USER, PASSWORD, TOKEN):
            assert secret not in text, f"{case}: secret leaked into {text!r}"


# --------------------------------------------------------------------------------------------
# Answers of a data request that are no flat file
# --------------------------------------------------------------------------------------------


def test_a_success_envelope_instead_of_the_flat_file_is_a_format_error(make_client, table):
    # HTTP 200 and code 0 ("erfolgreich") for data/tablefile, but no zip: nothing to parse
    server = FakeGenesis({"metadata/table": ok_metadata, "data/tablefile": lambda f: envelope(0, "erfolgreich", "Information")})
    with pytest.raises(FormatError, match="expected a flat file") as err:
        list(make_client(server).fetch(table, 2023, 2024))
    assert err.value.table == TABLE_ID
    assert len(server.forms("data/tablefile")) == 1  # an answer, not retried


def test_a_client_error_status_with_code_0_in_its_json_body_is_a_provider_error(make_client, table):
    server = FakeGenesis({"metadata/table": ok_metadata, "data/tablefile": lambda f: envelope(0, "erfolgreich", status=400)})
    with pytest.raises(ProviderError, match="HTTP 400 with code 0"):
        list(make_client(server).fetch(table, 2023, 2024))


@pytest.mark.parametrize("members", [{}, {"12411-01-01-4_flat.txt": b"x"}, {"a.csv": b"x", "b.csv": b"y"}],
                         ids=["empty", "no-csv", "two-csv"])
def test_a_zip_without_exactly_one_flat_file_is_a_format_error_naming_its_members(make_client, table, members):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, content in members.items():
            zf.writestr(name, content)
    server = FakeGenesis({"metadata/table": ok_metadata, "data/tablefile": lambda f: zip_response(buf.getvalue())})
    with pytest.raises(FormatError, match="expected one .csv") as err:
        list(make_client(server).fetch(table, 2023, 2024))
    assert f"zip holds {list(members)}" in str(err.value)


def test_a_read_timeout_is_retried_and_after_every_attempt_the_host_did_not_answer(make_client, table, sleeps):
    def slow(form):
        raise httpx.ReadTimeout("timed out waiting for the first byte")

    server = FakeGenesis({"metadata/table": [slow, ok_metadata], "data/tablefile": ok_zip})
    (payload,) = make_client(server).fetch(table, 2023, 2024)
    assert payload.data.read() == csv_of(ZIP) and sleeps == [FAST.backoff]

    sleeps.clear()
    server = FakeGenesis({"metadata/table": slow})
    with pytest.raises(HostUnreachable, match="host www.regionalstatistik.de did not answer .*ReadTimeout") as err:
        list(make_client(server).fetch(table, 2023, 2024))
    # the client retried within its bound; the flow does not retry again
    assert not err.value.retryable and len(server.requests) == FAST.attempts and sleeps == [2.0, 4.0]


def test_retry_after_as_an_http_date_is_waited_for(make_client, table, sleeps):
    from email.utils import formatdate

    later = formatdate(time.time() + 30, usegmt=True)  # "Wed, 21 Oct 2026 07:28:00 GMT"
    server = FakeGenesis({"metadata/table": ok_metadata,
                          "data/tablefile": [lambda f: httpx.Response(429, headers={"retry-after": later}), ok_zip]})
    (payload,) = make_client(server).fetch(table, 2023, 2024)
    assert payload.data.read() == csv_of(ZIP)
    assert len(sleeps) == 1 and 25 <= sleeps[0] <= 30
