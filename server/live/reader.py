"""The hub's database read: new events per audience, as ready-to-send JSON.

Runs on a worker thread (peewee is synchronous), once per dispatch round for
all open streams together. A round costs the same few queries however many
streams and audiences are open: the newest id, the new events once (with their
tickets' deleted flag), their actors, and the token holders; each audience
(``visibility.audience``) is then picked from those rows in Python
(``visibility.sees_event``). With one query per audience, 27 open streams cost
30 event-table queries per created ticket on every server process.
"""

from __future__ import annotations

from typing import Any

from peewee import ModelSelect
from sse_starlette import ServerSentEvent

from server.helpdesk.tokens import holders
from server.helpdesk.visibility import sees_event, visible_events
from server.http.schemas import EventOut
from server.reads.serialize import Related, events_json
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


def page_query(user: User, after: int, upto: int, limit: int) -> ModelSelect[Event]:
    """Events ``after < id <= upto`` that ``user`` may see, oldest first, at most ``limit``.

    It reads along ``Event.id`` for staff and the ``(organization, id)`` index for a
    customer (``tests/live/test_replay_plan.py``), so a page costs ``limit`` rows.
    """
    return (
        visible_events(user)
        .where(Event.id > after, Event.id <= upto)
        .order_by(Event.id)
        .limit(limit)
    )


def events_after(user: User, after: int, upto: int, limit: int) -> list[Item]:
    """The events of ``page_query``, ready for the wire."""
    rows = list(page_query(user, after, upto, limit))
    return [(item["id"], _frame(item)) for item in events_json(rows, user)]


def _frame(item: dict[str, Any]) -> bytes:
    """The SSE frame of one event: ``id`` the Event id, ``data`` its JSON as the API shows it."""
    data = EventOut.model_validate(item).model_dump_json()
    return ServerSentEvent(data=data, id=str(item["id"])).encode()


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
        related = Related(user_ids={event.actor_id for event, _ in rows}, viewer=None)
        results = []
        for (user, _), start in zip(groups, starts, strict=True):
            seen = [
                event
                for event, deleted in rows
                if start < event.id <= horizon and sees_event(user, event, deleted)
            ]
            items = [(item["id"], _frame(item)) for item in events_json(seen, user, related)]
            results.append((max(start, horizon), items))
        return latest, results, holders(tokens)


def _window(after: int, upto: int, limit: int) -> list[tuple[Event, bool]]:
    """Every event ``after < id <= upto`` (at most ``limit``, oldest first), with whether
    its ticket is deleted: one query for all audiences."""
    query = (
        Event.select(Event, Ticket.deleted_at)
        .join(Ticket)
        .where(Event.id > after, Event.id <= upto)
        .order_by(Event.id)
        .limit(limit)
    )
    return [(event, event.ticket.deleted_at is not None) for event in query]
