"""Read models: the one writer of a ticket's JSON, from prebuilt SQL.

Every ticket the server writes comes from here: GET /tickets/{n} (the fast path
and the route), each item of GET /tickets, the answers of POST and PATCH, the
ticket a live event carries (``server.reads.live_event``) and the ticket of a
webhook (``server.outbox.enqueue``), so they agree byte for byte for the same
viewer (tests/api/test_one_ticket_shape.py). Staff also get the ticket's
``tags`` (a second prepared SELECT for the whole batch); customers never do.
``TicketOut`` in server/http/schemas.py
documents the shape for OpenAPI and is checked against this writer, not used to write.

peewee spends 0.15-0.6 ms of Python building each query; the same SELECT as a
prepared string costs ~10 µs. One query reads all the tickets shown, with requester,
assignee, organizations and service joined, and their JSON is written straight
from the rows.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime, timedelta
from functools import cache
from typing import Any

from server.helpdesk.errors import NotFound
from server.helpdesk.visibility import sees_organization, shown_email
from server.storage.db import db
from server.storage.models import User
from server.vocabulary import PRIORITY_BY_CODE

JSON = "application/json"

_EPOCH = datetime(1970, 1, 1)  # naive: isoformat() without an offset, then Z

_SELECT = """
SELECT t.id, t.subject, t.body, t.category, t.priority, t.status,
       t.created_at, t.updated_at, t.first_response_at, t.resolved_at, t.closed_at,
       t.first_response_due, t.resolution_due, t.version, t.deleted_at,
       o.id, o.name, o.customer_number,
       r.id, r.email, r.name, r.role, ro.id, ro.name, ro.customer_number,
       a.id, a.email, a.name, a.role, ao.id, ao.name, ao.customer_number,
       s.id, s.kind, s.label, s.plan, s.datacenter
FROM ticket t
JOIN organization o ON o.id = t.organization_id
JOIN "user" r ON r.id = t.requester_id
LEFT JOIN organization ro ON ro.id = r.organization_id
LEFT JOIN "user" a ON a.id = t.assignee_id
LEFT JOIN organization ao ON ao.id = a.organization_id
LEFT JOIN service s ON s.id = t.service_id
"""
_TIMES = (
    "created_at",
    "updated_at",
    "first_response_at",
    "resolved_at",
    "closed_at",
    "first_response_due",
    "resolution_due",
)


def iso(ms: int | None) -> str | None:
    """Stored epoch milliseconds as the API writes times (pydantic's ISO 8601 in UTC)."""
    if ms is None:
        return None
    return (_EPOCH + timedelta(milliseconds=ms)).isoformat() + "Z"


@cache
def _sql(param: str, customer: bool, count: int) -> str:
    """The SELECT of ``count`` tickets by id (a customer's: of one organization, not deleted)."""
    where = f"t.id = {param}" if count == 1 else f"t.id IN ({', '.join([param] * count)})"
    if customer:
        where += f" AND t.organization_id = {param} AND t.deleted_at IS NULL"
    return f"{_SELECT} WHERE {where}"


def _org(row: Sequence[Any], at: int) -> dict[str, Any] | None:
    if row[at] is None:
        return None
    return {"id": row[at], "name": row[at + 1], "customer_number": row[at + 2]}


def _user(row: Sequence[Any], at: int, viewer: User | None) -> dict[str, Any] | None:
    if row[at] is None:
        return None
    return {
        "id": row[at],
        "email": shown_email(viewer, row[at + 3], row[at + 1]),
        "name": row[at + 2],
        "role": row[at + 3],
        "organization": _org(row, at + 4) if sees_organization(viewer, row[at + 4]) else None,
    }


def _ticket(row: Sequence[Any], viewer: User | None) -> dict[str, Any]:
    item: dict[str, Any] = {
        "number": row[0],
        "subject": row[1],
        "body": row[2],
        "category": row[3],
        "priority": PRIORITY_BY_CODE[row[4]].value,
        "status": row[5],
        "requester": _user(row, 18, viewer),
        "organization": _org(row, 15),
        "service": None,
        "assignee": _user(row, 25, viewer),
    }
    if row[32] is not None:
        item["service"] = {
            "id": row[32],
            "kind": row[33],
            "label": row[34],
            "plan": row[35],
            "datacenter": row[36],
        }
    for i, name in enumerate(_TIMES, start=6):
        item[name] = iso(row[i])
    item["version"] = row[13]
    item["deleted_at"] = iso(row[14])
    return item


def read_tickets(user: User | None, numbers: Sequence[int]) -> list[dict[str, Any]]:
    """The tickets ``numbers`` that ``user`` may see, as JSON-ready dicts, in the order given.

    ``None`` is the system itself (webhooks to the operator's own tools): staff's view.
    Call inside a connection context (or the change's transaction, which it then sees).
    """
    if not numbers:
        return []
    customer = user is not None and not user.is_staff
    params: list[Any] = list(numbers)
    if user is not None and customer:
        params.append(user.organization_id)
    rows = db.execute_sql(_sql(db.obj.param, customer, len(numbers)), params).fetchall()
    by_number = {row[0]: _ticket(row, user) for row in rows}
    if not customer and by_number:
        _add_tags(by_number)
    return [by_number[n] for n in numbers if n in by_number]


_TAGS_SELECT = "SELECT ticket_id, tag FROM ticket_tag WHERE ticket_id IN "


@cache
def _tags_sql(param: str, count: int) -> str:
    """The tags of ``count`` tickets by id: only placeholders are built in, never a value."""
    return f"{_TAGS_SELECT}({', '.join([param] * count)}) ORDER BY ticket_id, tag"


def _add_tags(by_number: dict[int, dict[str, Any]]) -> None:
    """Each ticket's ``tags``, sorted (staff only: a customer's JSON has no ``tags`` key)."""
    for item in by_number.values():
        item["tags"] = []
    numbers = list(by_number)
    for ticket_id, tag in db.execute_sql(_tags_sql(db.obj.param, len(numbers)), numbers):
        by_number[ticket_id]["tags"].append(tag)


def read_ticket(user: User, number: int) -> dict[str, Any]:
    """One ticket ``user`` may see, as a JSON-ready dict; raises NotFound otherwise."""
    found = read_tickets(user, [number])
    if not found:
        raise NotFound(f"ticket {number} not found")
    return found[0]


_LINE_BREAKS = ("\x85", "\u2028", "\u2029")
"""Line breaks to ``str.splitlines`` (so to many a line-by-line reader) that JSON keeps raw."""


def dumps(data: Any) -> bytes:
    """JSON as Starlette's JSONResponse writes it (compact, UTF-8 kept), on one line for anyone.

    The three line breaks JSON leaves unescaped are written as ``\\uXXXX``: the same
    string to a JSON parser, and a stream's event, whose ``data`` must be one line,
    stays one line for a client that splits lines the way ``str.splitlines`` does.
    """
    text = json.dumps(data, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    for char in _LINE_BREAKS:
        if char in text:
            text = text.replace(char, f"\\u{ord(char):04x}")
    return text.encode()


def ticket_now(user: User, number: int) -> dict[str, Any]:
    """``read_ticket`` on a connection of its own: the ticket as the user may see it now."""
    with db.connection_context():
        return read_ticket(user, number)
