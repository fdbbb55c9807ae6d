"""A tied child dies with its parent, also when only the parent's PID gets SIGKILL."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import psutil
import pytest

from tests.conftest import REPO, subprocess_env

pytestmark = pytest.mark.slow  # kills processes


def _alive(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def test_a_tied_child_is_killed_with_its_parent_and_an_untied_one_is_not():
    parent = subprocess.Popen(
        [sys.executable, "-c", "import subprocess, time, processes.tied as t\n"
         "tied = t.popen(['sleep', '60']); free = subprocess.Popen(['sleep', '60'])\n"
         "print(tied.pid, free.pid, flush=True); time.sleep(60)"],
        stdout=subprocess.PIPE, text=True, cwd=REPO, env=subprocess_env())
    tied, free = (int(x) for x in parent.stdout.readline().split())
    try:
        deadline = time.monotonic() + 10
        while (psutil.Process(tied).cmdline() or [""])[0] != "sleep":  # exec'd the real command (empty while it execs)
            assert time.monotonic() < deadline
            time.sleep(0.05)
        os.kill(parent.pid, signal.SIGKILL)
        parent.wait()
        deadline = time.monotonic() + 5
        while _alive(tied) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not _alive(tied)
        assert _alive(free)  # what plain subprocess does: the reason for tying
    finally:
        for pid in (tied, free):
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)
