"""Wire a catalog source to its provider module, over the network or over recordings."""

from __future__ import annotations

import httpx

from catalog import Source
from sources.client import RetryPolicy
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


CLIENTS = {"genesis": genesis_client}


def client_for(source: Source, settings: Settings) -> GenesisClient:
    try:
        return CLIENTS[source.provider](source, settings)
    except KeyError:
        raise ValueError(f"source {source.id}: no module for provider {source.provider!r}") from None
