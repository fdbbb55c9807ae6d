"""Prefect flows: the nightly run, per-source ingest, backfills and mart rebuilds. They orchestrate;
the logic is elsewhere.

Every flow that writes takes the warehouse's single write slot (pipelines/writer.py), builds in a
private copy and publishes it atomically at the end (warehouse/publish.py). A batch that fails is
recorded and the run goes on with the others; the run's state is Failed when any batch failed or was
quarantined, and the published file then holds every batch that did load. Each run leaves a table of
its batches and a summary as Prefect artifacts (pipelines/artifacts.py).

Nothing is downloaded that the provider says is unchanged since it was loaded (pipelines/freshness.py: the
GENESIS `Updated` stamp, HTTP conditional requests), unless the run is forced; ops.requests records for every
request whether it was downloaded, skipped or parsed again from its stored payload, and why.

Downloads are kept for the flow run (Prefect task cache keyed on request and flow run id, stored
under data/build/fetched/<flow run id>, the unzipped GENESIS flat files in its spool/): a flow run that is retried
parses and loads again but does not download again what it already got. The store is removed when the run completes.
"""

from __future__ import annotations

import logging
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated, Literal

import duckdb
from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.exceptions import MissingContextError
from prefect.runtime import flow_run
from prefect.states import Failed, State
from pydantic import Field

from catalog import Catalog, default_catalog
from expectations.validate import Validator
from pipelines import reporting
from pipelines.artifacts import (
    publish_crash_artifact,
    publish_marts_artifacts,
    publish_report_artifacts,
    publish_review_artifacts,
    publish_run_artifacts,
)
from pipelines.batch import BatchResult, RunHadFailures, fingerprint_of, process_payload, record_failure, record_skip, summarise
from pipelines.freshness import attempt_of, failed_attempt, skipped_attempt, upstream_of, why_downloaded
from pipelines.prefect_server import own_lease_folder
from pipelines.providers import client_for, downloaded, unmet_precondition, unpacker
from pipelines.selection import regional_selections
from pipelines.requests_file import read_requests
from pipelines.settings import Settings
from pipelines.writer import one_writer
from sources.contract import RawPayload, TableRequest, Upstream
from sources.errors import HostUnreachable, NotModified, SourceError
from warehouse.load import stored_payloads
from warehouse.marts import build_marts, mart_row_counts, marts_current
from warehouse.ops import RequestAttempt, last_request, record_request, record_run
from warehouse.publish import Paths, build_session
from warehouse.reference import write_catalog

# Parameter types: the UI renders the choices of the catalog as drop-downs and checks the years.
_CATALOG = default_catalog()
SourceId = Literal[tuple(_CATALOG.sources)]  # type: ignore[valid-type]
TableId = Literal[tuple(_CATALOG.tables)]  # type: ignore[valid-type]
RegionCode = Literal[tuple(_CATALOG.regions)]  # type: ignore[valid-type]
Year = Annotated[int, Field(ge=1950, le=2100)]

KEEP_PAYLOAD_STORES_DAYS = 7  # stores of failed runs, for a retry; older ones are removed


def _logger() -> logging.Logger | logging.LoggerAdapter:
    try:
        return get_run_logger()
    except MissingContextError:  # plan() also serves `labour-monitor record`
        return logging.getLogger(__name__)


def _transient(task, task_run, state) -> bool:  # noqa: ANN001 (Prefect's retry_condition_fn signature)
    exc = state.result(raise_on_failure=False)
    return isinstance(exc, SourceError) and exc.retryable


@dataclass(frozen=True)
class Fetched:
    """What the fetch task brings: the payloads, or, when the provider says nothing changed, why nothing was downloaded."""

    payloads: list[RawPayload]
    not_modified: str | None = None


# The default cache policy (inputs + task source + flow run id) with persisted results: a retried flow
# run gets the payloads its earlier attempt downloaded. Bad credentials, missing tables and the like are
# not retried (SourceError.retryable is False); network errors and 5xx are, here after the client's own
# backoff (sources/client.py) gave up. Kept on disk only: Prefect's in-memory result cache held every payload of
# the run until its end (100 MiB of flat files nationwide). A client keeps the large data of its answers as files in
# `spool` (GENESIS: the unzipped flat files), in the run's store beside the results that point to them.
@task(retries=2, retry_delay_seconds=[30, 300], retry_condition_fn=_transient, persist_result=True,
      cache_result_in_memory=False)
def fetch(request: TableRequest, settings: Settings, upstream: Upstream | None = None, spool: Path | None = None) -> Fetched:
    """Download one table (split by years if the provider asks), unless the provider says it is the `upstream` the
    warehouse holds."""
    catalog = default_catalog()
    client = client_for(catalog.sources[request.source_id], settings, spool)
    get_run_logger().info("fetching %s (%s)", request.describe(), settings.mode)
    table = catalog.tables[request.table_id]
    try:
        return Fetched(list(client.fetch(table, request.first_year, request.last_year, request.region_params, upstream)))
    except NotModified as unchanged:
        return Fetched([], str(unchanged))


@task(cache_policy=NO_CACHE)
def parse_and_load(con: duckdb.DuckDBPyConnection, payload: RawPayload, request: TableRequest, settings: Settings,
                   run_id: str, validator: Validator) -> BatchResult:
    """Parse, validate with GX, then load whole or quarantine whole."""
    result = process_payload(con, payload, request, default_catalog(), settings.data_dir, run_id, validator)
    get_run_logger().info(
        "%s %s: %s (new %d, revised %d, unchanged %d)",
        result.source_id, result.table_id, result.outcome, result.rows_new, result.rows_revised, result.rows_unchanged,
    )
    return replace(result, request=request.describe())


@task(cache_policy=NO_CACHE)
def marts(con: duckdb.DuckDBPyConnection) -> list[str]:
    return build_marts(con)


def plan(catalog: Catalog, settings: Settings, sources: list[str], tables: list[str] | None,
         years: tuple[int, int] | None, regions: list[str] | None = None) -> list[TableRequest]:
    """Which requests to send. Live: every table of the sources from its first year to this year (or the
    years asked for), one request per regional level asked for. Offline: the recorded requests
    (requests.yaml beside the recordings) inside the years and regions asked for; where none is recorded,
    the request is sent anyway and replay names the missing recording. A table with no recording (in
    those years) is not in the offline sample and is left out unless asked for by name."""
    own = {t.id for s in sources for t in catalog.tables_for(s)}
    unknown = set(tables or ()) - own
    if unknown:
        raise ValueError(f"tables {sorted(unknown)} are not tables of {', '.join(sources)}; declared: {sorted(own)}")
    this_year = datetime.now(UTC).year
    recorded = read_requests(settings.recordings_dir / "requests.yaml", catalog) if settings.mode == "replay" else []
    out: list[TableRequest] = []
    left_out: list[str] = []
    for t in (t for s in sources for t in catalog.tables_for(s) if not tables or t.id in tables):
        of_table = [r for r in recorded if (r.source_id, r.table_id) == (t.source, t.id)]
        if settings.mode == "replay" and not of_table and not tables:
            left_out.append(t.id)
            continue
        span = years or (t.start_year, this_year)
        in_years = [r for r in of_table if not years or (years[0] <= r.first_year and r.last_year <= years[1])]
        if settings.mode == "replay" and not in_years and not tables:
            left_out.append(f"{t.id} (recorded for other years)")
            continue
        for selection in regional_selections(catalog, t.source, regions, t) if regions else [None]:
            hits = [r for r in in_years if selection is None or r.regions == selection]
            out += hits or [TableRequest(t.source, t.id, *span, selection or ())]
    if left_out:
        _logger().info("not in the offline sample (no recordings), left out: %s", ", ".join(left_out))
    return out


def _run_id() -> str:
    return str(flow_run.get_id() or f"local-{datetime.now(UTC):%Y%m%dT%H%M%S}")


@contextmanager
def _reported_if_stopped(flow_name: str, paths: Paths) -> Iterator[None]:
    """A run that stops before publishing still leaves a summary artifact saying so."""
    try:
        yield
    except BaseException as exc:
        publish_crash_artifact(flow_name, str(paths.published), exc)
        raise


def _payload_store(settings: Settings, run_id: str) -> Path:
    """Where this flow run keeps what it downloaded, until it completes; old stores of failed runs go."""
    stores = settings.data_dir / "build" / "fetched"
    if stores.exists():
        cutoff = time.time() - KEEP_PAYLOAD_STORES_DAYS * 86400
        for old in stores.iterdir():
            if old.name != run_id and old.stat().st_mtime < cutoff:
                shutil.rmtree(old, ignore_errors=True)
    return stores / run_id


def _download(request: TableRequest, settings: Settings, store: Path, logger: logging.Logger | logging.LoggerAdapter,
              upstream: Upstream | None) -> Fetched:
    state = fetch.with_options(result_storage=store)(request, settings, upstream, store / "spool", return_state=True)
    fetched = state.result()  # raises the task's error
    if state.name == "Cached":
        logger.info("%s: stored by an earlier attempt of this flow run, not downloaded again", request.describe())
    return fetched


def _told_unchanged(request: TableRequest, settings: Settings, upstream: Upstream,
                    logger: logging.Logger | logging.LoggerAdapter) -> str | None:
    """Why the provider says, without a download, that the request's data is the `upstream` held (GENESIS: its update
    stamp); None where it cannot say. Asked before and outside the fetch task: a skipped request costs no task run,
    whose states the Prefect server would have to write. Where asking fails, the fetch task asks again, with its
    retries, and reports."""
    catalog = default_catalog()
    try:
        client_for(catalog.sources[request.source_id], settings).raise_if_unchanged(catalog.tables[request.table_id], upstream)
    except NotModified as unchanged:
        return str(unchanged)
    except SourceError as exc:
        logger.warning("%s: could not ask whether it changed (%s); the fetch task asks again", request.describe(), exc)
    return None


@dataclass(frozen=True)
class _Obtained:
    """The payloads of one request and how they were had: downloaded, or read back from storage; none when skipped."""

    payloads: list[RawPayload]
    downloaded: bool
    reason: str


def _obtain(con: duckdb.DuckDBPyConnection, request: TableRequest, settings: Settings, store: Path,
            logger: logging.Logger | logging.LoggerAdapter, last: RequestAttempt | None, fingerprint: str, force: bool) -> _Obtained:
    """Download the request unless its provider says nothing changed since the last attempt loaded it (see
    pipelines/freshness.py); then, with a changed parse fingerprint, its stored payloads, else nothing (skipped)."""
    upstream = upstream_of(last, force)
    told = _told_unchanged(request, settings, upstream, logger) if upstream else None
    fetched = Fetched([], told) if told else _download(request, settings, store, logger, upstream)
    if fetched.not_modified is None:
        return _Obtained(fetched.payloads, True, why_downloaded(last, force, fetched.payloads))
    assert last is not None  # only a request with a held last attempt is asked conditionally
    if last.parse_fingerprint == fingerprint:
        return _Obtained([], False, fetched.not_modified)
    changed = f"the catalog entries that shape its parse changed (fingerprint {last.parse_fingerprint} -> {fingerprint})"
    stored = stored_payloads(con, settings.data_dir, last.batches, unpacker(request.source_id, request.table_id))
    if stored is None:
        fetched = _download(request, settings, store, logger, None)
        return _Obtained(fetched.payloads, True, f"unchanged upstream, but {changed} and its stored payload is missing: downloaded again")
    return _Obtained(stored, False, f"{fetched.not_modified}; {changed}: its stored payload parsed again")


def _load(con: duckdb.DuckDBPyConnection, requests: list[TableRequest], settings: Settings, run_id: str,
          store: Path, validator: Validator, logger: logging.Logger | logging.LoggerAdapter,
          given: dict[TableRequest, list[RawPayload]] | None = None, force: bool = False) -> list[BatchResult]:
    """Fetch, validate and load each request into the build copy; a request's failure is recorded, not raised.
    `given`: payloads already at hand (a downloaded file), taken instead of fetching. `force`: download every
    request, whatever its provider's stamps say. What each request came to is recorded in ops.requests.

    A source that cannot be fetched (no credentials or drop folder; its host did not answer) is not asked
    again in this run: its remaining requests fail with the same one line."""
    catalog = default_catalog()
    write_catalog(con, catalog)
    given = given or {}
    cannot: dict[str, str] = {}  # source id -> why it is not fetched
    for source_id in dict.fromkeys(r.source_id for r in requests if r not in given):
        if reason := unmet_precondition(catalog.sources[source_id], settings):
            cannot[source_id] = reason
            logger.error(reason)
    results: list[BatchResult] = []
    for n, request in enumerate(requests, 1):
        table = catalog.tables[request.table_id]
        if request.source_id in cannot:
            results.append(replace(record_failure(con, run_id, table, cannot[request.source_id]), request=request.describe()))
            record_request(con, run_id, request, failed_attempt(force, cannot[request.source_id]))
            continue
        logger.info("request %d of %d: %s", n, len(requests), request.describe())
        fingerprint = fingerprint_of(catalog, table)
        last = last_request(con, request)
        try:
            obtained = (_Obtained(given[request], True, "a file downloaded by hand (ingest --file)") if request in given
                        else _obtain(con, request, settings, store, logger, last, fingerprint, force))
            if obtained.payloads:
                batch = [parse_and_load(con, payload, request, settings, run_id, validator) for payload in obtained.payloads]
                attempt = attempt_of(batch, obtained.payloads, obtained.downloaded, force, obtained.reason, fingerprint)
            else:
                assert last is not None  # nothing obtained: the provider said the data last loaded is unchanged
                logger.info("%s: skipped, %s", request.describe(), obtained.reason)
                batch = [record_skip(con, run_id, table, obtained.reason)]
                attempt = skipped_attempt(last, force, obtained.reason)
        except Exception as exc:  # one request's failure must not stop the others
            failure = record_failure(con, run_id, table, exc)
            batch, attempt = [failure], failed_attempt(force, failure.message or str(exc))
            if isinstance(exc, HostUnreachable):
                cannot[request.source_id] = failure.message or str(exc)
        results += [replace(r, request=request.describe()) for r in batch]
        record_request(con, run_id, request, attempt)
    return results


def run_ingest(flow_name: str, settings: Settings, sources: list[str], tables: list[str] | None = None,
               years: tuple[int, int] | None = None, regions: list[str] | None = None, file: Path | None = None,
               force: bool = False) -> dict | State:
    """`file`: a table downloaded by hand from the first source's website, loaded instead of any request (read before
    the write slot is taken: a file that is no flat file of a catalog table leaves the warehouse as it was).
    `force`: download every request, whatever its provider's stamps say."""
    logger = get_run_logger()
    run_id = _run_id()
    started = datetime.now(UTC)
    paths = Paths(settings.data_dir)
    store = _payload_store(settings, run_id)
    with _reported_if_stopped(flow_name, paths):
        given: dict[TableRequest, list[RawPayload]] = {}
        if file is not None:
            download = downloaded(sources[0], file, tables, regions)
            given = {download.request: [download.payload]}
            requests = [download.request]
            logger.info("%s: %s read as table %s (%s)", flow_name, file, download.request.table_id, download.payload.request)
        else:
            requests = plan(default_catalog(), settings, sources, tables, years, regions)
        logger.info("%s (%s): %d request(s) planned", flow_name, settings.mode, len(requests))
        with (one_writer(logger, flow_name, flow_run.get_id(), settings.data_dir, own_lease_folder()) as slot,
              build_session(paths, before_publish=slot.check) as con):
            # The GX project under data/validation is written too: only by the run holding the write slot.
            validator = Validator(settings.data_dir / "validation", default_catalog())
            results = _load(con, requests, settings, run_id, store, validator, logger, given, force)
            if any(r.outcome == "loaded" for r in results) or not marts_current(con, default_catalog()):
                built = marts(con)
            else:
                built = []
                logger.info("marts: no batch loaded, catalog and mart files as at their last build: not rebuilt")
            validator.build_docs()
            summary = summarise(results) | {
                "run_id": run_id,
                "mode": settings.mode,
                "forced": force,
                "marts": built,
                "warehouse": str(paths.published),
                "data_docs": str(validator.docs_index),
            }
            state = "failed" if summary["failed"] or summary["quarantined"] else "completed"
            record_run(con, run_id, flow_name, settings.mode, started, state, summary)
    logger.info(
        "%s run %s: batches %s, rows new %d, revised %d, unchanged %d, warnings %d; published %s; data docs %s",
        flow_name, state, summary["batches"], summary["rows_new"], summary["rows_revised"],
        summary["rows_unchanged"], len(summary["warnings"]), paths.published, validator.docs_index,
    )
    summary |= reporting.after_publish(settings, summary, logger)
    publish_run_artifacts(flow_name, summary)
    if state == "failed":
        # After publishing: the batches that did load stay; the store stays for a retry. A Failed state, not a
        # raise: the failures are expected and named in the summary, so no traceback goes to the console.
        failure = RunHadFailures(summary)
        return Failed(message=str(failure), data=failure)
    shutil.rmtree(store, ignore_errors=True)
    return summary


def _years(first_year: int | None, last_year: int | None) -> tuple[int, int] | None:
    if not (first_year or last_year):
        return None
    years = (first_year or last_year, last_year or datetime.now(UTC).year)
    if years[0] > years[1]:
        raise ValueError(f"first_year {years[0]} is after last_year {years[1]}")
    return years


@flow(name="ingest-source", log_prints=True)
def ingest_source(
    source: SourceId = "regionalstatistik",
    tables: list[TableId] = [],  # noqa: B006 (each run gets its own validated copy; a list renders as a multi-select)
    first_year: Year | None = None,
    last_year: Year | None = None,
    regions: list[RegionCode] = [],  # noqa: B006
    live: bool = False,
    data_dir: str = "",
    file: str = "",
    force: bool = False,
) -> dict | State:
    """Ingest one source on demand (some or all of its tables, some years, some regions) and publish the warehouse.

    Args:
        source: The provider to ingest (catalog/sources.yaml).
        tables: Table codes of that source (catalog/indicators.yaml). None selected: all of its tables (offline:
            those in the sample).
        first_year: First year to request. None: the table's first year (offline: the recorded years).
        last_year: Last year to request. None: this year.
        regions: Regions to request: Kreise (AGS, e.g. 08125), Regierungsbezirke (081), the state (08), Germany
            (DG), or a partner region, Agentur-für-Arbeit district or Regionalverband (e.g. heilbronn-franken),
            which stands for its Kreise. None selected: every region of the table.
        live: Call the provider's API (its credentials must be in the worker's environment). Off: the bundled
            offline sample, where a request without a recording fails naming it.
        data_dir: Folder of the warehouse. Empty: $LABOUR_MONITOR_DATA, else ./data in the checkout.
        file: A table downloaded from the provider's website (GENESIS: the flat-file zip as served, or the CSV in it),
            on the worker's disk, loaded instead of a request; `tables` may name its table, `regions` the Kreise it
            must hold (default: every Kreis of the scope in the states it covers). Years and `live` do not apply.
        force: Download every table, even where the provider says it is unchanged since it was loaded (its update
            stamp, or 304 Not Modified). Data the same as last loaded is still not parsed again.
    """
    if file:
        if first_year or last_year or live:
            raise ValueError("a downloaded file is loaded whole: years and live do not apply")
        settings = Settings.from_env(data_dir, "file")
        return run_ingest("ingest-source", settings, [source], tables, None, regions, file=Path(file))
    settings = Settings.from_env(data_dir, "live" if live else "replay")
    return run_ingest("ingest-source", settings, [source], tables, _years(first_year, last_year), regions, force=force)


def _enabled_sources() -> list[str]:
    return [s.id for s in default_catalog().sources.values() if s.enabled]


@flow(name="nightly", log_prints=True)
def nightly(live: bool = False, data_dir: str = "", force: bool = False) -> dict | State:
    """All enabled sources, then the marts, then publish the warehouse.

    Args:
        live: Call the providers' APIs (credentials in the worker's environment). Off: the bundled offline sample.
        data_dir: Folder of the warehouse. Empty: $LABOUR_MONITOR_DATA, else ./data in the checkout.
        force: Download every table, even where the provider says it is unchanged since it was loaded (its update
            stamp, or 304 Not Modified). Data the same as last loaded is still not parsed again.
    """
    settings = Settings.from_env(data_dir, "live" if live else "replay")
    return run_ingest("nightly", settings, _enabled_sources(), force=force)


@flow(name="backfill", log_prints=True)
def backfill(
    first_year: Year,
    last_year: Year,
    sources: list[SourceId] = [],  # noqa: B006
    tables: list[TableId] = [],  # noqa: B006
    live: bool = False,
    data_dir: str = "",
    force: bool = False,
) -> dict | State:
    """Load a range of past years for some or all sources and tables, then publish the warehouse.

    Args:
        first_year: First year of the range.
        last_year: Last year of the range.
        sources: Providers to load (catalog/sources.yaml). None selected: every enabled source.
        tables: Table codes (catalog/indicators.yaml). None selected: all tables of those sources (offline: those
            in the sample).
        live: Call the providers' APIs (credentials in the worker's environment). Off: the bundled offline sample.
        data_dir: Folder of the warehouse. Empty: $LABOUR_MONITOR_DATA, else ./data in the checkout.
        force: Download every table, even where the provider says it is unchanged since it was loaded (its update
            stamp, or 304 Not Modified). Data the same as last loaded is still not parsed again.
    """
    settings = Settings.from_env(data_dir, "live" if live else "replay")
    return run_ingest("backfill", settings, sources or _enabled_sources(), tables, _years(first_year, last_year), force=force)


@flow(name="build-marts", log_prints=True)
def rebuild_marts(data_dir: str = "") -> dict:
    """Rebuild the marts (warehouse/marts/*.sql) from the warehouse's core tables and publish; fetches nothing.

    Args:
        data_dir: Folder of the warehouse. Empty: $LABOUR_MONITOR_DATA, else ./data in the checkout.
    """
    logger = get_run_logger()
    paths = Paths(Settings.from_env(data_dir).data_dir)
    run_id, started = _run_id(), datetime.now(UTC)
    with _reported_if_stopped("build-marts", paths):
        if not paths.published.exists():
            raise FileNotFoundError(f"no published warehouse at {paths.published}: run nightly or ingest-source first")
        with (one_writer(logger, "build-marts", flow_run.get_id(), paths.data_dir, own_lease_folder()) as slot,
              build_session(paths, before_publish=slot.check) as con):
            write_catalog(con, default_catalog())
            built = marts(con)
            rows = mart_row_counts(con)
            summary = {"run_id": run_id, "marts": built, "tables": rows, "warehouse": str(paths.published)}
            record_run(con, run_id, "build-marts", "none", started, "completed", summary)
    logger.info("build-marts: ran %s; rows %s; published %s", ", ".join(built), rows, paths.published)
    publish_marts_artifacts(summary)
    return summary


@flow(name="report", log_prints=True)
def report(regions: list[RegionCode] = [], data_dir: str = "") -> dict:  # noqa: B006 (a list renders as a multi-select)
    """Build the regional report (pages, CSV/XLSX downloads, a PDF per partner region) from the published warehouse.

    Reads the warehouse only: it takes no write slot and can run beside a nightly (it reads the published file).

    Args:
        regions: Regions whose pages to build, each with its Kreise (e.g. heilbronn-franken, 081, 08125). None
            selected: every partner region (partner, Agentur-für-Arbeit districts, Regionalverbände) and its Kreise.
        data_dir: Folder of the warehouse. Empty: $LABOUR_MONITOR_DATA, else ./data in the checkout.
    """
    settings = Settings.from_env(data_dir)
    summary = reporting.build(settings, regions)
    get_run_logger().info("report: %d page(s), %d PDF(s): %s", len(summary["report_pages_written"]), len(summary["report_pdfs"]),
                          summary["report"])
    publish_report_artifacts(summary)
    return summary


@flow(name="review", log_prints=True)
def review(alliance: RegionCode = "heilbronn-franken", year: Year = 2025, as_of: date | None = None, data_dir: str = "") -> dict:
    """Write the alliance's yearly review of its goals, measures and results (a page of the report, PDF and Excel) from the
    published warehouse. Reads the warehouse only: it takes no write slot.

    Args:
        alliance: The region whose alliance keeps the register of goals and measures (catalog/registers.yaml).
        year: The review year: figures of periods up to it.
        as_of: The register and the figures as published at the end of that day. None: as published now.
        data_dir: Folder of the warehouse. Empty: $LABOUR_MONITOR_DATA, else ./data in the checkout.
    """
    summary = reporting.review(Settings.from_env(data_dir), alliance, year, as_of)
    get_run_logger().info("review %s %d: %s", alliance, year, summary["review"])
    publish_review_artifacts(summary)
    return summary
