"""Shared fixtures. Prefect gets its own home and no telemetry; nothing may call out to the network."""

from __future__ import annotations

import os
import sys
import tempfile

_PREFECT_HOME = tempfile.mkdtemp(prefix="lm-prefect-")
os.environ["PREFECT_HOME"] = _PREFECT_HOME
os.environ["PREFECT_SERVER_ANALYTICS_ENABLED"] = "false"
os.environ["PREFECT_API_URL"] = ""
os.environ["LABOUR_MONITOR_REPORT"] = "off"  # runs leave the report out, except in the tests about it
os.environ.pop("REGIO_USERNAME", None)
os.environ.pop("REGIO_PASSWORD", None)

from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

from catalog import Catalog, default_catalog  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
# The team's real provider files (../shared/reference beside the checkout), read where they lie, never copied.
REFERENCE = REPO.parent / "shared" / "reference"


@pytest.fixture(autouse=True)
def _prefect_console_outside_capsys():
    """Prefect's console log handler keeps the sys.stderr it was created with. Created during a test
    that uses capsys, it would write to that test's closed stream in every later test ("I/O operation
    on closed file", then a RecursionError). Point it at pytest's session-wide stream before each test."""
    import logging

    from prefect.logging.handlers import PrefectConsoleHandler

    loggers = [logging.getLogger(), *(logging.getLogger(n) for n in list(logging.root.manager.loggerDict))]
    for handler in {h for lg in loggers for h in getattr(lg, "handlers", []) if isinstance(h, PrefectConsoleHandler)}:
        handler.stream = sys.stderr  # not setStream(): it would flush the closed stream
        handler.console.file = sys.stderr
    yield


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    return default_catalog()


@pytest.fixture(scope="session")
def bw_catalog(catalog) -> Catalog:
    """The catalog of a deployment that narrowed its scope to Baden-Württemberg (regions.yaml `scope: states: ["08"]`)."""
    import dataclasses

    from catalog import Scope

    return dataclasses.replace(catalog, scope=Scope(states=("08",)))


@pytest.fixture(scope="session")
def kinds(catalog):
    """The file kinds of catalog/partner_files.yaml."""
    from catalog.partner_files import load_kinds

    return load_kinds(catalog)


@pytest.fixture
def con(tmp_path, catalog):
    """A new warehouse of the test's own, with the catalog written into its core tables."""
    from warehouse.load import connect
    from warehouse.reference import write_catalog

    con = connect(tmp_path / "w.duckdb")
    write_catalog(con, catalog)
    return con


@pytest.fixture(scope="session")
def validator(tmp_path_factory, catalog):
    """The GX validator, built once (its suites and checkpoints take seconds) in a folder of the session."""
    from expectations.validate import Validator

    return Validator(tmp_path_factory.mktemp("gx"), catalog)


def subprocess_env(base: dict[str, str] | None = None) -> dict[str, str]:
    """The environment for a process a test starts: every source's base URL on a loopback port where nothing
    listens (pipelines/providers.py), so that a live request it might make fails at once, on this machine."""
    from catalog import base_url_variable

    env = dict(os.environ if base is None else base)
    return env | {base_url_variable(s): f"http://127.0.0.1:9/{s}/" for s in default_catalog().sources}


@pytest.fixture(scope="session")
def prefect_harness():
    """A temporary Prefect API for flow tests (one per session: starting it takes seconds)."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield
