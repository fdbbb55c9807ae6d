"""Build in a private file, publish by atomic rename.

DuckDB lets one process write a file and blocks other processes meanwhile, and an analyst's
read-only session blocks a writer. So a run copies the published file to a private build file,
writes there, and swaps it in with `os.replace`: analysts keep reading the old file until they
reconnect, and never see a half-finished run. A lock file keeps two runs on one machine from
building at once; the second waits and says so.
"""

from __future__ import annotations

import fcntl
import logging
import os
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb

from warehouse.load import connect

log = logging.getLogger(__name__)

WAREHOUSE_FILE = "labour_monitor.duckdb"


@dataclass(frozen=True)
class Paths:
    data_dir: Path

    @property
    def published(self) -> Path:
        return self.data_dir / WAREHOUSE_FILE

    @property
    def build(self) -> Path:
        return self.data_dir / "build" / WAREHOUSE_FILE

    @property
    def lock(self) -> Path:
        return self.data_dir / "build" / ".lock"


@contextmanager
def _exclusive(lock_path: Path) -> Iterator[None]:
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with open(lock_path, "w") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            log.warning("another run is building the warehouse (%s); waiting for it to finish", lock_path)
            fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


@contextmanager
def build_session(paths: Paths, before_publish: Callable[[], None] | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    """Yield a connection to a private copy of the warehouse; publish it if the block ends normally.

    `before_publish` may raise to stop the publish (the run lost its write slot)."""
    with _exclusive(paths.lock):
        build = paths.build
        for stale in (build, build.with_name(build.name + ".wal")):
            stale.unlink(missing_ok=True)
        shutil.rmtree(build.with_name(build.name + ".tmp"), ignore_errors=True)  # what a killed run spilled
        if paths.published.exists():
            shutil.copyfile(paths.published, build)
        con = connect(build)
        try:
            yield con
            con.execute("CHECKPOINT")
            if before_publish:
                before_publish()
        except BaseException:
            con.close()
            build.unlink(missing_ok=True)
            log.error("run failed: the published warehouse %s is unchanged", paths.published)
            raise
        con.close()
        log.info("publishing %s", paths.published)
        os.replace(build, paths.published)
        _sync_folder(paths.published.parent)  # the rename itself survives a power cut
        log.info("published %s", paths.published)


def _sync_folder(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
