"""Wire a catalog source to its provider module, over the network or over recordings."""

from __future__ import annotations

import os
from pathlib import Path

import httpx

from catalog import Source, default_catalog
from sources.client import RetryPolicy
from sources.files import DROP_FOLDER_ENV, FilesClient, load_kinds
from sources.genesis import Credentials, GenesisClient
from sources.recording import RecordingTransport, ReplayTransport

from pipelines.settings import Settings


def transport(source: Source, settings: Settings) -> httpx.BaseTransport:
    folder = settings.recordings_dir / source.id
    if settings.mode == "replay":
        return ReplayTransport(folder, source.id)
    live = httpx.HTTPTransport(retries=0)
    return RecordingTransport(live, folder) if settings.mode == "record" else live


def genesis_client(source: Source, settings: Settings, policy: RetryPolicy | None = None) -> GenesisClient:
    replay = settings.mode == "replay"
    policy = policy or (RetryPolicy(attempts=1, min_interval=0) if replay else RetryPolicy())
    http = httpx.Client(transport=transport(source, settings), timeout=policy.timeout, follow_redirects=False)
    credentials = None if replay else Credentials.from_env(source)
    return GenesisClient(source, http, credentials, policy=policy)


def files_client(source: Source, settings: Settings, policy: RetryPolicy | None = None) -> FilesClient:
    """Partner files. Replay reads the copies beside the recordings (<recordings>/<source id>/); live and
    record read the drop folder $LABOUR_MONITOR_PARTNER_FILES/<source id>/, and record keeps a copy for replay."""
    replay = settings.mode == "replay"
    policy = policy or (RetryPolicy(attempts=1, min_interval=0) if replay else RetryPolicy())
    http = httpx.Client(transport=transport(source, settings), timeout=policy.timeout, follow_redirects=False)
    recorded = settings.recordings_dir / source.id
    drop = os.environ.get(DROP_FOLDER_ENV)
    folder = recorded if replay else (Path(drop) / source.id if drop else None)
    return FilesClient(source, load_kinds(default_catalog()), folder, http, policy,
                       keep_in=recorded if settings.mode == "record" else None)


CLIENTS = {"genesis": genesis_client, "files": files_client}


def client_for(source: Source, settings: Settings) -> GenesisClient | FilesClient:
    try:
        return CLIENTS[source.provider](source, settings)
    except KeyError:
        raise ValueError(f"source {source.id}: no module for provider {source.provider!r}") from None
