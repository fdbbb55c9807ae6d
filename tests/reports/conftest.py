"""The sample warehouse, published once for the report's tests, and the report built from it."""

from __future__ import annotations

import os

import pytest

from reports.browser import chromium
from reports.build import build_report


def needs_chromium() -> None:
    """Skip without Chromium; in CI (CI=true) a missing Chromium is a failure, never a skip."""
    if chromium() is None:
        message = "Debian's chromium is not installed (scripts/setup.sh installs it as root)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI: {message}")
        pytest.skip(message)


@pytest.fixture(scope="session")
def published(tmp_path_factory, prefect_harness):
    """A data folder whose warehouse the nightly flow published from the bundled sample."""
    from pipelines.flows import nightly

    data = tmp_path_factory.mktemp("published")
    nightly(data_dir=str(data))
    return data


@pytest.fixture(scope="session")
def report(published):
    """The report of every partner region and its Kreise, PDFs included where Chromium is installed."""
    return build_report(published / "labour_monitor.duckdb", published / "report", pdf=chromium() is not None)
