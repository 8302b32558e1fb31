"""Storage layer: the one way a change is written — with its events' consequences, in one transaction.

Every writer comes through ``write``: the API's routes (server/http/deps.py),
the SLA watcher, the demo seed, the CLI and the migrations' data steps. In the
transaction it runs the change, then indexes the words it wrote
(``search_index.recorded``), then ``journal.recorded(events)`` (which queues
the unsaved events and their outbox rows), then, as the last statements before
the COMMIT, ``commit_tail.finish`` (the events get their ids under the
event-order lock and are written with their outbox rows and the NOTIFY that
wakes the other processes; see commit_tail.py); after the COMMIT,
``journal.committed(ids)`` wakes this process's listeners. A change without
events writes nothing more.

It lives in storage, the lowest layer, so the migrations can use it too; what
"record the events" means (mail, webhooks, streams) is the caller's
``Journal``, server/live/consequences.py, so storage imports nothing above it.
``batched`` changes share a COMMIT with concurrent writes (group commit, for
requests); the others run in a transaction of their own on the calling thread
(long or background work that should not hold up the requests' writer).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol, TypeVar

from peewee import IntegrityError

from server.storage import commit_tail, search_index
from server.storage.db import db
from server.storage.group_commit import committed
from server.storage.models import Event

T = TypeVar("T")

ConstraintRefused = IntegrityError
"""What a change raises when the database refuses it for a constraint (a taken value)."""

Change = Callable[[], tuple[T, Sequence[Event]]]
"""A change: runs inside the transaction, returns (its result, the events it made, unsaved)."""


class Journal(Protocol):
    """What the events of a change bring about, around its transaction."""

    def recorded(self, events: Sequence[Event]) -> None:
        """In the transaction, after the change wrote ``events`` (never empty)."""

    def committed(self, event_ids: list[int]) -> None:
        """After the COMMIT of ``event_ids`` (never empty)."""


def write(change: Change[T], journal: Journal | None, *, batched: bool = True) -> T:
    """Run ``change`` in one write transaction with its events' consequences; return its result.

    ``journal`` None is for changes that may write no events (the demo's seed
    history, a migration's back-fill); one that does raises RuntimeError and
    nothing is written. Raises whatever ``change`` raised (nothing of it is
    written), or the database's error if the COMMIT failed.
    """

    def step() -> tuple[T, Sequence[Event]]:
        result, events = change()
        if events:
            search_index.recorded(events)  # the words a change wrote are found once it commits
            if journal is None:
                raise RuntimeError("a change that writes events needs a journal")
            journal.recorded(events)
        return result, events

    if batched:
        result, events = committed(step)
    else:
        with db.connection_context(), db.atomic():
            try:
                result, events = step()
                commit_tail.finish()  # the group commit does this for a batch
            except BaseException:
                commit_tail.discard()
                raise
    if events and journal is not None:
        journal.committed([event.id for event in events])
    return result


def plain(change: Callable[[], T]) -> Change[T]:
    """``change`` (which writes no events) as a ``Change``."""

    def step() -> tuple[T, Sequence[Event]]:
        return change(), ()

    return step
