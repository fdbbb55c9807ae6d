"""Wire a catalog source to its provider module, over the network or over recordings."""

from __future__ import annotations

import httpx

from catalog import Source, default_catalog
from sources.client import RetryPolicy
from sources.eurostat import EurostatClient
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


def eurostat_client(source: Source, settings: Settings, policy: RetryPolicy | None = None) -> EurostatClient:
    policy = _policy(settings, policy)
    return EurostatClient(source, _http(source, settings, policy), default_catalog(), policy=policy)


CLIENTS = {"genesis": genesis_client, "eurostat": eurostat_client}


def client_for(source: Source, settings: Settings) -> GenesisClient | EurostatClient:
    try:
        return CLIENTS[source.provider](source, settings)
    except KeyError:
        raise ValueError(f"source {source.id}: no module for provider {source.provider!r}") from None
