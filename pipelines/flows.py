"""Prefect flows: per-source ingest and the nightly run. They orchestrate; the logic is elsewhere.

Each flow builds in a private copy of the warehouse and publishes it atomically at the end
(warehouse/publish.py). A batch that fails is recorded and the run goes on with the others; the
run's state is Failed when any batch failed, and the published file then holds every batch that
did load.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

import duckdb
from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.runtime import flow_run

from catalog import Catalog, default_catalog
from expectations.validate import Validator
from pipelines.batch import BatchResult, RunHadFailures, process_payload, record_failure, summarise
from pipelines.providers import client_for
from pipelines.settings import Settings, read_requests
from sources.contract import RawPayload, TableRequest
from sources.errors import SourceError
from warehouse.marts import build_marts
from warehouse.publish import Paths, build_session
from warehouse.reference import write_catalog


def _transient(task, task_run, state) -> bool:  # noqa: ANN001 (Prefect's retry_condition_fn signature)
    exc = state.result(raise_on_failure=False)
    return isinstance(exc, SourceError) and exc.retryable


@task(retries=2, retry_delay_seconds=[30, 300], retry_condition_fn=_transient, cache_policy=NO_CACHE)
def fetch(request: TableRequest, settings: Settings) -> list[RawPayload]:
    """Download one table (split by years if the provider asks). Transient errors are retried."""
    catalog = default_catalog()
    client = client_for(catalog.sources[request.source_id], settings)
    get_run_logger().info("fetching %s (%s)", request.describe(), settings.mode)
    table = catalog.tables[request.table_id]
    return list(client.fetch(table, request.first_year, request.last_year, request.region_params))


@task(cache_policy=NO_CACHE)
def parse_and_load(con: duckdb.DuckDBPyConnection, payload: RawPayload, request: TableRequest, settings: Settings,
                   run_id: str, validator: Validator) -> BatchResult:
    """Parse, validate with GX, then load whole or quarantine whole."""
    result = process_payload(con, payload, request, default_catalog(), settings.data_dir, run_id, validator)
    get_run_logger().info(
        "%s %s: %s (new %d, revised %d, unchanged %d)",
        result.source_id, result.table_id, result.outcome, result.rows_new, result.rows_revised, result.rows_unchanged,
    )
    return result


@task(cache_policy=NO_CACHE)
def marts(con: duckdb.DuckDBPyConnection) -> list[str]:
    return build_marts(con)


def plan(catalog: Catalog, settings: Settings, sources: list[str], tables: list[str] | None,
         years: tuple[int, int] | None) -> list[TableRequest]:
    """Which requests to send. Live: every table of the sources from its first year to this year (or
    the years asked for). Offline: the recorded requests (requests.yaml beside the recordings) inside
    the years asked for; a table with none is requested anyway, and replay then names what is missing."""
    unknown = set(tables or ()) - set(catalog.tables)
    if unknown:
        raise ValueError(f"unknown tables {sorted(unknown)}; declared: {sorted(catalog.tables)}")
    wanted = [t for s in sources for t in catalog.tables_for(s) if not tables or t.id in tables]
    this_year = datetime.now(UTC).year
    recorded = read_requests(settings.recordings_dir / "requests.yaml") if settings.mode == "replay" else []
    out: list[TableRequest] = []
    for t in wanted:
        span = years or (t.start_year, this_year)
        replayable = [r for r in recorded if (r.source_id, r.table_id) == (t.source, t.id)
                      and (not years or (years[0] <= r.first_year and r.last_year <= years[1]))]
        if settings.mode == "replay" and not years and not replayable:
            continue  # not in the offline sample
        out += replayable or [TableRequest(t.source, t.id, *span)]
    return out

def run_ingest(flow_name: str, settings: Settings, sources: list[str], tables: list[str] | None = None,
               years: tuple[int, int] | None = None) -> dict:
    logger = get_run_logger()
    catalog = default_catalog()
    run_id = str(flow_run.get_id() or f"local-{datetime.now(UTC):%Y%m%dT%H%M%S}")
    started = datetime.now(UTC)
    paths = Paths(settings.data_dir)
    results: list[BatchResult] = []
    validator = Validator(settings.data_dir / "validation", catalog)
    with build_session(paths) as con:
        write_catalog(con, catalog)
        for request in plan(catalog, settings, sources, tables, years):
            table = catalog.tables[request.table_id]
            try:
                for payload in fetch(request, settings):
                    results.append(parse_and_load(con, payload, request, settings, run_id, validator))
            except Exception as exc:  # one request's failure must not stop the others
                results.append(record_failure(con, run_id, table, exc))
        built = marts(con)
        validator.build_docs()
        summary = summarise(results) | {
            "run_id": run_id,
            "mode": settings.mode,
            "marts": built,
            "warehouse": str(paths.published),
            "data_docs": str(validator.docs_index),
        }
        state = "failed" if summary["failed"] or summary["quarantined"] else "completed"
        con.execute(
            "INSERT INTO ops.runs VALUES (?, ?, ?, ?, ?, ?, ?::JSON)",
            [run_id, flow_name, settings.mode, started, datetime.now(UTC), state, json.dumps(summary)],
        )
    logger.info(
        "%s run %s: batches %s, rows new %d, revised %d, unchanged %d, warnings %d; published %s; data docs %s",
        flow_name, state, summary["batches"], summary["rows_new"], summary["rows_revised"],
        summary["rows_unchanged"], len(summary["warnings"]), paths.published, validator.docs_index,
    )
    if summary["failed"] or summary["quarantined"]:
        raise RunHadFailures(summary)  # after publishing: the batches that did load stay
    return summary


@flow(name="ingest-source", log_prints=True)
def ingest_source(
    source: str = "regionalstatistik",
    tables: list[str] | None = None,
    first_year: int | None = None,
    last_year: int | None = None,
    live: bool = False,
    data_dir: str | None = None,
) -> dict:
    """Ingest one source (optionally some tables and years) and publish the warehouse."""
    settings = Settings.from_env(data_dir, "live" if live else "replay")
    years = None
    if first_year or last_year:
        years = (first_year or last_year, last_year or datetime.now(UTC).year)
    return run_ingest("ingest-source", settings, [source], tables, years)


@flow(name="nightly", log_prints=True)
def nightly(live: bool = False, data_dir: str | None = None) -> dict:
    """All enabled sources, then the marts, then publish. Offline on the bundled sample unless live."""
    settings = Settings.from_env(data_dir, "live" if live else "replay")
    sources = [s.id for s in default_catalog().sources.values() if s.enabled]
    return run_ingest("nightly", settings, sources)

