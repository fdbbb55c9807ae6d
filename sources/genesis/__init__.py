"""GENESIS REST 2020 (Regionaldatenbank Deutschland, GENESIS-Online): the client (client.py: tables as
raw payloads), the parser of its flat files (flatfile.py) and a flat file downloaded by hand (download.py). See
README.md, "GENESIS".
"""

from __future__ import annotations

from catalog import Catalog, Source, SourceTable
from sources.contract import ClientSetup, ParseResult, Provider, RawPayload, Selection
from sources.genesis.client import Credentials, GenesisClient, stored_flat_file
from sources.genesis.download import read_download
from sources.genesis.flatfile import parse_tablefile

__all__ = ["PROVIDER", "Credentials", "GenesisClient", "parse_tablefile", "regional_selections"]

# The regional variable a request selects for each catalog level; the country (DINSG) takes no key.
REGIONAL_VARIABLE_BY_LEVEL = {"kreis": "KREISE", "regbez": "REGBEZ", "state": "DLAND", "country": "DINSG"}


def regional_selections(codes_by_level: dict[str, set[str]], table: SourceTable | None = None) -> list[Selection]:
    """GENESIS takes one regional variable per request: one selection per level, in the order Kreise,
    Regierungsbezirke, state, Germany."""
    return [
        (("regionalvariable", variable),) + (() if level == "country" else (("regionalkey", ",".join(sorted(codes_by_level[level]))),))
        for level, variable in REGIONAL_VARIABLE_BY_LEVEL.items() if level in codes_by_level
    ]


def client(setup: ClientSetup) -> GenesisClient:
    """Replay sends no credentials (recordings never hold them); live and record read them from the environment."""
    credentials = None if setup.mode == "replay" else Credentials.from_env(setup.source)
    return GenesisClient(setup.source, setup.http, credentials, policy=setup.policy, spool=setup.spool)


def parse(payload: RawPayload, table: SourceTable, catalog: Catalog, batch_id: str) -> ParseResult:
    """The request's `regionalkey` entries name regions whose rows are kept even outside the scope."""
    return parse_tablefile(payload.data, table, catalog, batch_id, tuple(payload.request.get("regionalkey", "").split(",")))


def precondition(source: Source, catalog: Catalog) -> str | None:
    if Credentials.from_env(source) is not None:
        return None
    user, password = source.credentials_env.get("username"), source.credentials_env.get("password")
    return (f"source {source.id}: not fetched, no credentials: set {user} and {password} in the environment "
            f"(or {user} alone to an API token)")


PROVIDER = Provider("genesis", client, parse, regional_selections, precondition, read_download, stored_flat_file)
