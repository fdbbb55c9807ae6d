"""A run killed with SIGKILL at any moment never stops the next one (real processes, nothing mocked).

`labour-monitor run` runs as a subprocess with its own temporary Prefect server (a shared PREFECT_HOME, so
that the write slot and its holder record persist between runs, as on a user's machine). Each killed run
has new figures to publish: the runs alternate between two recordings of the sample that differ in one
real revision (08121's population on 31.12.2023: 130,093 before the Zensus-2022 rebasing, 131,653 after).
Throughout, an analyst polls the published file read-only and must never fail.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import psutil
import pytest

from pipelines.holder import read_mirror
from sample.make_recordings import build, figures
from tests.conftest import REPO
from tests.genesis_bodies import OTHER_RELEASE

pytestmark = pytest.mark.slow

REVISED = "SELECT value FROM marts.observations_latest WHERE region_code = '08121' AND period = '2023-12-31' AND indicator_id = 'population'"
BEFORE, AFTER = 130093.0, 131653.0
RECOVERY_SECONDS = 60


@dataclass
class Run:
    proc: subprocess.Popen
    started: float
    lines: list[tuple[float, str]] = field(default_factory=list)
    reader: threading.Thread | None = None

    def read(self) -> None:
        for line in self.proc.stderr:
            self.lines.append((time.monotonic(), line.rstrip()))

    def wait_for(self, text: str, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while not any(text in line for _, line in self.lines):
            assert self.proc.poll() is None and time.monotonic() < deadline, f"no {text!r} in:\n" + self.log()
            time.sleep(0.01)

    def log(self) -> str:
        return "\n".join(line for _, line in self.lines)


@pytest.fixture
def world(tmp_path):
    """Two recordings of the sample (before and after a real revision), a data folder and a Prefect home."""
    # the nationwide 2023 answer (S2) with 08121's total before the rebasing (S3)
    old = next(r for r in figures(current=False) if r["region_code"] == "08121" and r["period"] == "2023-12-31") | {"source": "S2"}
    current = figures()
    build(tmp_path / "before", [r for r in current if not (r["table"] == old["table"] and r["region_code"] == "08121"
                                                           and r["period"] == "2023-12-31")] + [old], updated={old["table"]: OTHER_RELEASE})
    build(tmp_path / "after", current)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")} | {
        "PREFECT_HOME": str(tmp_path / "prefect-home"), "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
    return tmp_path, env


def start(world, recordings: str) -> Run:
    tmp_path, env = world
    proc = subprocess.Popen([sys.executable, "-m", "pipelines.cli", "-v", "--data-dir", str(tmp_path / "data"), "run"],
                            cwd=REPO, env=env | {"LABOUR_MONITOR_RECORDINGS": str(tmp_path / recordings)},
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    run = Run(proc, time.monotonic())
    run.reader = threading.Thread(target=run.read, daemon=True)
    run.reader.start()
    return run


def published(data: Path) -> tuple[float, int]:
    """(the revised figure, runs recorded) as the published file holds them."""
    con = duckdb.connect(str(data / "labour_monitor.duckdb"), read_only=True)
    try:
        return con.execute(REVISED).fetchone()[0], con.execute("SELECT count(*) FROM ops.runs").fetchone()[0]
    finally:
        con.close()


class Analyst(threading.Thread):
    """Opens the published file read-only again and again while runs come and go."""

    def __init__(self, path: Path) -> None:
        super().__init__(daemon=True)
        self.path, self.stop, self.reads, self.errors = path, threading.Event(), 0, []

    def run(self) -> None:
        while not self.stop.is_set():
            try:
                con = duckdb.connect(str(self.path), read_only=True)
                try:
                    assert con.execute(REVISED).fetchone()[0] in (BEFORE, AFTER)
                finally:
                    con.close()
                self.reads += 1
            except Exception as exc:  # noqa: BLE001 (every failure counts)
                self.errors.append(repr(exc))
            time.sleep(0.02)


def _alive(procs: list[psutil.Process]) -> list[psutil.Process]:
    alive = []
    for p in procs:
        try:
            if p.status() != psutil.STATUS_ZOMBIE:
                alive.append(p)
        except psutil.NoSuchProcess:
            pass
    return alive


def complete(world, recordings: str) -> Run:
    run = start(world, recordings)
    assert run.proc.wait(timeout=300) == 0, run.log()
    return run


def test_runs_killed_at_random_moments_never_stop_the_next_run(world):
    tmp_path, _ = world
    data = tmp_path / "data"
    complete(world, "before")
    analyst = Analyst(data / "labour_monitor.duckdb")
    analyst.start()
    rng = random.Random()
    last = "before"
    # (when, the log line after which to kill, up to how many seconds later)
    moments = [("while it holds the write slot", "write slot 'labour-monitor-warehouse' acquired", 2.0),
               ("during publish", "publishing ", 0.0),
               ("at any moment", "", 12.0)]
    recoveries, held_at_kill = [], []
    try:
        for what, after_line, jitter in moments:
            value_before, runs_before = published(data)
            new = "after" if last == "before" else "before"
            killed = start(world, new)
            killed.wait_for(after_line)
            time.sleep(rng.uniform(0, jitter))
            looked_at = time.monotonic()
            family = [psutil.Process(killed.proc.pid), *psutil.Process(killed.proc.pid).children(recursive=True)]
            killed.proc.send_signal(signal.SIGKILL)  # the run's own PID, not its process group; nothing if it ended
            killed.proc.wait()
            killed_at = time.monotonic()
            deadline = time.monotonic() + 10
            while _alive(family) and time.monotonic() < deadline:
                time.sleep(0.05)
            assert not _alive(family), f"killed {what}: left behind {[p.cmdline() for p in _alive(family)]}"
            killed.reader.join(timeout=10)  # every line it wrote before it died
            # its server had started when we looked, and stops only after the flow finished (a run with nothing new to
            # load can finish before the moment comes)
            if (any("temporary Prefect server on" in line and at < looked_at for at, line in killed.lines)
                    and not any("prefect.flow_runs: Finished in state" in line for _, line in killed.lines)):
                assert len(family) >= 2, "the run's temporary server should be among its children"
            # did it hold the slot when it died? Its holder record is in the data folder; a run killed after
            # "releasing write slot" may have given the slot back already and left only its record (which the
            # next run replaces without anything to reclaim)
            record = read_mirror(data)
            holds_slot = (record is not None and record.pid == killed.proc.pid
                          and not any("releasing write slot" in line for _, line in killed.lines))
            held_at_kill.append(holds_slot)

            value, runs = published(data)  # intact, and the last completed run's figures
            assert (value, runs) in ((value_before, runs_before), (AFTER if new == "after" else BEFORE, runs_before + 1)), \
                f"killed {what}: published {value} with {runs} runs, before {value_before} with {runs_before}"
            if runs == runs_before + 1:
                last = new  # it got past the rename: its figures are the published ones

            recovery = complete(world, "after" if last == "before" else "before")
            took = time.monotonic() - recovery.started
            recoveries.append((what, took, time.monotonic() - killed_at))
            assert took < RECOVERY_SECONDS, f"killed {what}: the next run took {took:.0f} s\n{recovery.log()}"
            if holds_slot:
                assert "write slot 'labour-monitor-warehouse' reclaimed from run" in recovery.log()
                assert f"that run is dead (process {killed.proc.pid} no longer runs" in recovery.log()
            last = "after" if last == "before" else "before"
            assert published(data)[0] == (AFTER if last == "after" else BEFORE)
    finally:
        analyst.stop.set()
        analyst.join()
    assert held_at_kill[0], held_at_kill  # the first kill hit the holder, as meant
    print("kill → next run completed:", [(w, f"run {t:.1f} s", f"from the kill {k:.1f} s") for w, t, k in recoveries],
          f"analyst reads: {analyst.reads}")
    assert analyst.reads > 50 and not analyst.errors, analyst.errors[:3]
