"""The nightly and ingest flows on the bundled sample and on variants of it, under a Prefect test API."""

from __future__ import annotations

import io
import json
import logging
import zipfile
from pathlib import Path
from types import SimpleNamespace

import duckdb
import httpx
import pytest
from prefect.client.orchestration import get_client
from prefect.client.schemas.actions import GlobalConcurrencyLimitUpdate
from prefect.logging.handlers import APILogWorker

import pipelines.flows
import pipelines.providers
from pipelines.batch import RunHadFailures
from pipelines.flows import backfill, ingest_source, nightly, rebuild_marts
from pipelines.settings import SAMPLE_DIR
from pipelines.writer import WRITER_LIMIT, ensure_writer_limit
from sample.make_recordings import build, figures
from sources.recording import ReplayTransport
from tests.fake_credentials import FAKE_PASSWORD, FAKE_USER
from tests.genesis_bodies import OTHER_RELEASE, flat_error

pytestmark = pytest.mark.usefixtures("prefect_harness")


def query(data_dir, sql, params=()):
    con = duckdb.connect(str(data_dir / "labour_monitor.duckdb"), read_only=True)
    try:
        return con.execute(sql, list(params)).fetchall()
    finally:
        con.close()


def test_nightly_fills_and_publishes_the_warehouse_from_the_sample(tmp_path):
    summary = nightly(data_dir=str(tmp_path))
    assert summary["batches"] == {"loaded": 36}  # 29 GENESIS requests, one Eurostat, one IHK file, two BA Pendler files,
    # the two BIBB Ausbildungsmarkt workbooks (one request, one batch per agency's workbook) and the alliance's register
    assert summary["warehouse"] == str(tmp_path / "labour_monitor.duckdb")
    rows = dict(
        ((i, p), v)
        for i, p, v in query(tmp_path, "SELECT indicator_id, period, value FROM marts.observations_latest WHERE region_code = '08125'")
    )
    assert rows[("population", "2024-12-31")] == 353877  # Regionaldatenbank 12411-01-01-4, 2026-03
    assert rows[("population", "2023-12-31")] == 353609
    assert rows[("employees_svb_workplace", "2023-06-30")] == 151059
    labels = query(tmp_path, "SELECT DISTINCT region_name_de, citation FROM marts.observations_latest WHERE region_code='08125' AND source_id='regionalstatistik'")
    assert labels == [("Heilbronn, Landkreis", labels[0][1])]
    assert "Statistische Ämter des Bundes und der Länder" in labels[0][1] and "Version 2.0" in labels[0][1]


def test_a_second_nightly_run_loads_nothing_new(tmp_path):
    nightly(data_dir=str(tmp_path))
    before = query(tmp_path, "SELECT count(*) FROM core.observations")
    summary = nightly(data_dir=str(tmp_path))
    # 14 GENESIS requests of the tables with an `Updated` stamp are not downloaded; the rest (no stamp, a file, the
    # register) are, and have the data last loaded: not parsed. Each BIBB workbook too: its request names the file.
    assert summary["batches"] == {"skipped": 14, "unchanged": 22}
    assert summary["rows_new"] == summary["rows_revised"] == 0
    assert query(tmp_path, "SELECT count(*) FROM core.observations") == before


def test_a_revised_recording_creates_exactly_one_new_vintage_while_an_analyst_reads(tmp_path, monkeypatch):
    # Before the Zensus-2022 rebasing, 08121 on 31.12.2023 was published as 130,093 (S3, a total only); the sample has
    # 131,653 (S2): the same request answered with the old total.
    old = next(r for r in figures(current=False) if r["region_code"] == "08121" and r["period"] == "2023-12-31") | {"source": "S2"}
    earlier = [r for r in figures() if not (r["table"] == old["table"] and r["region_code"] == "08121" and r["period"] == "2023-12-31")]
    build(tmp_path / "earlier", earlier + [old], updated={old["table"]: OTHER_RELEASE})  # the release before the recorded one
    monkeypatch.setenv("LABOUR_MONITOR_RECORDINGS", str(tmp_path / "earlier"))
    data = tmp_path / "data"
    nightly(data_dir=str(data))

    analyst = duckdb.connect(str(data / "labour_monitor.duckdb"), read_only=True)
    monkeypatch.delenv("LABOUR_MONITOR_RECORDINGS")  # back to the bundled sample
    summary = nightly(data_dir=str(data))
    assert analyst.execute("SELECT value FROM marts.observations_latest WHERE region_code='08121' AND period='2023-12-31' AND indicator_id='population'").fetchall() == [(130093.0,)]
    analyst.close()

    assert summary["rows_revised"] == 1
    assert query(data, "SELECT count(*) FROM core.observations WHERE valid_to IS NOT NULL") == [(1,)]
    assert query(data, "SELECT value FROM marts.observations_latest WHERE region_code='08121' AND period='2023-12-31' AND indicator_id='population'") == [(131653.0,)]


def test_a_batch_with_a_changed_unit_is_quarantined_and_the_others_still_load(tmp_path, monkeypatch):
    nightly(data_dir=str(tmp_path / "data"))
    # Recordings in which the employees table answers with a changed layout (a unit the catalog does not know).
    build(tmp_path / "rec", updated={"13111-01-03-4": OTHER_RELEASE})  # a new release of the table
    zips = sorted((tmp_path / "rec" / "regionalstatistik").glob("data_tablefile_13111*.body.zip"))
    with zipfile.ZipFile(zips[0]) as zf:
        name = zf.namelist()[0]
        text = zf.read(name).decode("utf-8-sig").replace(";Anzahl;ERW032;", ";Tsd.;ERW032;")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr(name, ("\ufeff" + text).encode())
    zips[0].write_bytes(buf.getvalue())
    monkeypatch.setenv("LABOUR_MONITOR_RECORDINGS", str(tmp_path / "rec"))

    with pytest.raises(RunHadFailures) as failure:
        nightly(data_dir=str(tmp_path / "data"))
    message = failure.value.summary["quarantined"][0]
    assert "regionalstatistik" in message and "13111-01-03-4" in message and "row 2" in message and "unit" in message
    assert query(tmp_path / "data", "SELECT table_id, reason FROM ops.quarantine") == [("13111-01-03-4", message)]
    outcomes = query(tmp_path / "data", "SELECT outcome, count(*) FROM ops.batch_outcomes WHERE run_id = (SELECT run_id FROM ops.runs ORDER BY started_at DESC LIMIT 1) GROUP BY 1 ORDER BY 1")
    # the population table's stamp is the one loaded: its 6 requests are not downloaded
    assert outcomes == [("quarantined", 1), ("skipped", 6), ("unchanged", 23)]
    # the last good employees figures are all still there (2024: 436 regions; 2023: 8 regions; 2012-2015: 7 regions)
    assert query(tmp_path / "data", "SELECT count(*) FROM marts.observations_latest WHERE indicator_id='employees_svb_workplace'") == [(472,)]


def test_ingest_source_takes_tables_and_years(tmp_path):
    summary = ingest_source(source="regionalstatistik", tables=["12411-01-01-4"], first_year=2023, last_year=2024, data_dir=str(tmp_path))
    # offline, the two recorded requests of the table inside those years (the nationwide answers of 2023 and 2024)
    assert [r["table_id"] for r in summary["results"]] == ["12411-01-01-4"] * 2
    with pytest.raises(RunHadFailures) as failure:
        ingest_source(source="regionalstatistik", tables=["12411-01-01-4"], first_year=2010, last_year=2011, data_dir=str(tmp_path))
    assert "no recorded response" in failure.value.summary["failed"][0] and "startyear=2010" in failure.value.summary["failed"][0]


def test_a_broken_recording_is_quarantined_and_the_last_good_figures_stay(tmp_path, monkeypatch, capsys):
    """The bundled sample with Hohenlohekreis missing from the 2024 answer: a Kreis missing is a failure."""
    from pipelines.cli import main

    data = tmp_path / "data"
    nightly(data_dir=str(data))
    build(tmp_path / "broken", [r for r in figures() if not (r["region_code"] == "08126" and r["period"] == "2024-12-31")],
          updated={POP: OTHER_RELEASE})
    monkeypatch.setenv("LABOUR_MONITOR_RECORDINGS", str(tmp_path / "broken"))
    assert main(["--data-dir", str(data), "run"]) == 1
    out = capsys.readouterr().out
    assert "QUARANTINED" in out and "08126" in out
    docs = out.split("Data Docs (validation results): ")[1].split()[0]
    assert docs.endswith("index.html") and Path(docs).exists()
    assert query(data, "SELECT value FROM marts.observations_latest WHERE region_code='08126' AND period='2024-12-31' AND indicator_id='population'") == [(115644.0,)]
    assert query(data, "SELECT count(*) FROM ops.quarantine") == [(1,)]


# --- Operations: regions, artifacts, logs, retries, the write slot -------------------------------------

POP = "12411-01-01-4"
SVB = "13111-01-03-4"
HF = ["08121", "08125", "08126", "08127", "08128"]


def logs_of(run_id: str) -> list[str]:
    """The run's log lines as the UI shows them."""
    APILogWorker.drain_all(timeout=10)
    messages: list[str] = []
    with get_client(sync_client=True) as client:
        while True:  # the API answers at most 200 lines a call
            found = client.request("POST", "/logs/filter", json={"logs": {"flow_run_id": {"any_": [run_id]}}, "sort": "TIMESTAMP_ASC",
                                                                 "limit": 200, "offset": len(messages)}).json()
            messages += [log["message"] for log in found]
            if len(found) < 200:
                return messages


def artifact_list(run_id: str) -> list[tuple[str, object]]:
    """The run's artifacts, oldest first, as the UI shows them (a table as its rows)."""
    with get_client(sync_client=True) as client:
        found = client.request("POST", "/artifacts/filter", json={"artifacts": {"flow_run_id": {"any_": [run_id]}}, "sort": "CREATED_DESC"})
    return [(a["key"], json.loads(a["data"]) if a["type"] == "table" else a["data"]) for a in reversed(found.json())]


def artifacts_of(run_id: str) -> dict[str, object]:
    return dict(artifact_list(run_id))


class CountingReplay(httpx.BaseTransport):
    """One source's bundled recordings, counting the GENESIS data requests into a list shared by all
    sources; `answer` may replace the replayed answer."""

    def __init__(self, source: str, answer, data_requests: list) -> None:  # noqa: ANN001
        self.replay = ReplayTransport(SAMPLE_DIR / "recordings" / source, source)
        self.answer, self.data_requests = answer, data_requests

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/data/tablefile"):
            self.data_requests.append(request)
            if self.answer and (response := self.answer(len(self.data_requests))) is not None:
                return response
        return self.replay.handle_request(request)


@pytest.fixture
def provider(monkeypatch):
    """Route every provider client (replay or live mode) over the sample, counting GENESIS data requests."""

    def install(answer=None) -> SimpleNamespace:  # noqa: ANN001
        counted = SimpleNamespace(data_requests=[])
        monkeypatch.setattr(pipelines.providers, "transport",
                            lambda source, settings: CountingReplay(source.id, answer, counted.data_requests))
        return counted

    return install


def test_ingest_source_for_a_partner_region_loads_its_kreise_and_leaves_a_batch_table_and_a_summary(tmp_path):
    summary = ingest_source(tables=[SVB], first_year=2023, last_year=2023, regions=["heilbronn-franken"], data_dir=str(tmp_path))
    assert [r["request"] for r in summary["results"]] == [
        f"regionalstatistik {SVB} 2023-2023 (regionalvariable=KREISE regionalkey={','.join(HF)})"]
    rows = query(tmp_path, "SELECT DISTINCT region_code FROM marts.observations_latest WHERE period = '2023-06-30' ORDER BY 1")
    assert [r for (r,) in rows] == HF

    artifacts = artifacts_of(summary["run_id"])
    assert artifacts["ingest-source-batches"] == [{
        "source": "regionalstatistik", "table": SVB, "outcome": "loaded", "rows_new": 15, "rows_revised": 0, "rows_unchanged": 0,
        "warnings": "", "quarantined": "", "failed": "", "request": f"2023-2023 (regionalvariable=KREISE regionalkey={','.join(HF)})",
    }]
    markdown = artifacts["ingest-source-summary"]
    assert markdown.startswith("# ingest-source: completed")
    assert f"`{tmp_path / 'labour_monitor.duckdb'}`" in markdown and f"`{summary['data_docs']}`" in markdown

    logs = logs_of(summary["run_id"])
    assert f"request 1 of 1: {summary['results'][0]['request']}" in logs
    assert any(m.startswith(f"write slot '{WRITER_LIMIT}' acquired") for m in logs)


def test_a_region_without_a_recording_fails_naming_the_missing_request(tmp_path):
    with pytest.raises(RunHadFailures) as failure:
        ingest_source(tables=[POP], first_year=2023, last_year=2023, regions=["082"], data_dir=str(tmp_path))
    message = failure.value.summary["failed"][0]
    assert "no recorded response" in message and "regionalvariable=REGBEZ" in message and "regionalkey=082" in message
    assert artifacts_of(failure.value.summary["run_id"])["ingest-source-batches"][0]["failed"] == message


def test_a_retried_flow_run_does_not_download_again_what_it_already_got(tmp_path, monkeypatch, provider):
    counting = provider()
    attempts = []

    build_marts = pipelines.flows.build_marts

    def marts_failing_once(con):  # noqa: ANN001
        attempts.append(len(counting.data_requests))
        if len(attempts) == 1:
            raise OSError("disk full while building the marts")
        return build_marts(con)

    monkeypatch.setattr(pipelines.flows, "build_marts", marts_failing_once)
    summary = nightly.with_options(retries=1, retry_delay_seconds=0)(data_dir=str(tmp_path))

    assert attempts == [29, 29]  # the retry downloaded nothing (29 GENESIS data requests)
    assert summary["batches"] == {"loaded": 36}  # and the Eurostat request, the five partner files (two BIBB workbooks) and the register
    assert query(tmp_path, "SELECT count(*) FROM marts.observations_latest") == [(36475,)]
    logs = logs_of(summary["run_id"])
    assert sum("not downloaded again" in m for m in logs) == 35  # per request: the two BIBB workbooks are one
    summaries = [text for key, text in artifact_list(summary["run_id"]) if key == "nightly-summary"]
    assert [text.splitlines()[0] for text in summaries] == ["# nightly: stopped before publishing", "# nightly: completed"]
    assert "OSError: disk full while building the marts" in summaries[0]
    assert not (tmp_path / "build" / "fetched" / summary["run_id"]).exists()  # kept only until the run completes


def test_a_5xx_is_retried_by_the_fetch_task_and_bad_credentials_are_not(tmp_path, monkeypatch, provider):
    monkeypatch.setattr(pipelines.flows, "fetch", pipelines.flows.fetch.with_options(retry_delay_seconds=0))
    flaky = provider(lambda n: httpx.Response(503) if n == 1 else None)
    summary = ingest_source(tables=[POP], first_year=2024, last_year=2024, data_dir=str(tmp_path / "a"))
    assert summary["batches"] == {"loaded": 1} and len(flaky.data_requests) == 2

    refused = provider(lambda n: flat_error(15, "Sie sind nicht berechtigt diesen Service aufzurufen", 401))
    with pytest.raises(RunHadFailures) as failure:
        ingest_source(tables=[POP], first_year=2024, last_year=2024, data_dir=str(tmp_path / "b"))
    assert len(refused.data_requests) == 1
    assert "REGIO_USERNAME" in failure.value.summary["failed"][0]


def test_credentials_never_appear_in_logs_or_artifacts(tmp_path, monkeypatch, provider):
    user, password = FAKE_USER, FAKE_PASSWORD
    monkeypatch.setenv("REGIO_USERNAME", user)
    monkeypatch.setenv("REGIO_PASSWORD", password)
    counting = provider()
    summary = ingest_source(tables=[POP], first_year=2024, last_year=2024, live=True, data_dir=str(tmp_path))
    assert summary["mode"] == "live" and counting.data_requests[0].headers["password"] == password
    seen = "\n".join(logs_of(summary["run_id"])) + json.dumps(artifacts_of(summary["run_id"]))
    assert "2024-2024" in seen
    assert user not in seen and password not in seen


def test_the_write_slot_is_a_global_limit_of_one_even_after_someone_raised_it(tmp_path):
    nightly(data_dir=str(tmp_path))
    with get_client(sync_client=True) as client:
        client.update_global_concurrency_limit(WRITER_LIMIT, GlobalConcurrencyLimitUpdate(limit=3))
        ensure_writer_limit(client, logging.getLogger("test"))
        limit = client.read_global_concurrency_limit_by_name(WRITER_LIMIT)
    assert (limit.active_slots, limit.limit, limit.active) == (0, 1, True)


def test_a_backfill_of_the_samples_years_loads_every_recorded_request(tmp_path):
    summary = backfill(first_year=2023, last_year=2024, data_dir=str(tmp_path))
    assert summary["batches"] == {"loaded": 12}  # the seven GENESIS requests, the three of unemployment 2023 and the two BA Pendler files (2023)
    assert query(tmp_path, "SELECT DISTINCT period FROM marts.observations_latest WHERE indicator_id = 'population' ORDER BY 1") == [
        ("2023-12-31",), ("2024-12-31",)]
    with pytest.raises(ValueError, match="first_year 2024 is after last_year 2023"):
        backfill(first_year=2024, last_year=2023, data_dir=str(tmp_path))


def test_build_marts_rebuilds_from_the_published_core_and_reports_the_rows(tmp_path):
    with pytest.raises(FileNotFoundError, match="no published warehouse .* run nightly or ingest-source first"):
        rebuild_marts(data_dir=str(tmp_path))
    nightly(data_dir=str(tmp_path))
    summary = rebuild_marts(data_dir=str(tmp_path))
    assert summary["tables"]["observations_latest"] == 36475 == query(tmp_path, "SELECT count(*) FROM marts.observations_latest")[0][0]
    artifacts = artifacts_of(summary["run_id"])
    assert {"mart_table": "observations_latest", "rows": 36475} in artifacts["build-marts-tables"]
    assert f"`{tmp_path / 'labour_monitor.duckdb'}`" in artifacts["build-marts-summary"]
    assert query(tmp_path, "SELECT flow, state FROM ops.runs WHERE run_id = ?", [summary["run_id"]]) == [("build-marts", "completed")]


def test_the_sample_compares_heilbronn_frankens_unemployment_over_the_years_with_the_state_and_germany(tmp_path):
    nightly(data_dir=str(tmp_path))
    rate = query(tmp_path, """SELECT period, value, reference_value FROM marts.region_comparison
                             WHERE region_code = 'heilbronn-franken' AND indicator_id = 'unemployment_rate' AND reference_code = '08'
                             ORDER BY period""")
    years = [p for p, _, _ in rate]
    assert len(years) >= 10 and "2025" in years and "2001" in years
    # recomputed from the summed unemployed and the summed derived labour force, never averaged
    by_year = {p: (v, ref) for p, v, ref in rate}
    kreise = query(tmp_path, """SELECT region_code, indicator_id, value FROM marts.indicator_values
                               WHERE period = '2025' AND indicator_id IN ('unemployed', 'civilian_labour_force')
                               AND region_code IN ('08121', '08125', '08126', '08127', '08128')""")
    unemployed = sum(v for _, i, v in kreise if i == "unemployed")
    labour_force = sum(v for _, i, v in kreise if i == "civilian_labour_force")
    assert unemployed == 5027 + 8561 + 2549 + 4747 + 2822
    assert by_year["2025"][0] == pytest.approx(unemployed / labour_force * 100)
    assert by_year["2025"][1] == 4.6  # Baden-Württemberg 2025, as published
    germany = query(tmp_path, """SELECT count(DISTINCT period) FROM marts.region_comparison WHERE region_code = 'heilbronn-franken'
                                AND indicator_id = 'unemployed' AND reference_code = 'DG'""")
    assert germany[0][0] >= 10
    for kreis in ("08121", "08125", "08126", "08127", "08128"):
        n = query(tmp_path, f"""SELECT count(DISTINCT period) FROM marts.region_comparison WHERE region_code = '{kreis}'
                               AND indicator_id IN ('unemployed', 'unemployment_rate') AND reference_code = 'DG'""")
        assert n[0][0] >= 10
    # the rates of men and women have no published count: NULL with a status saying why, never an average
    men = query(tmp_path, "SELECT value, status FROM marts.indicator_values WHERE region_code = 'heilbronn-franken' AND indicator_id = 'unemployment_rate_men' AND period = '2025'")
    assert men == [(None, "no_matching_count")]
    # 2015 and 2016 come in two exports (2017 and 2021): both loaded, the later one revised no figure
    twice = query(tmp_path, """SELECT count(*) FROM core.observations WHERE table_id = '13211-02-05-4' AND period IN ('2015', '2016')
                              AND valid_to IS NOT NULL""")
    assert twice == [(0,)]
