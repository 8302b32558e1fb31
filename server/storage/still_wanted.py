"""Storage layer (write path): whether a write's request still wants it; unwanted, it is not committed.

A client that gives up (it timed out, or its user pressed Ctrl-C) closes the
connection, but the request's thread goes on: before this, a write stuck behind
an outage committed whenever the database came back, minutes after the client
was told nothing. Now each write request carries a ``Wanted`` (set by
``server.http.disconnect_watch`` in a context variable the request's threads
inherit). The write claims it just before its change runs (group commit) or its
COMMIT is sent (a transaction of its own); once the client is gone the claim
fails and nothing is written. A claim that succeeded cannot be undone, so the
gap left is the COMMIT already on the wire, which no server can take back: for
that, every write honours ``Idempotency-Key``.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

GONE = "the client went away before the change was committed; nothing was written"


class Abandoned(Exception):
    """The change was not committed because its request had given up on it.

    The API answers it 503 with ``Retry-After: 1`` (server/http/errors.py).
    """

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class Wanted:
    """One request's claim on its writes: pending, claimed (committing) or abandoned."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._claims = 0
        self._abandoned: str | None = None

    def give_up(self, reason: str = GONE) -> bool:
        """Abandon the writes not yet claimed; False if one is committing right now."""
        with self._lock:
            if self._claims:
                return False
            self._abandoned = self._abandoned or reason
            return True

    def claim(self) -> None:
        """Mark a write as committing. Raises Abandoned if the request gave up first."""
        with self._lock:
            if self._abandoned is not None:
                raise Abandoned(self._abandoned)
            self._claims += 1

    def release(self) -> None:
        """The claimed write has committed or failed."""
        with self._lock:
            self._claims -= 1


_current: ContextVar[Wanted | None] = ContextVar("padcom_still_wanted", default=None)


def current() -> Wanted | None:
    """The ``Wanted`` of the request this thread works for; None outside requests."""
    return _current.get()


@contextmanager
def tracked() -> Iterator[Wanted]:
    """Give the code run inside (and the threads it starts with this context) a new ``Wanted``."""
    wanted = Wanted()
    token = _current.set(wanted)
    try:
        yield wanted
    finally:
        _current.reset(token)


@contextmanager
def claimed(wanted: Wanted | None) -> Iterator[None]:
    """Hold a claim on ``wanted`` (if any) for the duration of a commit."""
    if wanted is None:
        yield
        return
    wanted.claim()
    try:
        yield
    finally:
        wanted.release()
