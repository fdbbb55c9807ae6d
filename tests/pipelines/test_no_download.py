"""Nothing is downloaded that the provider says is unchanged since it was loaded: the GENESIS `Updated` stamp read
before `data/tablefile`, Eurostat's answer to a conditional request. Each run replays the bundled recordings through
the live code path; a transport stands between them and the client as the provider would (another stamp, an ETag, a
304), and counts what is downloaded."""

from __future__ import annotations

import json
from collections import Counter

import duckdb
import httpx
import pytest

import pipelines.flows
import pipelines.providers
from catalog import default_catalog
from pipelines.batch import RunHadFailures
from pipelines.cli import main
from pipelines.flows import ingest_source, nightly
from pipelines.settings import SAMPLE_DIR
from sources.recording import ReplayTransport, request_params
from tests.genesis_bodies import OTHER_RELEASE, envelope
from tests.warehouse.test_reparse import without_long_term_unemployed

pytestmark = pytest.mark.usefixtures("prefect_harness")

POP, EMPLOYEES, UNEMPLOYED = "12411-01-01-4", "13111-01-03-4", "13211-02-05-4"
ETAG = '"nama_10r_3gdp-2024-05"'  # made up: no answer of Eurostat's with its headers was recorded


class Provider(httpx.BaseTransport):
    """The bundled recordings of one source as its provider answers them now: `stamps` replaces a table's `Updated`
    stamp, `data` a data answer (table -> answer or None for the recorded one), and Eurostat sends `etag` and honours
    If-None-Match when it is set. Data requests are counted per table in `downloads`, 304 answers in `not_modified`."""

    def __init__(self, source: str, world: World) -> None:
        self.replay, self.world = ReplayTransport(SAMPLE_DIR / "recordings" / source, source), world

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        world, table = self.world, request_params(request).get("name") or request.url.path.rsplit("/", 1)[-1]
        if request.url.path.endswith("/metadata/table") and table in world.stamps:
            doc = json.loads(self.replay.handle_request(request).content)
            doc["Object"]["Updated"] = world.stamps[table]
            return httpx.Response(200, json=doc, request=request)
        if request.url.path.endswith("/metadata/table"):
            return self.replay.handle_request(request)
        if world.etag and request.headers.get("if-none-match") == world.etag:
            world.not_modified[table] += 1
            return httpx.Response(304, headers={"etag": world.etag}, request=request)
        world.downloads[table] += 1
        if (answer := world.data.get(table)) is not None:
            return answer
        response = self.replay.handle_request(request)
        if world.etag and "/eurostat/" in str(request.url):
            return httpx.Response(200, headers={**response.headers, "etag": world.etag}, content=response.content, request=request)
        return response


class World:
    def __init__(self) -> None:
        self.stamps: dict[str, str] = {}
        self.data: dict[str, httpx.Response] = {}
        self.etag: str | None = None
        self.downloads: Counter[str] = Counter()
        self.not_modified: Counter[str] = Counter()

    def next_run(self) -> World:
        self.downloads.clear()
        self.not_modified.clear()
        return self


@pytest.fixture
def world(monkeypatch) -> World:
    world = World()
    monkeypatch.setattr(pipelines.providers, "transport", lambda source, settings: Provider(source.id, world))
    return world


def requests_of(data_dir, run_id: str) -> list[tuple]:
    con = duckdb.connect(str(data_dir / "labour_monitor.duckdb"), read_only=True)
    try:
        return con.execute("""SELECT table_id, outcome, downloaded, forced, reason FROM ops.requests WHERE run_id = ?
                              ORDER BY recorded_at""", [run_id]).fetchall()
    finally:
        con.close()


def outcomes(rows: list[tuple], table: str) -> Counter:
    return Counter((outcome, downloaded) for t, outcome, downloaded, _, _ in rows if t == table)


def test_an_unchanged_update_stamp_skips_the_download_and_ops_says_why(tmp_path, world, monkeypatch):
    nightly(data_dir=str(tmp_path))
    assert world.downloads[POP] == 6 and world.downloads[EMPLOYEES] == 8
    tasks: Counter[str] = Counter()  # fetch task runs per table
    download = pipelines.flows._download
    monkeypatch.setattr(pipelines.flows, "_download", lambda request, *args: tasks.update([request.table_id]) or download(request, *args))
    summary = nightly(data_dir=str(tmp_path))
    assert world.downloads[POP] == 6 and world.downloads[EMPLOYEES] == 8  # none in the second run
    assert tasks[POP] == tasks[EMPLOYEES] == 0 and tasks[UNEMPLOYED] == 12  # the stamp is read before any task run
    assert summary["batches"] == {"skipped": 14, "unchanged": 22} and summary["rows_new"] == summary["rows_revised"] == 0
    rows = requests_of(tmp_path, summary["run_id"])
    assert outcomes(rows, POP) == {("skipped", False): 6} and outcomes(rows, EMPLOYEES) == {("skipped", False): 8}
    reason = next(r for t, _, _, _, r in rows if t == POP)
    assert reason == f"source regionalstatistik, table {POP}: metadata/table Updated '31.03.2025 11:18:07h', the same as at the last load: not downloaded"
    # without a stamp the data is downloaded, and the data hash keeps it from being parsed again
    assert outcomes(rows, UNEMPLOYED) == {("unchanged", True): 12}
    assert "no update stamp" in next(r for t, _, _, _, r in rows if t == UNEMPLOYED)


def test_a_changed_stamp_downloads_the_table_and_only_that_table(tmp_path, world):
    nightly(data_dir=str(tmp_path))
    world.next_run().stamps[POP] = OTHER_RELEASE
    summary = nightly(data_dir=str(tmp_path))
    assert world.downloads[POP] == 6 and world.downloads[EMPLOYEES] == 0
    rows = requests_of(tmp_path, summary["run_id"])
    assert outcomes(rows, POP) == {("unchanged", True): 6}  # a new stamp with the same figures: downloaded, not parsed
    assert f"update stamp changed: '31.03.2025 11:18:07h' -> '{OTHER_RELEASE}'" in next(r for t, _, _, _, r in rows if t == POP)
    summary = nightly(data_dir=str(tmp_path))  # the new stamp is now the one held
    assert world.downloads[POP] == 6 and outcomes(requests_of(tmp_path, summary["run_id"]), POP) == {("skipped", False): 6}


def test_a_304_answer_is_an_unchanged_batch_and_is_not_downloaded(tmp_path, world):
    world.etag = ETAG
    ingest_source(source="eurostat", data_dir=str(tmp_path))
    con = duckdb.connect(str(tmp_path / "labour_monitor.duckdb"), read_only=True)
    (validators,) = con.execute("SELECT validators FROM ops.requests").fetchone()
    con.close()
    assert [etag for _, etag, _ in json.loads(validators)] == [ETAG]

    summary = ingest_source(source="eurostat", data_dir=str(tmp_path))
    assert world.downloads["nama_10r_3gdp"] == 1 and world.not_modified["nama_10r_3gdp"] == 1
    assert summary["batches"] == {"skipped": 1} and summary["rows_new"] == summary["rows_revised"] == 0
    ((_, outcome, downloaded, _, reason),) = requests_of(tmp_path, summary["run_id"])
    assert (outcome, downloaded) == ("skipped", False) and "HTTP 304 Not Modified" in reason

    world.next_run().etag = None  # a provider that ignores the validators: downloaded, and the hash skips the parse
    summary = ingest_source(source="eurostat", data_dir=str(tmp_path))
    assert world.downloads["nama_10r_3gdp"] == 1 and summary["batches"] == {"unchanged": 1}


def test_force_downloads_every_table(tmp_path, world, monkeypatch):
    nightly(data_dir=str(tmp_path))
    world.next_run()
    summary = nightly(data_dir=str(tmp_path), force=True)
    assert world.downloads[POP] == 6 and world.downloads[EMPLOYEES] == 8
    assert summary["batches"] == {"unchanged": 36} and summary["forced"]
    rows = requests_of(tmp_path, summary["run_id"])
    assert {(outcome, downloaded, forced) for _, outcome, downloaded, forced, _ in rows} == {("unchanged", True, True)}
    assert all(reason.startswith("forced (--force)") for *_, reason in rows)

    called = {}  # the command line passes --force on to the flows
    monkeypatch.setattr("pipelines.cli._run_flow", lambda flow, **params: called.setdefault(flow.name, params) and 0)
    main(["--data-dir", str(tmp_path), "run", "--force"])
    main(["--data-dir", str(tmp_path), "ingest", "regionalstatistik", "--force"])
    assert called["nightly"]["force"] and called["ingest-source"]["force"]


@pytest.mark.parametrize("broken", ["quarantined", "failed"])
def test_after_a_quarantined_or_failed_attempt_the_request_is_fetched_again_with_the_same_stamp(tmp_path, world, broken):
    ingest_source(tables=[POP], first_year=2024, last_year=2024, data_dir=str(tmp_path))
    world.stamps[POP] = OTHER_RELEASE  # a new release whose answer cannot be loaded
    world.data[POP] = (envelope(90, "Tabelle nicht vorhanden") if broken == "failed"
                       else httpx.Response(200, content=b"statistics_code;statistics_label\n", headers={"content-type": "text/csv"}))
    with pytest.raises(RunHadFailures) as failure:
        ingest_source(tables=[POP], first_year=2024, last_year=2024, data_dir=str(tmp_path))
    assert outcomes(requests_of(tmp_path, failure.value.summary["run_id"]), POP) == {(broken, broken == "quarantined"): 1}

    del world.data[POP]  # the same stamp, now with a good answer: fetched, not skipped
    summary = ingest_source(tables=[POP], first_year=2024, last_year=2024, data_dir=str(tmp_path))
    assert world.downloads[POP] == 3 and summary["batches"] == {"unchanged": 1}
    ((*_, reason),) = requests_of(tmp_path, summary["run_id"])
    assert f"was {broken}: downloaded again" in reason


def test_a_changed_fingerprint_parses_the_stored_payload_again_without_a_download(tmp_path, world, monkeypatch):
    world.stamps[UNEMPLOYED] = OTHER_RELEASE  # the sample's answer has no stamp: give the table one
    with monkeypatch.context() as before:  # the catalog before `unemployed_long_term` was declared
        before.setattr(pipelines.flows, "default_catalog", lambda old=without_long_term_unemployed(tmp_path): old)
        ingest_source(tables=[UNEMPLOYED], data_dir=str(tmp_path / "data"))
    assert world.downloads[UNEMPLOYED] == 12

    summary = ingest_source(tables=[UNEMPLOYED], data_dir=str(tmp_path / "data"))
    assert world.downloads[UNEMPLOYED] == 12  # nothing downloaded
    assert summary["batches"] == {"loaded": 12}
    rows = requests_of(tmp_path / "data", summary["run_id"])
    assert outcomes(rows, UNEMPLOYED) == {("loaded", False): 12}
    assert all("its stored payload parsed again" in reason for *_, reason in rows)
    con = duckdb.connect(str(tmp_path / "data" / "labour_monitor.duckdb"), read_only=True)
    value = con.execute("""SELECT value FROM core.observations WHERE indicator_id = 'unemployed_long_term'
                           AND region_code = '08121' AND period = '2025'""").fetchone()
    con.close()
    assert value == (1422.0,)  # 08121, 2025 (buddemax export of 26.02.2026), read from the stored zip

    summary = ingest_source(tables=[UNEMPLOYED], data_dir=str(tmp_path / "data"))
    assert summary["batches"] == {"skipped": 12} and world.downloads[UNEMPLOYED] == 12
    assert default_catalog().tables[UNEMPLOYED]  # the real catalog was never replaced
