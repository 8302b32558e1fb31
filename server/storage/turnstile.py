"""The write lock that the server processes on one SQLite file take in turns.

SQLite's own lock is polled: a writer that finds it taken sleeps (1, 2, 5 ...,
then 100 ms at a time) and looks again. With two server processes each
committing back to back, the waiting one got in only if it happened to look in
the instant between the other's COMMIT and its next BEGIN: under 32 clients
creating tickets, creates waited up to 4.6 s, and past wrk's 5 s (or SQLite's
10 s busy timeout, a 503) they failed. Here a writer waits in the kernel
(``flock``) and is woken the moment the lock is released, and a second lock, the
gate, makes the hand-over fair: a writer holds the gate while it waits for the
lock, so the one that just released the lock must wait at the gate and cannot
take the lock again before it. Under contention the processes alternate.

There is no stale lock to clean up: the kernel drops a process's locks when it
exits, however it dies.
"""

from __future__ import annotations

import fcntl
import os
import weakref
from pathlib import Path


class Turnstile:
    """A fair, cross-process exclusive lock kept in two files beside the database.

    Not for threads of one process to share: callers hold a process lock first
    (``QueuedSqliteDatabase``), so one thread per process is ever inside.
    """

    def __init__(self, database_path: str) -> None:
        self._paths = (Path(f"{database_path}-gate"), Path(f"{database_path}-lock"))
        self._files: tuple[int, int] | None = None
        self._opened_by = 0

    def acquire(self) -> None:
        """Wait (in the kernel, in turn) until this process holds the lock."""
        gate, lock = self._open()
        fcntl.flock(gate, fcntl.LOCK_EX)
        try:
            fcntl.flock(lock, fcntl.LOCK_EX)
        finally:
            fcntl.flock(gate, fcntl.LOCK_UN)

    def release(self) -> None:
        """Let the next writer in; harmless when not held."""
        if self._files is not None and self._opened_by == os.getpid():
            fcntl.flock(self._files[1], fcntl.LOCK_UN)

    def _open(self) -> tuple[int, int]:
        """This process's own descriptors (a forked child must not share its parent's locks)."""
        if self._files is None or self._opened_by != os.getpid():
            flags = os.O_RDWR | os.O_CREAT | os.O_CLOEXEC
            files = (os.open(self._paths[0], flags, 0o600), os.open(self._paths[1], flags, 0o600))
            weakref.finalize(self, _close, files)
            self._files, self._opened_by = files, os.getpid()
        return self._files


def _close(files: tuple[int, int]) -> None:
    for fd in files:
        os.close(fd)
