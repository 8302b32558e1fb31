"""The hub's database read: new events per audience, as ready-to-send JSON.

Runs on a worker thread (peewee is synchronous), once per dispatch round for
all open streams together. A round costs the same few queries however many
streams are open: the newest id, the new events once (with their tickets'
deleted flag), the incidents a customer audience sees among those the events
name, and the token holders; each audience (``visibility.audience``)
is then picked from those rows in Python (``visibility.sees_event``), and its
events are given the ticket and message a client needs to apply them
(``server.reads.live_event``: two queries per audience with events).
"""

from __future__ import annotations

from peewee import JOIN
from sse_starlette import ServerSentEvent

from server.helpdesk.tokens import holders
from server.helpdesk.visibility import (
    seen_incidents,
    sees_event,
    visible_events_between,
)
from server.reads.live_event import live_events
from server.storage import event_horizon
from server.storage.db import db
from server.storage.models import Event, Ticket, User

Item = tuple[int, bytes]
"""An event ready for the wire: (id, its encoded SSE frame), encoded once for all streams."""
Round = tuple[int, list[tuple[int, list[Item]]], dict[int, tuple[str, int | None]]]
"""What a dispatch round read: the latest id, per group (new cursor, events), token holders."""


def latest_event_id() -> int:
    """The newest committed event id (0 for an empty log)."""
    with db.connection_context():
        return event_horizon.horizon()


def events_after(user: User, after: int, upto: int, limit: int) -> list[Item]:
    """One page of the events ``user`` may see, ready for the wire."""
    rows = visible_events_between(user, after, upto, limit)
    return [(event_id, _frame(event_id, data)) for event_id, data in live_events(user, rows)]


def _frame(event_id: int, data: bytes) -> bytes:
    """The SSE frame of one event: ``id`` the Event id, ``data`` its JSON (one line)."""
    return ServerSentEvent(data=data.decode(), id=str(event_id)).encode()


def replay_page(user: User, cursor: int, limit: int) -> tuple[int, list[Item]]:
    """One page of history after ``cursor`` for a resuming stream: (latest id, events)."""
    with db.connection_context():
        latest = event_horizon.horizon()
        return latest, events_after(user, cursor, latest, limit) if cursor < latest else []


def read_round(groups: list[tuple[User, int]], limit: int, tokens: list[int]) -> Round:
    """For each (user, cursor): the new cursor and the events after it; then who holds ``tokens``.

    Returns the latest event id, per group ``(new cursor, events)`` and the
    current (role, organization) behind each token still valid. The events
    after the oldest cursor are read once, at most ``limit`` of them; when that
    page is full the round reaches only to its last event (every group's new
    cursor), and the rest is read next round. A cursor beyond the latest id (a
    client that remembers a database since reset) is brought back to it. The
    holders are read last: whatever changed before the newest event read is seen.
    """
    with db.connection_context():
        latest = event_horizon.horizon()
        starts = [min(cursor, latest) for _, cursor in groups]
        rows: list[tuple[Event, bool]] = []
        horizon = latest
        if starts and min(starts) < latest:
            rows = _window(min(starts), latest, limit)
            if len(rows) == limit:
                horizon = rows[-1][0].id
        results = []
        named = {int(event.incident) for event, _ in rows if event.incident is not None}
        for (user, _), start in zip(groups, starts, strict=True):
            incidents = seen_incidents(user, named) if named and not user.is_staff else set()
            seen = [
                event
                for event, deleted in rows
                if start < event.id <= horizon and sees_event(user, event, deleted, incidents)
            ]
            items = [
                (event_id, _frame(event_id, data)) for event_id, data in live_events(user, seen)
            ]
            results.append((max(start, horizon), items))
        return latest, results, holders(tokens)


def _window(after: int, upto: int, limit: int) -> list[tuple[Event, bool]]:
    """Every event ``after < id <= upto`` (at most ``limit``, oldest first), with whether
    its ticket is deleted (an incident's has none): one query for all audiences."""
    query = (
        Event.select(Event, Ticket.deleted_at)
        .join(Ticket, JOIN.LEFT_OUTER)
        .where(Event.id > after, Event.id <= upto)
        .order_by(Event.id)
        .limit(limit)
    )
    return [(event, _deleted(event)) for event in query]


def _deleted(event: Event) -> bool:
    """Whether the event's ticket is deleted (the joined row; an incident's event has none)."""
    return event.ticket is not None and event.ticket.deleted_at is not None
