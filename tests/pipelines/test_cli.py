"""The labour-monitor command as a newcomer uses it."""

from __future__ import annotations

from functools import partial

import duckdb
import httpx
import pytest

from pipelines import providers
from pipelines.cli import main
from sources.client import RetryPolicy
from tests.sources.ba_bodies import alo_answer, server

pytestmark = pytest.mark.usefixtures("prefect_harness")


def test_run_then_status(tmp_path, capsys):
    assert main(["--data-dir", str(tmp_path), "run"]) == 0
    out = capsys.readouterr().out
    assert f"Warehouse published: {tmp_path / 'labour_monitor.duckdb'}" in out
    assert "12411-01-01-4   loaded" in out
    assert main(["--data-dir", str(tmp_path), "status"]) == 0
    out = capsys.readouterr().out
    assert "population " in out and "rows   197" in out
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


def test_record_keeps_the_ba_apis_answers_so_that_an_offline_ingest_loads_them(tmp_path, monkeypatch, capsys, catalog):
    """The first live `record` of the BA API is what verifies it: the answers it keeps must replay."""
    names = {k.code: k.name_de.split(",")[0] for k in catalog.kreise_in_scope()}
    answers = {name: alo_answer([100, 90], [2.0, 1.9]) for name in names.values()}
    out = tmp_path / "recordings"
    with monkeypatch.context() as live:  # the live API, as httpx would reach it
        live.setattr(providers, "EnvironmentProxies", lambda: httpx.MockTransport(server(answers, names)))
        live.setattr(providers, "RetryPolicy", partial(RetryPolicy, min_interval=0))
        assert main(["--data-dir", str(tmp_path), "record", "ba-statistik", "--tables", "EckwerteTabelleALOKr", "--out", str(out)]) == 0
    assert "recorded ba-statistik EckwerteTabelleALOKr" in capsys.readouterr().out
    assert "ba-statistik:\n- table: EckwerteTabelleALOKr" in (out / "requests.yaml").read_text(encoding="utf-8")

    monkeypatch.setenv("LABOUR_MONITOR_RECORDINGS", str(out))
    assert main(["--data-dir", str(tmp_path), "ingest", "ba-statistik"]) == 0
    assert "EckwerteTabelleALOKr" in capsys.readouterr().out
    con = duckdb.connect(str(tmp_path / "labour_monitor.duckdb"), read_only=True)
    assert con.execute("SELECT count(*) FROM core.observations WHERE source_id = 'ba-statistik'").fetchone() == (4 * len(names),)


def test_a_live_run_without_credentials_or_network_fails_each_source_with_one_line(tmp_path, monkeypatch, capsys, catalog):
    """Hosts on loopback: Eurostat on a closed port, the BA under a name that does not resolve."""
    import socket

    import sources.ba
    from catalog import base_url_variable

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed = s.getsockname()[1]
    for key in ("REGIO_USERNAME", "REGIO_PASSWORD", "LABOUR_MONITOR_PARTNER_FILES"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv(base_url_variable("eurostat"), f"http://127.0.0.1:{closed}/data/")
    monkeypatch.setenv(base_url_variable("ba-statistik"), "http://ba.invalid/dia/")
    monkeypatch.setattr(sources.ba, "REGION_LIST_URL", "http://ba.invalid/persistListenfelderJSON.js")
    monkeypatch.setattr(providers, "RetryPolicy", partial(RetryPolicy, min_interval=0, backoff=0.05))

    assert main(["--data-dir", str(tmp_path), "run", "--live"]) == 1
    captured = capsys.readouterr()
    failed = [line.strip() for line in captured.out.splitlines() if line.strip().startswith("FAILED:")]
    assert len(failed) == 7, failed  # one line per enabled source
    lines = dict((line.split(":", 2)[1].split(",")[0].removeprefix(" source "), line) for line in failed)
    assert "no credentials: set REGIO_USERNAME and REGIO_PASSWORD" in lines["regionalstatistik"]
    assert f"host 127.0.0.1 did not answer (4 attempt(s)" in lines["eurostat"] and "ConnectError" in lines["eurostat"]
    assert "host ba.invalid did not answer" in lines["ba-statistik"]
    for partner in ("ihk-heilbronn-franken", "ba-statistik-dateien", "bibb-ausbildungsmarkt", "fachkraeftebuendnis-heilbronn-franken"):
        assert "no drop folder: set LABOUR_MONITOR_PARTNER_FILES" in lines[partner]
    assert "Traceback" not in captured.out + captured.err


@pytest.mark.slow
def test_the_command_with_no_network_and_no_credentials_exits_within_3_minutes_with_one_line_per_source(tmp_path):
    """The real command in its own process; "no network": every provider host only through a proxy that is down."""
    import os
    import socket
    import subprocess
    import sys
    import time

    from tests.conftest import REPO

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        dead_proxy = f"http://127.0.0.1:{s.getsockname()[1]}"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "REGIO_", "LABOUR_MONITOR_"))} | {
        "PREFECT_HOME": str(tmp_path / "prefect"), "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "ALL_PROXY": dead_proxy, "HTTPS_PROXY": dead_proxy, "HTTP_PROXY": dead_proxy, "NO_PROXY": "127.0.0.1,localhost"}
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "pipelines.cli", "--data-dir", str(tmp_path / "data"), "run", "--live"],
                          cwd=REPO, env=env, capture_output=True, text=True, timeout=240)
    took = time.monotonic() - started
    failed = [line.strip() for line in done.stdout.splitlines() if line.strip().startswith("FAILED:")]
    assert done.returncode == 1 and took < 180, (took, done.stdout[-3000:], done.stderr[-3000:])
    assert len(failed) == 7, failed
    assert sum("did not answer" in line for line in failed) == 2  # Eurostat and the BA, each once
    assert "Traceback" not in done.stdout + done.stderr and "Error logging to API" not in done.stderr
