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
def prefect_harness():
    """A temporary Prefect API for flow tests (one per session: starting it takes seconds)."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "prefect_server: starts a real Prefect server, deploys and runs a worker (about 2 min)")
    config.addinivalue_line("markers", "slow: starts real processes (headless Chromium, PDFs); leave out with -m 'not slow'")
