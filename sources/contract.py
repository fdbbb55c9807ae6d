"""What every source delivers: raw payloads (bytes as served, in memory or in a file: sources/blob.py, with request
metadata) and observations (or, for a register of goals and measures, the rows of the register's own tables); and
the contract of a provider module: a client (fetch -> raw payloads) and a parser (payload -> observations or register
rows), registered once in sources/registry.py."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import pyarrow as pa

from sources.blob import Blob
from sources.codes import CODE

if TYPE_CHECKING:
    import httpx

    from catalog import Catalog, Source, SourceTable
    from sources.client import RetryPolicy

# One row, one fact. `status` is the warehouse's word for the provider's marker (catalog/statuses.yaml),
# `marker` the sign as the provider wrote it; a suppressed value is NULL with its status, never 0.
# The natural key of an observation: one value per indicator, region, period and release. `release` is the
# provider's release date of the figure where its file gives one (the IHK-Fachkräftemonitor's `Stand`: a
# forecast for 2035 of July 2021 and one of June 2022 are two figures), NULL elsewhere; the marts compare the
# newest release of each figure.
OBSERVATION_KEY = ("indicator_id", "region_code", "period", "release")

# The repeated strings (every column but value and source_row) are dictionary-encoded: a batch of a whole table holds
# hundreds of thousands of rows but a few hundred distinct codes, each stored once (sources/codes.py).
OBSERVATION_SCHEMA = pa.schema(
    [
        pa.field("indicator_id", CODE, nullable=False),
        pa.field("region_code", CODE, nullable=False),
        pa.field("period", CODE, nullable=False),
        pa.field("freq", CODE, nullable=False),
        pa.field("value", pa.float64()),
        pa.field("unit", CODE, nullable=False),
        pa.field("status", CODE),
        pa.field("marker", CODE),
        pa.field("source_id", CODE, nullable=False),
        pa.field("table_id", CODE, nullable=False),
        pa.field("batch_id", CODE, nullable=False),
        pa.field("source_row", pa.int64(), nullable=False),
        pa.field("release", CODE),
    ]
)


@dataclass(frozen=True)
class TableRequest:
    """One request of a provider table: years and an optional regional selection (provider parameters)."""

    source_id: str
    table_id: str
    first_year: int
    last_year: int
    regions: tuple[tuple[str, str], ...] = ()  # e.g. (("regionalvariable", "KREISE"), ("regionalkey", "08121,08125"))

    @property
    def region_params(self) -> dict[str, str]:
        return dict(self.regions)

    def describe(self) -> str:
        sel = " ".join(f"{k}={v}" for k, v in self.regions)
        return f"{self.source_id} {self.table_id} {self.first_year}-{self.last_year}" + (f" ({sel})" if sel else "")


# The HTTP validators of one answer: (URL asked, ETag, Last-Modified).
Validator = tuple[str, str | None, str | None]


@dataclass(frozen=True)
class Upstream:
    """What the warehouse holds of a request, as its provider stamped it: the provider's update stamp of the table
    (GENESIS metadata `Updated`) and the HTTP validators of each answer. A client given it asks whether anything
    changed (GENESIS: compares the stamp before downloading; HTTP: conditional requests) and raises
    `sources.errors.NotModified` instead of downloading what is unchanged."""

    provider_updated: str | None = None
    validators: tuple[Validator, ...] = ()

    def validators_for(self, url: str) -> tuple[str | None, str | None] | None:
        """(ETag, Last-Modified) of the answer to `url`, if the warehouse holds one with either."""
        return next(((etag, modified) for asked, etag, modified in self.validators if asked == url), None)


@dataclass(frozen=True)
class RawPayload:
    """One provider answer for one table and request, kept exactly as served."""

    source_id: str
    table_id: str
    url: str
    request: dict[str, str]  # parameters, never credentials
    body: Blob  # the response body as served (a GENESIS zip stays a zip)
    data: Blob  # the data file inside the body (the unzipped CSV); the body itself where it is the data
    content_type: str
    fetched_at: datetime
    etag: str | None = None
    last_modified: str | None = None
    provider_updated: str | None = None  # the provider's own update stamp (GENESIS metadata `Updated`)
    validators: tuple[Validator, ...] = ()  # ETag / Last-Modified of each answer that had one, for conditional requests

    @cached_property
    def sha256(self) -> str:
        """Hash of the data, not of the body: GENESIS zips carry a new timestamp on every request. Computed once: a
        flat file of a whole table is hundreds of MB, and the hash is asked for by the skip, the store and the load."""
        return self.data.sha256()


@dataclass
class ParseResult:
    observations: pa.Table
    rows_read: int
    dropped: dict[str, int] = field(default_factory=dict)  # reason -> number of rows left out
    notes: list[str] = field(default_factory=list)


# A register of an alliance's goals, measures and their results (sources/register/): not observations, but rows of
# tables of their own (core.<name>), each with the key of one row. A changed row is a new vintage; a row the register
# no longer holds is withdrawn (the workbook is the whole register of its alliance).
REGISTER_SCHEMAS = {
    "goals": pa.schema([
        pa.field("alliance", pa.string(), nullable=False), pa.field("goal_id", pa.string(), nullable=False),
        pa.field("title", pa.string(), nullable=False), pa.field("region_code", pa.string(), nullable=False),
        pa.field("indicator_id", pa.string(), nullable=False), pa.field("baseline_year", pa.int32(), nullable=False),
        pa.field("target_kind", pa.string(), nullable=False), pa.field("target_value", pa.float64()),
        pa.field("target_year", pa.int32(), nullable=False), pa.field("direction", pa.string(), nullable=False),
        pa.field("partners", pa.list_(pa.string()), nullable=False), pa.field("note", pa.string()),
        pa.field("example", pa.bool_(), nullable=False), pa.field("batch_id", pa.string(), nullable=False),
        pa.field("source_row", pa.int64(), nullable=False),
    ]),
    "measures": pa.schema([
        pa.field("alliance", pa.string(), nullable=False), pa.field("measure_id", pa.string(), nullable=False),
        pa.field("title", pa.string(), nullable=False), pa.field("partners", pa.list_(pa.string()), nullable=False),
        pa.field("start_year", pa.int32(), nullable=False), pa.field("end_year", pa.int32()),
        pa.field("goal_ids", pa.list_(pa.string()), nullable=False), pa.field("note", pa.string()),
        pa.field("example", pa.bool_(), nullable=False), pa.field("batch_id", pa.string(), nullable=False),
        pa.field("source_row", pa.int64(), nullable=False),
    ]),
    "measure_outputs": pa.schema([
        pa.field("alliance", pa.string(), nullable=False), pa.field("measure_id", pa.string(), nullable=False),
        pa.field("year", pa.int32(), nullable=False), pa.field("output", pa.string(), nullable=False),
        pa.field("value", pa.float64(), nullable=False), pa.field("unit", pa.string(), nullable=False),
        pa.field("source", pa.string(), nullable=False), pa.field("batch_id", pa.string(), nullable=False),
        pa.field("source_row", pa.int64(), nullable=False),
    ]),
}
REGISTER_KEYS = {"goals": ("alliance", "goal_id"), "measures": ("alliance", "measure_id"),
                 "measure_outputs": ("alliance", "measure_id", "year", "output")}
# Columns that say where a row came from, not what it says: a row that moved in the workbook is no new vintage.
REGISTER_PROVENANCE = ("batch_id", "source_row")


@dataclass(frozen=True)
class RegisterRows:
    """What a register's parser delivers instead of observations: the whole register of one alliance, as rows of its
    tables (REGISTER_SCHEMAS), checked against the catalog."""

    alliance: str  # the region whose alliance keeps the register (catalog/registers.yaml)
    tables: dict[str, pa.Table]  # name in REGISTER_SCHEMAS -> its rows
    rows_read: int


@dataclass(frozen=True)
class Download:
    """A file downloaded by hand, as a payload, and the request it stands for (what validation checks it against)."""

    payload: RawPayload
    request: TableRequest


# A regional selection as a request carries it: provider parameters, e.g. (("regionalvariable", "KREISE"), ...).
Selection = tuple[tuple[str, str], ...]


class Client(Protocol):
    """Fetches one table for some years and a regional selection (provider parameters) as raw payloads. Given the
    `upstream` the warehouse holds of the request, it raises `NotModified` where the provider says nothing changed."""

    def fetch(self, table: SourceTable, startyear: int, endyear: int, regions: dict[str, str] | None = None,
              upstream: Upstream | None = None) -> Iterator[RawPayload]: ...

    def raise_if_unchanged(self, table: SourceTable, upstream: Upstream) -> None:
        """Raise `NotModified` where the provider tells, without a download, that the table is still the `upstream`
        the warehouse holds (GENESIS: its update stamp); return where only the download can tell."""


@dataclass(frozen=True)
class ClientSetup:
    """What a provider's client is built from: the source, an httpx client over the live network or over
    recordings, the retry policy, the catalog, the mode (replay, live, record) with the recordings folder, and where
    it may spool what it downloads."""

    source: Source
    http: httpx.Client
    policy: RetryPolicy
    catalog: Catalog
    mode: str
    recordings: Path  # <recordings>/<source id>/: where replay reads and record writes
    # where a client may keep the large data of its answers as files, read as streams (sources/blob.py) instead of
    # holding them in memory; they must last as long as the payloads (a flow run's store). None: in memory
    spool: Path | None = None


@dataclass(frozen=True)
class Provider:
    """One provider module: its client, its parser, and (where a run can choose regions) how the catalog's
    regions become the provider's regional selections."""

    name: str  # `provider:` in catalog/sources.yaml
    client: Callable[[ClientSetup], Client]
    # (payload, table, catalog, batch id) -> observations, or a register's rows (a `register` provider)
    parse: Callable[[RawPayload, SourceTable, Catalog, str], ParseResult | RegisterRows]
    # (catalog codes by level, the table asked for) -> one selection per request; None: no regional selection
    selections: Callable[[dict[str, set[str]], SourceTable | None], list[Selection]] | None = None
    # (source, catalog) -> what a live run lacks before it can fetch anything (credentials, a drop folder), as the
    # line the user reads, or None; checked before the first request, so that the source fails at once
    precondition: Callable[[Source, Catalog], str | None] | None = None
    # (path, source, catalog, table asked for or None, Kreise it must hold or ()) -> a file downloaded from the
    # provider's website, read as a payload: it then takes the fetched path (parse, validate, load); None: no such files
    download: Callable[[Path, Source, Catalog, str | None, tuple[str, ...]], Download] | None = None
    # (stored body, source id, table id) -> the data inside it (GENESIS: the flat file in its zip), for parsing a stored
    # payload again; None: the body is the data
    unpack: Callable[[bytes, str, str], bytes] | None = None
    # (catalog, table id) -> the fingerprint of the catalog entries that shape the parse of the table's payloads (stored
    # with each batch: the same data is parsed again when it changes); None: sources/fingerprint.table_fingerprint
    fingerprint: Callable[[Catalog, str], str] | None = None
