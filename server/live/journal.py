"""Live layer: what every ticket write does with its events so notifications never miss a change.

Event ids are the stream's cursor, so they must become visible in id order: a
stream that saw event 11 must not later find a 10 that committed late. SQLite
already runs one writer at a time (``BEGIN IMMEDIATE``). On PostgreSQL a change
builds its events unsaved and ``record`` composes the mails and webhooks they
cause (every read and the Python work) while it runs; at the very end of the
transaction (``commit_tail``) ``seal`` draws the ids
(``storage/event_horizon.py``: a few microseconds under the order lock, which
is released at once; the transaction stays marked in flight until its commit
is visible, and readers stop below it), writes the events and outbox rows in
one INSERT each; the NOTIFY that wakes the other server processes at commit is
queued by the step that draws the ids. No lock is held across the COMMIT, and
the order lock is never held while waiting for anything else, so it cannot be
part of a deadlock.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from server.config import Settings
from server.outbox.enqueue import Draft, drafts_for, stamp
from server.storage import commit_tail, event_horizon
from server.storage.db import is_postgres
from server.storage.fast_insert import insert, insert_rows, stored_values
from server.storage.models import Event, Outbox

EVENT_ORDER_LOCK = event_horizon.ORDER_LOCK


@dataclass
class _Entry:
    """One event waiting for its id, and the outbox rows it causes."""

    event: Event
    drafts: list[Draft] = field(default_factory=list)


def record(events: list[Event], settings: Settings) -> None:
    """Queue ``events`` (built, not yet saved) and the mails and webhooks they cause.

    They are written by ``seal`` at the end of the transaction; after its COMMIT
    each event has its id.
    """
    drafts = drafts_for(events, settings.mail, settings.webhooks, settings.mail_in)
    for event in events:
        commit_tail.append(_Entry(event, drafts.get(id(event), [])))


def seal(entries: list[Any]) -> None:
    """Give the queued events their ids, in order, and write them with their outbox rows.

    The last statements of the transaction (``commit_tail.finish`` runs it).
    """
    queued: list[_Entry] = [entry for entry in entries if isinstance(entry, _Entry)]
    if not queued:
        return
    events = [entry.event for entry in queued]
    if is_postgres():
        rows = [stored_values(Event, {"id": 0, **_values(event)}) for event in events]
        names = rows[0][0]  # every event has the same fields; built before the lock
        ids = event_horizon.draw_ids(len(events))
        for event, event_id, (_, params) in zip(events, ids, rows, strict=True):
            event.id = params[0] = event_id
        insert_rows(Event, names, [params for _, params in rows])
    else:
        for event in events:
            event.id = insert(Event, **_values(event)).id
    outbox = [stamp(draft, entry.event) for entry in queued for draft in entry.drafts]
    if outbox:
        Outbox.insert_many(outbox).on_conflict_ignore().execute()


def _values(event: Event) -> dict[str, Any]:
    """Every stored field of an unsaved event (defaults applied, a field never set None),
    without its id: a ticket's and an incident's events go in one INSERT of equal rows."""
    data: dict[str, Any] = dict(event.__data__)
    return {name: data.get(name) for name in Event._meta.sorted_field_names if name != "id"}


def finish_here() -> None:
    """Write what this transaction queued now: for a transaction outside the group commit."""
    commit_tail.finish()


commit_tail.set_finisher(seal)
