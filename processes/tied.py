"""Start a child process that is killed when its parent dies, even by SIGKILL.

A process group does not help when only the parent's PID is killed, and `preexec_fn` is unsafe in a
process with threads (Prefect runs several). So the child is started through this module as a small
exec wrapper: it asks the kernel for SIGKILL on its parent's death (`prctl(PR_SET_PDEATHSIG)`), checks
that the parent is still the one that started it (it may have died in between), and then `exec`s the
real command, which keeps the setting. Linux only.

The kernel sends the signal when the *thread* that started the child ends, so start tied children from
the thread that lives as long as the run (the flow's own thread, or the CLI's main thread).
"""

from __future__ import annotations

import ctypes
import os
import shlex
import signal
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

PR_SET_PDEATHSIG = 1


def command(args: Sequence[str]) -> list[str]:
    """`args` wrapped so that the command dies with this process."""
    return [sys.executable, "-m", "processes.tied", str(os.getpid()), *args]


def popen(args: Sequence[str], **kwargs: Any) -> subprocess.Popen:
    """`subprocess.Popen` of `args`, tied to this process."""
    return subprocess.Popen(command(args), **kwargs)


def run(args: Sequence[str], **kwargs: Any) -> subprocess.CompletedProcess:
    """`subprocess.run` of `args`, tied to this process."""
    return subprocess.run(command(args), **kwargs)


def executable(args: Sequence[str], path: Path) -> Path:
    """An executable file at `path` that runs `args`, and the arguments it is called with, tied to this process:
    for a library that starts a program only by its path (Playwright's Node.js driver). Start it from the thread
    that lives as long as the run, like any tied child."""
    path.write_text(f"#!/bin/sh\nexec {shlex.join(command(args))} \"$@\"\n", encoding="utf-8")
    path.chmod(0o700)
    return path


def main(argv: list[str]) -> None:
    parent, args = int(argv[1]), argv[2:]
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_PDEATHSIG) failed")
    if os.getppid() != parent:  # the parent died before the setting took effect
        sys.exit(1)
    os.execvp(args[0], args)


if __name__ == "__main__":
    main(sys.argv)
