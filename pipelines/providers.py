"""Wire a catalog source to its provider module (sources/registry.py), over the network or over recordings.

Live and record runs take a source's base_url from `LABOUR_MONITOR_BASE_URL_<SOURCE ID>` where it is set
(catalog `base_url_variable`): the tests' subprocesses get loopback addresses there, so that nothing they
start can reach a provider. Replay keeps the catalog's address: the recordings are keyed by it.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import httpx

from catalog import Source, base_url_variable, default_catalog
from sources.client import RetryPolicy
from sources.contract import Client, ClientSetup, Download
from sources.proxies import EnvironmentProxies
from sources.recording import RecordingTransport, ReplayTransport
from sources.registry import provider

from pipelines.settings import Settings


def transport(source: Source, settings: Settings) -> httpx.BaseTransport:
    folder = settings.recordings_dir / source.id
    if settings.mode == "replay":
        return ReplayTransport(folder, source.id)
    live = EnvironmentProxies()
    return RecordingTransport(live, folder) if settings.mode == "record" else live


def addressed(source: Source, settings: Settings) -> Source:
    """The source as a live or record run reaches it: its base_url replaced by the environment, where set."""
    override = os.environ.get(base_url_variable(source.id))
    return source.model_copy(update={"base_url": override}) if override and settings.mode != "replay" else source


def client_for(source: Source, settings: Settings, spool: Path | None = None) -> Client:
    """`spool`: where the client may keep the large data of its answers as files (sources/contract.py ClientSetup)."""
    policy = (RetryPolicy(attempts=1, min_interval=0) if settings.mode == "replay" else RetryPolicy())
    http = httpx.Client(transport=transport(source, settings), timeout=policy.httpx_timeout(), follow_redirects=False)
    setup = ClientSetup(addressed(source, settings), http, policy, default_catalog(), settings.mode,
                        settings.recordings_dir / source.id, spool)
    return provider(source.provider, source.id).client(setup)


def unpacker(source_id: str, table_id: str) -> Callable[[bytes], bytes]:
    """How the data is read from a stored body of a source's table (GENESIS: the flat file in its zip; else the body)."""
    source = default_catalog().sources[source_id]
    unpack = provider(source.provider, source.id).unpack
    return (lambda body: body) if unpack is None else (lambda body: unpack(body, source.id, table_id))


def unmet_precondition(source: Source, settings: Settings) -> str | None:
    """What a live run lacks to fetch anything of `source` (credentials, a drop folder), as the line the user
    reads; None if nothing. Replay needs nothing."""
    check = provider(source.provider, source.id).precondition
    return None if settings.mode == "replay" or check is None else check(source, default_catalog())


def downloaded(source_id: str, path: Path, tables: list[str] | None, regions: list[str] | None) -> Download:
    """A file the user downloaded from the provider's website, read by the provider module as a payload (the table
    from the file's name or `tables`; `regions`, catalog codes, name the Kreise it must hold)."""
    catalog = default_catalog()
    source = catalog.sources[source_id]
    read = provider(source.provider, source.id).download
    if read is None:
        raise ValueError(f"source {source_id}: no downloaded files for provider {source.provider!r}")
    if tables and len(tables) > 1:
        raise ValueError(f"a downloaded file is one table; got --tables {' '.join(tables)}")
    unknown = sorted(set(regions or ()) - set(catalog.regions))
    if unknown:
        raise ValueError(f"unknown regions {unknown}: use codes of catalog/regions.yaml")
    kreise = sorted({k for code in regions or () for k in (catalog.members(code) or (code,))
                     if catalog.regions[k].level == "kreis"})
    return read(path, source, catalog, tables[0] if tables else None, tuple(kreise))
