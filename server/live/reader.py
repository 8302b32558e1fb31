"""The hub's database read: new events per audience, as ready-to-send JSON.

Runs on a worker thread (peewee is synchronous), once per dispatch round for
all open streams together; each audience (see ``visibility.audience``) costs
its queries once, however many streams share it. Each event carries the ticket
and message a client needs to apply it (``server.reads.live_event``).
"""

from __future__ import annotations

from peewee import ModelSelect, fn
from sse_starlette import ServerSentEvent

from server.helpdesk.tokens import holders
from server.helpdesk.visibility import visible_events
from server.reads.live_event import live_events
from server.storage.db import db
from server.storage.models import Event, User

Item = tuple[int, bytes]
"""An event ready for the wire: (id, its encoded SSE frame), encoded once for all streams."""
Round = tuple[int, list[tuple[int, list[Item]]], dict[int, tuple[str, int | None]]]
"""What a dispatch round read: the latest id, per group (new cursor, events), token holders."""


def latest_event_id() -> int:
    """The newest committed event id (0 for an empty log)."""
    with db.connection_context():
        return int(Event.select(fn.MAX(Event.id)).scalar() or 0)


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
    return [(event_id, _frame(event_id, data)) for event_id, data in live_events(user, rows)]


def _frame(event_id: int, data: bytes) -> bytes:
    """The SSE frame of one event: ``id`` the Event id, ``data`` its JSON (one line)."""
    return ServerSentEvent(data=data.decode(), id=str(event_id)).encode()


def replay_page(user: User, cursor: int, limit: int) -> tuple[int, list[Item]]:
    """One page of history after ``cursor`` for a resuming stream: (latest id, events)."""
    with db.connection_context():
        latest = int(Event.select(fn.MAX(Event.id)).scalar() or 0)
        return latest, events_after(user, cursor, latest, limit) if cursor < latest else []


def read_round(groups: list[tuple[User, int]], limit: int, tokens: list[int]) -> Round:
    """For each (user, cursor): the new cursor and the events after it; then who holds ``tokens``.

    Returns the latest event id, per group ``(new cursor, events)`` and the
    current (role, organization) behind each token still valid. A group that
    got ``limit`` events has more to read, so its new cursor is the last of
    them rather than the latest. A cursor beyond the latest id (a client that
    remembers a database since reset) is brought back to it. The holders are
    read last: whatever changed before the newest event read is seen.
    """
    with db.connection_context():
        latest = int(Event.select(fn.MAX(Event.id)).scalar() or 0)
        results = []
        for user, cursor in groups:
            start = min(cursor, latest)
            items = events_after(user, start, latest, limit) if start < latest else []
            results.append((items[-1][0] if len(items) == limit else latest, items))
        return latest, results, holders(tokens)
