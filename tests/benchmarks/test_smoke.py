"""The benchmarks still run against the current code (tiny sizes; no timing is asserted here)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.conftest import REPO, subprocess_env


def run(script: str, *args: str) -> str:
    proc = subprocess.run([sys.executable, str(REPO / "benchmarks" / script), *args], capture_output=True, text=True,
                          cwd=REPO, timeout=600, env=subprocess_env())
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    return proc.stdout


def test_the_ingest_benchmark_runs_and_reports_its_ratios():
    out = run("ingest.py", "--kreise", "3", "--years", "2", "--repeat", "1")
    assert "current rows in the database after both loads 324" in out and out.splitlines()[-1].startswith("ingest/bare = ")


def test_the_mart_benchmark_runs_and_reports_the_rebuild():
    out = run("marts.py", "--kreise", "40", "--indicators", "4", "--years", "6")
    assert "full mart rebuild" in out and "core.observations                   960 rows" in out


def test_the_report_benchmark_runs_and_reports_seconds_per_page():
    out = run("report.py", "--kreise", "40", "--indicators", "4", "--years", "3", "--no-pdf")
    assert "pages written: 42 (2 partner regions, 40 Kreise)" in out and "seconds per Kreis page" in out and "report total" in out


@pytest.mark.slow
def test_the_nightly_benchmark_runs_twice_and_the_second_run_downloads_nothing():
    out = run("nightly.py", "--years", "1")
    assert "data requests in the rerun: 0" in out and "Prefect (flow run created, states, results)" in out
    assert out.splitlines()[-1].startswith("rerun/full = ")
