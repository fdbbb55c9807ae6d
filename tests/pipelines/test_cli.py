"""The labour-monitor command as a newcomer uses it."""

from __future__ import annotations

import pytest

from pipelines.cli import main

pytestmark = pytest.mark.usefixtures("prefect_harness")


def test_run_then_status(tmp_path, capsys):
    assert main(["--data-dir", str(tmp_path), "run"]) == 0
    out = capsys.readouterr().out
    assert f"Warehouse published: {tmp_path / 'labour_monitor.duckdb'}" in out
    assert "12411-01-01-4   loaded" in out
    assert main(["--data-dir", str(tmp_path), "status"]) == 0
    out = capsys.readouterr().out
    assert "population " in out and "rows    50" in out
    assert "provider updated 31.03.2025 11:18:07h" in out


def test_ingest_with_years_outside_the_sample_fails_clearly(tmp_path, capsys):
    assert main(["--data-dir", str(tmp_path), "ingest", "regionalstatistik", "--tables", "13111-01-03-4", "--years", "2010-2011"]) == 1
    out = capsys.readouterr().out
    assert "FAILED: source regionalstatistik" in out and "no recorded response" in out


def test_bad_year_range_is_a_usage_error(tmp_path):
    with pytest.raises(SystemExit):
        main(["--data-dir", str(tmp_path), "ingest", "regionalstatistik", "--years", "2024-2020"])


def test_status_without_a_warehouse_says_what_to_do(tmp_path, capsys):
    assert main(["--data-dir", str(tmp_path), "status"]) == 1
    assert "labour-monitor run" in capsys.readouterr().err
