"""Worker processes die with their supervisor.

uvicorn's ``--workers`` parent spawns each worker; when the parent was killed
with SIGKILL the workers went on serving as orphans (still answering 30 s
later) and a restart failed with "Address already in use". Linux's
parent-death signal sends a worker SIGTERM the moment its parent dies, so it
shuts down gracefully and lets go of the listening socket.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import sys

PR_SET_PDEATHSIG = 1


def die_with_parent() -> None:
    """In a worker spawned by the supervisor: get SIGTERM when the supervisor dies.

    A process not started by ``multiprocessing`` (``serve`` with one worker,
    tests) is left alone: its parent is a shell or a service manager.
    """
    parent = multiprocessing.parent_process()
    if parent is None or not sys.platform.startswith("linux"):
        return
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_PDEATHSIG) failed")
    if os.getppid() != parent.pid:  # the parent died before the signal was armed
        os.kill(os.getpid(), signal.SIGTERM)
