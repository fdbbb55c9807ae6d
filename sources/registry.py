"""The providers, registered once: `provider:` in catalog/sources.yaml -> its module's `PROVIDER` (client,
parser, regional selections). A new provider is one module (or folder) with its `PROVIDER`, one line here,
its README section, its catalog entries and its tests."""

from __future__ import annotations

from sources import ba, eurostat, files, genesis, register
from sources.contract import Provider

PROVIDERS: dict[str, Provider] = {p.name: p for p in (genesis.PROVIDER, eurostat.PROVIDER, ba.PROVIDER, files.PROVIDER,
                                                   register.PROVIDER)}


def provider(name: str, source_id: str) -> Provider:
    """The provider module of a source; an unknown `provider:` is an error naming the source."""
    if name not in PROVIDERS:
        raise ValueError(f"source {source_id}: no module for provider {name!r} (known: {sorted(PROVIDERS)})")
    return PROVIDERS[name]
