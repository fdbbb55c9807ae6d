"""Who holds the warehouse's write slot, and whether that process still lives.

A killed run cannot release its slot, and neither a flow run still marked Running nor a missing lease
proves anything (a temporary server that dies with its run forgets its leases; a server's Repossessor may
not run). So the holder writes evidence that outlives any server, right after it took the slot:

- in the Prefect API, as the variable `labour-monitor-warehouse-holder` (shared by every run that uses the
  slot, on any machine, and shown in the UI under Variables), and
- in the warehouse's folder, as `build/writer-slot.json` (read by `labour-monitor status` without a server).

The record names the run, its process (host, PID, the process's start time) and the slot's lease, and the
holder renews `renewed_at` every few seconds. It is alive while, on the same host, that PID runs with that
start time (a PID reused after a crash or reboot has another start time); on another host, while it was
renewed within `STALE_AFTER`.
"""

from __future__ import annotations

import json
import os
import socket
import uuid
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psutil

HOLDER_VARIABLE = "labour-monitor-warehouse-holder"
MIRROR_FILE = Path("build") / "writer-slot.json"  # under the data folder
STALE_AFTER = timedelta(seconds=30)


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Holder:
    token: str  # one per acquisition: tells two holders of the same run apart
    run_id: str
    flow: str
    host: str
    pid: int
    pid_started: float  # the process's start time (seconds since the epoch), as psutil reads it
    since: str  # ISO time the slot was taken
    renewed_at: str
    lease_id: str | None
    data_dir: str

    @classmethod
    def me(cls, run_id: str, flow: str, lease_id: str | None, data_dir: Path) -> Holder:
        now = _now().isoformat(timespec="seconds")
        return cls(uuid.uuid4().hex, run_id, flow, socket.gethostname(), os.getpid(),
                   psutil.Process().create_time(), now, now, lease_id, str(data_dir))

    @classmethod
    def from_value(cls, value: object) -> Holder | None:
        """A record as stored; None for anything else (a variable someone else set by hand)."""
        try:
            return cls(**value) if isinstance(value, dict) else None
        except TypeError:
            return None

    def renewed(self) -> Holder:
        return replace(self, renewed_at=_now().isoformat(timespec="seconds"))

    def is_alive(self) -> bool:
        if self.host == socket.gethostname():
            try:
                return abs(psutil.Process(self.pid).create_time() - self.pid_started) < 1.0
            except psutil.NoSuchProcess:
                return False
        return _now() - datetime.fromisoformat(self.renewed_at) < STALE_AFTER

    def why_dead(self) -> str:
        if self.host == socket.gethostname():
            return f"process {self.pid} no longer runs on {self.host}"
        return f"not renewed since {self.renewed_at} (more than {STALE_AFTER.seconds} s)"

    def describe(self) -> str:
        return f"run {self.run_id} ({self.flow}, pid {self.pid} on {self.host}) since {self.since}"


def write_mirror(data_dir: Path, holder: Holder) -> None:
    path = data_dir / MIRROR_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(asdict(holder), indent=1), encoding="utf-8")
    tmp.replace(path)


def read_mirror(data_dir: Path) -> Holder | None:
    try:
        return Holder.from_value(json.loads((data_dir / MIRROR_FILE).read_text(encoding="utf-8")))
    except (OSError, ValueError):
        return None


def remove_mirror(data_dir: Path, token: str) -> None:
    """Remove the folder's record if it is still the one of `token` (a reclaimer may have replaced it)."""
    found = read_mirror(data_dir)
    if found and found.token == token:
        (data_dir / MIRROR_FILE).unlink(missing_ok=True)
