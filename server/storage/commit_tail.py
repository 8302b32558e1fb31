"""Storage: what a write transaction does last, just before its COMMIT.

The event log must become visible in id order (a stream that saw event 11 must
never later find a 10), so on PostgreSQL the ids are handed out under one
advisory lock held until COMMIT. Held from the first statement of a change, it
serialised every write of every process behind Python composing mails (the
lock was busy in 100 % of samples), and it was taken after whatever row locks
the batch already held, in a different order on each process: ``deadlock
detected``. So a change only *appends* its events here; the batch's owner
(``group_commit``, or a transaction of its own such as the SLA check) calls
``finish`` as its last step, which runs the registered finisher (the journal's
``seal``: lock, ids, INSERTs, NOTIFY) and then commits. The order lock is then
always the last lock a transaction takes, and it is held for a few statements.

The pending items belong to the thread's transaction; a change that fails is
undone with ``undo(mark)`` together with its savepoint.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

Finisher = Callable[[list[Any]], None]

_local = threading.local()
_finisher: list[Finisher] = []


def set_finisher(finisher: Finisher) -> None:
    """Register what ``finish`` does with the pending items (the journal does, at import)."""
    _finisher[:] = [finisher]


def _items() -> list[Any]:
    items: list[Any] | None = getattr(_local, "items", None)
    if items is None:
        items = _local.items = []
    return items


def append(item: Any) -> None:
    """Queue ``item`` for the end of the current transaction."""
    _items().append(item)


def mark() -> int:
    """Where the pending items stand now (before a change runs)."""
    return len(_items())


def undo(position: int) -> None:
    """Forget what was appended since ``position`` (its change was rolled back)."""
    del _items()[position:]


def finish() -> None:
    """Hand the pending items to the finisher; call last inside the transaction."""
    items = _items()
    if not items:
        return
    _local.items = []
    for finisher in _finisher:
        finisher(items)


def discard() -> None:
    """Drop the pending items (the transaction failed as a whole)."""
    _local.items = []
