"""Read models: an event as the live stream sends it, with what a client needs to apply it.

A client following the stream keeps a view (the admin app's queue and ticket
screen); an event that said only "ticket 12 changed" made it ask for the ticket,
its messages and its history again. So each event carries, besides the Event
fields of ``GET /events``:

- ``ticket_now``: the ticket as the receiving user may see it when the event is
  sent (the very JSON of ``GET /tickets/{n}``: ``ticket_read``), or ``null`` if
  they may no longer see it (deleted meanwhile, for a customer);
- ``message``: the reply or note the event added, as that user may see it, or ``null``;
- ``incident_now``: for an incident's event (``ticket`` null), the incident as the
  user may see it now (``incidents_read.incident_json``: a customer never reads its
  internal notes nor whom else it hits), else ``null``.

Both are read for a whole batch at once (one query for the tickets, one for the
messages and their authors), once per audience (``visibility.audience``), so a
round costs the same however many streams share it. Visibility is the rules'
(``server/helpdesk/visibility.py``): a customer's event never carries an internal
note or another organization's ticket, and people appear as that customer may see them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from server.helpdesk.visibility import visible_messages_by_id
from server.reads.incidents_read import incident_json
from server.reads.serialize import events_json, messages_json, with_wire_times
from server.reads.ticket_read import dumps, read_tickets
from server.storage.hosting_models import Incident
from server.storage.models import Event, User


def _message_id(event: Event) -> int | None:
    found = (event.changes or {}).get("message")
    return found if isinstance(found, int) and not isinstance(found, bool) else None


def _wired(value: Any) -> Any:
    """``value`` with every time in it as the API writes times (an incident's are nested)."""
    if isinstance(value, datetime):
        return with_wire_times({"at": value}, "at")["at"]
    if isinstance(value, dict):
        return {key: _wired(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_wired(item) for item in value]
    return value


def _incidents(viewer: User, events: list[Event]) -> dict[int, dict[str, Any]]:
    """The incidents of ``events`` as ``viewer`` may see them now, by number."""
    numbers = {int(e.incident) for e in events if e.incident is not None}
    if not numbers:
        return {}
    found = Incident.select().where(Incident.id.in_(sorted(numbers)))
    return {i.id: _wired(incident_json(i, viewer)) for i in found}


def live_events(viewer: User, events: list[Event]) -> list[tuple[int, bytes]]:
    """Each of ``events`` (ones ``viewer`` may see) as (id, its JSON for the stream).

    Call inside a connection context.
    """
    if not events:
        return []
    numbers = list(dict.fromkeys(int(e.ticket_id) for e in events if e.ticket_id is not None))
    tickets = {t["number"]: t for t in read_tickets(viewer, numbers)} if numbers else {}
    incidents = _incidents(viewer, events)
    wanted = {m for m in (_message_id(e) for e in events) if m is not None}
    messages: dict[int, dict[str, Any]] = {}
    if wanted:
        for message in messages_json(list(visible_messages_by_id(viewer, wanted)), viewer):
            with_wire_times(message, "created_at")
            for file in message["attachments"]:
                with_wire_times(file, "created_at")
            messages[message["id"]] = message
    out = []
    for event, item in zip(events, events_json(events, viewer), strict=True):
        with_wire_times(item, "at")
        item["ticket_now"] = tickets.get(item["ticket"])
        item["incident_now"] = incidents.get(item["incident"])
        found = _message_id(event)
        item["message"] = messages.get(found) if found is not None else None
        out.append((int(item["id"]), dumps(item)))
    return out
