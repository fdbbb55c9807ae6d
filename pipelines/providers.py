"""Wire a catalog source to its provider module, over the network or over recordings."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import httpx

from catalog import Source, default_catalog
from sources.ba import BAClient
from sources.client import CatalogClient, RetryPolicy
from sources.eurostat import EurostatClient
from catalog.partner_files import load_kinds
from sources.files import DROP_FOLDER_ENV, FilesClient
from sources.genesis import Credentials, GenesisClient
from sources.recording import RecordingTransport, ReplayTransport

from pipelines.settings import Settings


def transport(source: Source, settings: Settings) -> httpx.BaseTransport:
    folder = settings.recordings_dir / source.id
    if settings.mode == "replay":
        return ReplayTransport(folder, source.id)
    live = httpx.HTTPTransport(retries=0)
    return RecordingTransport(live, folder) if settings.mode == "record" else live


def _policy(settings: Settings, policy: RetryPolicy | None) -> RetryPolicy:
    return policy or (RetryPolicy(attempts=1, min_interval=0) if settings.mode == "replay" else RetryPolicy())


def _http(source: Source, settings: Settings, policy: RetryPolicy) -> httpx.Client:
    return httpx.Client(transport=transport(source, settings), timeout=policy.timeout, follow_redirects=False)


def genesis_client(source: Source, settings: Settings, policy: RetryPolicy | None = None) -> GenesisClient:
    policy = _policy(settings, policy)
    credentials = None if settings.mode == "replay" else Credentials.from_env(source)
    return GenesisClient(source, _http(source, settings, policy), credentials, policy=policy)


def catalog_client(cls: type[CatalogClient]) -> Callable[..., CatalogClient]:
    """A client of a provider whose requests the catalog plans (sources/client.py CatalogClient)."""

    def make(source: Source, settings: Settings, policy: RetryPolicy | None = None) -> CatalogClient:
        policy = _policy(settings, policy)
        return cls(source, _http(source, settings, policy), default_catalog(), policy=policy)

    return make


def files_client(source: Source, settings: Settings, policy: RetryPolicy | None = None) -> FilesClient:
    """Partner files. Replay reads the copies beside the recordings (<recordings>/<source id>/); live and
    record read the drop folder $LABOUR_MONITOR_PARTNER_FILES/<source id>/, and record keeps a copy for replay."""
    policy = _policy(settings, policy)
    recorded = settings.recordings_dir / source.id
    drop = os.environ.get(DROP_FOLDER_ENV)
    folder = recorded if settings.mode == "replay" else (Path(drop) / source.id if drop else None)
    return FilesClient(source, load_kinds(default_catalog()), folder, _http(source, settings, policy), policy,
                       keep_in=recorded if settings.mode == "record" else None)


CLIENTS = {"genesis": genesis_client, "eurostat": catalog_client(EurostatClient), "files": files_client, "ba": catalog_client(BAClient)}


def client_for(source: Source, settings: Settings) -> GenesisClient | EurostatClient | FilesClient | BAClient:
    try:
        return CLIENTS[source.provider](source, settings)
    except KeyError:
        raise ValueError(f"source {source.id}: no module for provider {source.provider!r}") from None
