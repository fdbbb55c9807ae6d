"""Private build file, atomic publish, readers never blocked, failed runs leave the published file alone."""

from __future__ import annotations

import threading
import time

import duckdb
import pytest

from warehouse.publish import Paths, build_session


def publish_value(paths: Paths, value: int) -> None:
    with build_session(paths) as con:
        con.execute("CREATE OR REPLACE TABLE marts.probe AS SELECT ? AS v", [value])


def read(paths: Paths) -> int:
    con = duckdb.connect(str(paths.published), read_only=True)
    try:
        return con.execute("SELECT v FROM marts.probe").fetchone()[0]
    finally:
        con.close()


def test_an_open_read_only_session_does_not_block_a_run_and_keeps_its_snapshot(tmp_path):
    paths = Paths(tmp_path)
    publish_value(paths, 1)
    analyst = duckdb.connect(str(paths.published), read_only=True)
    publish_value(paths, 2)  # would raise a lock error if it wrote the file the analyst holds
    assert analyst.execute("SELECT v FROM marts.probe").fetchone()[0] == 1
    analyst.close()
    assert read(paths) == 2


def test_a_failed_run_leaves_the_published_file_as_it_was(tmp_path):
    paths = Paths(tmp_path)
    publish_value(paths, 1)
    with pytest.raises(RuntimeError):
        with build_session(paths) as con:
            con.execute("CREATE OR REPLACE TABLE marts.probe AS SELECT 99 AS v")
            raise RuntimeError("provider exploded")
    assert read(paths) == 1
    assert not paths.build.exists()


def test_two_runs_on_one_machine_build_one_after_the_other(tmp_path, caplog):
    paths = Paths(tmp_path)
    publish_value(paths, 0)
    events: list[str] = []
    entered = threading.Event()

    def first() -> None:
        with build_session(paths) as con:
            events.append("first in")
            entered.set()
            time.sleep(0.5)
            con.execute("CREATE OR REPLACE TABLE marts.probe AS SELECT 1 AS v")
            events.append("first out")

    def second() -> None:
        entered.wait()
        with build_session(paths) as con:
            events.append("second in")
            value = con.execute("SELECT v FROM marts.probe").fetchone()[0]
            con.execute("CREATE OR REPLACE TABLE marts.probe AS SELECT ? AS v", [value + 1])

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert events == ["first in", "first out", "second in"]
    assert read(paths) == 2  # the second run built on the first run's published result
    assert "waiting" in caplog.text
