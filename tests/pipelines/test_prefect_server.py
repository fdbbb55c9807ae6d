"""The deployments against a real Prefect server, used the way the README says and the UI does.

One server for the module: `prefect server start` on a free loopback port with its own PREFECT_HOME and
telemetry off, `prefect deploy --all` from the checkout, a process worker started elsewhere (so the
deployments' pull step must bring the flows back to the checkout). Flow runs are created through the
REST API exactly as the UI's "Run" form does. Everything started is stopped at the end, also on failure.
About two minutes on two cores.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb
import httpx
import psutil
import pytest

from pipelines.holder import HOLDER_VARIABLE
from pipelines.writer import WRITER_LIMIT
from tests.conftest import subprocess_env
from tests.fake_credentials import FAKE_PASSWORD, FAKE_USER

REPO = Path(__file__).resolve().parents[2]
PREFECT = str(Path(sys.executable).with_name("prefect"))
USER, PASSWORD = FAKE_USER, FAKE_PASSWORD  # in the worker's environment; must never show up

pytestmark = [pytest.mark.prefect_server, pytest.mark.slow]


@dataclass
class Server:
    url: str  # the UI; the API is under /api
    env: dict[str, str]
    data: Path
    work: Path

    def api(self, method: str, path: str, **kwargs) -> httpx.Response:  # noqa: ANN003
        """One API call; a 503 (SQLite busy under the worker's writes) is retried, as Prefect's own client does."""
        for attempt in range(6):
            response = httpx.request(method, f"{self.url}/api{path}", timeout=90, **kwargs)
            if response.status_code != 503:
                break
            time.sleep(0.5 * 2**attempt)
        response.raise_for_status()
        return response

    def deployment(self, name: str) -> dict:
        return self.api("GET", f"/deployments/name/{name}/{name}").json()

    def run_from_ui(self, deployment: str, parameters: dict) -> str:
        """What the UI's Run form posts."""
        body = {"parameters": parameters, "state": {"type": "SCHEDULED", "message": "Run from the Prefect UI"}}
        return self.api("POST", f"/deployments/{self.deployment(deployment)['id']}/create_flow_run", json=body).json()["id"]

    def logs(self, run_id: str) -> list[dict]:
        return self.api("POST", "/logs/filter", json={"logs": {"flow_run_id": {"any_": [run_id]}}, "sort": "TIMESTAMP_ASC"}).json()

    def messages(self, run_id: str) -> list[str]:
        return [log["message"] for log in self.logs(run_id)]

    def logs_with(self, run_id: str, *starts: str, timeout: float = 60) -> list[dict]:
        """The run's logs once a line starting with each of `starts` has arrived (the server stores them a little later)."""
        deadline = time.monotonic() + timeout
        while True:
            logs = self.logs(run_id)
            missing = [s for s in starts if not any(log["message"].startswith(s) for log in logs)]
            if not missing or time.monotonic() > deadline:
                assert not missing, f"no log line starting with {missing} in {[log['message'] for log in logs]}"
                return logs
            time.sleep(2)

    def artifacts(self, run_id: str) -> dict[str, object]:
        found = self.api("POST", "/artifacts/filter", json={"artifacts": {"flow_run_id": {"any_": [run_id]}}}).json()
        return {a["key"]: json.loads(a["data"]) if a["type"] == "table" else a["data"] for a in found}

    def wait_for(self, run_id: str, until=lambda run, logs: False, timeout: float = 300) -> dict:  # noqa: ANN001
        """Poll until the run is final (or `until` holds); fail with its logs and the worker's if it is not Completed."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            run = self.api("GET", f"/flow_runs/{run_id}").json()
            state = run["state"]["type"] if run["state"] else None
            if state in ("COMPLETED", "FAILED", "CRASHED", "CANCELLED") or until(run, self.messages(run_id)):
                break
            time.sleep(2)
        detail = "\n".join(self.messages(run_id)) + "\n--- worker ---\n" + (self.work / "worker.log").read_text()[-4000:]
        assert until(run, self.messages(run_id)) or state == "COMPLETED", f"flow run {run_id} is {state}:\n{detail}"
        return run


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start(args: list[str], env: dict[str, str], cwd: Path, log: Path) -> subprocess.Popen:
    return subprocess.Popen(args, env=env, cwd=cwd, stdout=log.open("w"), stderr=subprocess.STDOUT, start_new_session=True)


def _stop(proc: subprocess.Popen) -> None:
    """Stop a process we started and everything it started (the worker's flow-run processes)."""
    try:
        family = psutil.Process(proc.pid).children(recursive=True)
    except psutil.NoSuchProcess:
        family = []
    for p in [psutil.Process(proc.pid)] + family if proc.poll() is None else family:
        try:
            p.send_signal(signal.SIGTERM)
        except psutil.NoSuchProcess:
            pass
    _, alive = psutil.wait_procs(family, timeout=15)
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        alive.append(psutil.Process(proc.pid))
    for p in alive:
        try:
            p.kill()
        except psutil.NoSuchProcess:
            pass


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[Server]:
    work = tmp_path_factory.mktemp("prefect-server")
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    env = subprocess_env({k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}) | {
        "PREFECT_HOME": str(work / "prefect-home"),
        "PREFECT_API_URL": f"{url}/api",
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_SERVER_UI_SHOW_PROMOTIONAL_CONTENT": "false",
        "PREFECT_API_LOG_RETRYABLE_ERRORS": "true",
        "PREFECT_WORKER_QUERY_SECONDS": "2",
        "PREFECT_SERVER_DATABASE_TIMEOUT": "60",  # SQLite: wait for a lock instead of failing on a busy 2-core machine
        "LABOUR_MONITOR_DATA": str(work / "data"),
        "REGIO_USERNAME": USER,
        "REGIO_PASSWORD": PASSWORD,
    }
    started: list[subprocess.Popen] = []
    try:
        started.append(_start([PREFECT, "server", "start", "--host", "127.0.0.1", "--port", str(port)], env, work, work / "server.log"))
        deadline = time.monotonic() + 180
        while True:
            try:
                if httpx.get(f"{url}/api/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline and started[0].poll() is None, (work / "server.log").read_text()[-4000:]
            time.sleep(1)
        for args in (["work-pool", "create", "labour-monitor", "--type", "process"], ["--no-prompt", "deploy", "--all"]):
            done = subprocess.run([PREFECT, *args], env=env, cwd=REPO, capture_output=True, text=True, timeout=300)
            assert done.returncode == 0, done.stdout + done.stderr
        started.append(_start([PREFECT, "worker", "start", "--pool", "labour-monitor"], env, work, work / "worker.log"))
        yield Server(url, env, work / "data", work)
    finally:
        for proc in reversed(started):
            _stop(proc)


def test_deploy_registers_the_six_deployments_on_a_process_pool_and_the_nightly_schedule(server):
    assert server.api("GET", "/work_pools/labour-monitor").json()["type"] == "process"
    for name in ("nightly", "ingest-source", "build-marts", "backfill", "report", "review"):
        deployment = server.deployment(name)
        assert deployment["work_pool_name"] == "labour-monitor"
        assert deployment["pull_steps"] == [{"prefect.deployments.steps.set_working_directory": {"directory": str(REPO)}}]
    nightly = server.deployment("nightly")
    assert [(s["schedule"]["cron"], s["schedule"]["timezone"], s["active"]) for s in nightly["schedules"]] == [
        ("0 2 * * *", "Europe/Berlin", True)]
    # and the server's scheduler turns it into runs at 02:00 Berlin time
    deadline, upcoming = time.monotonic() + 90, []
    while not upcoming and time.monotonic() < deadline:
        time.sleep(1)
        upcoming = server.api("POST", "/flow_runs/filter", json={
            "deployments": {"id": {"any_": [nightly["id"]]}}, "flow_runs": {"state": {"type": {"any_": ["SCHEDULED"]}}},
            "sort": "EXPECTED_START_TIME_ASC", "limit": 5}).json()
    starts = [datetime.fromisoformat(r["expected_start_time"]).astimezone(ZoneInfo("Europe/Berlin")) for r in upcoming]
    assert starts and all((t.hour, t.minute) == (2, 0) for t in starts), starts

    form = server.deployment("ingest-source")["parameter_openapi_schema"]["properties"]
    assert list(form) == ["source", "tables", "first_year", "last_year", "regions", "live", "data_dir", "file", "force"]
    assert all(field.get("description") for field in form.values())
    assert "regionalstatistik" in form["source"]["enum"] and "heilbronn-franken" in form["regions"]["items"]["enum"]
    # the report is rebuilt on demand, for chosen regions or every partner region
    report = server.deployment("report")["parameter_openapi_schema"]["properties"]
    assert list(report) == ["regions", "data_dir"] and "heilbronn-franken" in report["regions"]["items"]["enum"]
    # the alliance's yearly review of its goals, on demand: as published now or at the end of a given day
    review = server.deployment("review")
    assert list(review["parameter_openapi_schema"]["properties"]) == ["alliance", "year", "as_of", "data_dir"]
    assert all(field.get("description") for field in review["parameter_openapi_schema"]["properties"].values())
    assert review["parameters"] == {"alliance": "heilbronn-franken", "year": 2025}
    backfill = server.deployment("backfill")
    assert backfill["parameter_openapi_schema"]["required"] == ["first_year", "last_year"]
    assert backfill["parameters"] == {"first_year": 2023, "last_year": 2024, "live": False}


def test_the_server_refuses_a_run_with_a_region_the_catalog_does_not_know(server):
    deployment = server.deployment("ingest-source")["id"]
    response = httpx.post(f"{server.url}/api/deployments/{deployment}/create_flow_run",
                          json={"parameters": {"regions": ["08999"]}}, timeout=30)
    assert response.status_code in (409, 422) and "08999" in response.text


def test_a_run_of_ingest_source_started_like_from_the_ui_completes_and_fills_the_warehouse(server):
    run_id = server.run_from_ui("ingest-source", {"source": "regionalstatistik", "tables": ["13111-01-03-4"],
                                                   "first_year": 2023, "last_year": 2023, "regions": ["heilbronn-franken"]})
    server.wait_for(run_id)

    con = duckdb.connect(str(server.data / "labour_monitor.duckdb"), read_only=True)
    rows = con.execute("SELECT region_code, value FROM marts.observations_latest WHERE indicator_id = 'employees_svb_workplace' "
                       "AND period = '2023-06-30' ORDER BY 1").fetchall()
    con.close()
    assert rows[1] == ("08125", 151059.0) and [r for r, _ in rows] == ["08121", "08125", "08126", "08127", "08128"]

    artifacts = server.artifacts(run_id)
    assert [(b["table"], b["outcome"], b["rows_new"]) for b in artifacts["ingest-source-batches"]] == [("13111-01-03-4", "loaded", 15)]
    assert str(server.data / "labour_monitor.duckdb") in artifacts["ingest-source-summary"]
    assert "data_docs/local_site/index.html" in artifacts["ingest-source-summary"]

    logs = server.logs_with(run_id, "request 1 of 1: regionalstatistik 13111-01-03-4 2023-2023 (regionalvariable=KREISE",
                            "regionalstatistik 13111-01-03-4: loaded (new 15", "ingest-source run completed")
    seen = json.dumps(logs) + json.dumps(artifacts)
    assert USER not in seen and PASSWORD not in seen


def test_two_runs_started_at_once_write_the_warehouse_one_after_the_other(server):
    # Another writer holds the slot while both runs start (as a long nightly run would), so that both
    # must wait whatever the timing; then it lets go and the two take turns.
    server.api("POST", "/v2/concurrency_limits/", json={"name": WRITER_LIMIT, "limit": 1}) if httpx.get(
        f"{server.url}/api/v2/concurrency_limits/{WRITER_LIMIT}").status_code == 404 else None
    lease = server.api("POST", "/v2/concurrency_limits/increment-with-lease",
                       json={"names": [WRITER_LIMIT], "slots": 1, "mode": "concurrency", "lease_duration": 300}).json()
    try:
        runs = [server.run_from_ui("nightly", {}), server.run_from_ui("ingest-source", {"tables": ["13111-01-03-4"]})]
        for run_id in runs:
            server.wait_for(run_id, until=lambda run, logs: any(m.startswith("another run is writing the warehouse") for m in logs))
    finally:
        server.api("POST", "/v2/concurrency_limits/decrement-with-lease", json={"lease_id": lease["lease_id"]})
    for run_id in runs:
        server.wait_for(run_id)

    def held(run_id: str) -> tuple[str, str]:
        acquired, released = f"write slot '{WRITER_LIMIT}' acquired", f"releasing write slot '{WRITER_LIMIT}'"
        logs = server.logs_with(run_id, acquired, released)
        return tuple(next(log["timestamp"] for log in logs if log["message"].startswith(s)) for s in (acquired, released))

    (first_in, first_out), (second_in, second_out) = sorted(held(r) for r in runs)
    assert first_out < second_in  # ISO timestamps of one clock: the second wrote only after the first had finished
    con = duckdb.connect(str(server.data / "labour_monitor.duckdb"), read_only=True)
    flows = con.execute("SELECT flow, state FROM ops.runs WHERE run_id IN (?, ?) ORDER BY 1", runs).fetchall()
    con.close()
    assert flows == [("ingest-source", "completed"), ("nightly", "completed")]


def test_a_flow_run_killed_while_it_writes_leaves_the_slot_to_the_next_run(server):
    """SIGKILL to the worker's flow-run process while it holds the slot: the server's Repossessor would free the
    lease only after it expires; the next run sees from the holder record that the process is gone."""
    for _ in range(3):  # a run that has nothing new to load holds the slot briefly: the kill may come after it gave it back
        first = server.run_from_ui("nightly", {})
        deadline = time.monotonic() + 120
        while (holder := httpx.get(f"{server.url}/api/variables/name/{HOLDER_VARIABLE}", timeout=30)).status_code != 200 \
                or holder.json()["value"]["run_id"] != first:
            assert time.monotonic() < deadline, "the first run never recorded itself as the holder"
            time.sleep(0.2)
        record = holder.json()["value"]
        os.kill(record["pid"], signal.SIGKILL)
        if server.api("GET", f"/v2/concurrency_limits/{WRITER_LIMIT}").json()["active_slots"] == 1:
            break  # killed while it held the slot
    else:
        pytest.fail("each run had given its slot back before it was killed")
    second = server.run_from_ui("ingest-source", {"tables": ["12411-01-01-4"], "first_year": 2024, "last_year": 2024})
    server.wait_for(second, timeout=120)
    line = f"write slot '{WRITER_LIMIT}' reclaimed from run {first}"
    reclaimed = [log["message"] for log in server.logs_with(second, line) if log["message"].startswith(line)]  # logs come late
    assert f"process {record['pid']} no longer runs" in reclaimed[0]
    assert server.api("GET", f"/flow_runs/{first}").json()["state"]["type"] in ("CRASHED", "FAILED", "RUNNING")


@pytest.mark.skipif(shutil.which("chromium") is None, reason="Debian's chromium is not installed (scripts/test.sh installs it)")
def test_the_run_form_of_ingest_source_as_a_user_sees_it_in_chromium(server):
    """Headless Chromium renders the UI's Run form; the PNG is kept ($LABOUR_MONITOR_SCREENSHOTS or the test's folder)."""
    page = f"{server.url}/deployments/deployment/{server.deployment('ingest-source')['id']}/run"
    out = Path(os.environ.get("LABOUR_MONITOR_SCREENSHOTS") or server.work)
    out.mkdir(parents=True, exist_ok=True)
    browser = ["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--window-size=1280,1500",
               "--virtual-time-budget=30000", f"--user-data-dir={server.work / 'chromium'}"]
    dom = subprocess.run([*browser, "--dump-dom", page], capture_output=True, text=True, timeout=180).stdout
    for text in ("ingest-source", "first_year", "regions", "Regions to request", "Call the provider's API"):
        assert text in dom, f"{text!r} is not on the rendered page {page}"
    shot = out / "ingest-source-run-form.png"
    subprocess.run([*browser, f"--screenshot={shot}", page], capture_output=True, timeout=180, check=True)
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 50_000
