"""Ticket lists: filters, sort orders and keyset cursors (never OFFSET).

A cursor holds the sort key of the last row shown; the next page starts
strictly after it, so each ticket is returned exactly once while new tickets
are being created (they sort before the cursor in the default newest-first
order), and a page costs the same at row 50 as at row 1,000,000.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from dataclasses import dataclass
from typing import Any, Literal, cast

from peewee import SQL, ColumnBase, Field, ModelSelect, NodeList, fn

from server.helpdesk import tags
from server.helpdesk.errors import DomainError, Forbidden, Invalid
from server.storage.desk_models import TicketTag
from server.storage.models import Ticket, User
from server.vocabulary import CATEGORIES, PRIORITIES, STATUSES

SortName = Literal["-number", "number", "-updated", "updated", "urgency"]

# (field, descending) pairs; every order ends in the unique id.
SORTS: dict[str, list[tuple[Field, bool]]] = {
    "-number": [(Ticket.id, True)],
    "number": [(Ticket.id, False)],
    "-updated": [(Ticket.updated_at, True), (Ticket.id, True)],
    "updated": [(Ticket.updated_at, False), (Ticket.id, False)],
    "urgency": [(Ticket.priority, True), (Ticket.resolution_due, False), (Ticket.id, False)],
}


@dataclass
class TicketFilters:
    """What a list asks for; every value was validated by the route."""

    status: str | None = None
    priority: str | None = None
    category: str | None = None
    assignee: str | None = None
    requester: str | None = None
    organization: int | None = None
    q: str | None = None
    tag: str | None = None


def _words(value: str, allowed: tuple[str, ...], name: str) -> list[str]:
    words = [w.strip() for w in value.split(",") if w.strip()]
    unknown = [w for w in words if w not in allowed]
    if unknown or not words:
        raise Invalid(f"{name} must be one or more of {', '.join(allowed)}")
    return words


MAX_ID = 2**31 - 1
"""The largest id a row can have (ids are 32-bit on both databases)."""
MAX_KEY = 2**63 - 1
"""The largest value a sort key column holds (64-bit integers: ids, ranks, epoch ms)."""
_ID = re.compile(r"[0-9]{1,10}")


def _person(value: str, me: User, name: str) -> int | None:
    if value == "me":
        return int(me.id)
    if value == "none":
        return None
    # ASCII digits only: str.isdigit() also accepts "²", which int() refuses
    if not _ID.fullmatch(value) or int(value) > MAX_ID:
        raise Invalid(f"{name} must be a user id, 'me' or 'none'")
    return int(value)


def _contains(field: Field, text: str) -> ColumnBase:
    """``field`` contains ``text``, case-insensitive, with ``%``, ``_`` and ``\\`` literal.

    Spelled out as SQL ``LIKE ... ESCAPE`` because peewee turns its own LIKE into
    a case-sensitive GLOB on SQLite.
    """
    escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return NodeList((fn.LOWER(field), SQL("LIKE"), f"%{escaped}%", SQL("ESCAPE '\\'")))


def apply_filters(
    query: ModelSelect[Ticket], filters: TicketFilters, user: User
) -> ModelSelect[Ticket]:
    """Narrow ``query`` by every filter given but ``q``."""
    if filters.status:
        query = query.where(Ticket.status.in_(_words(filters.status, STATUSES, "status")))
    if filters.priority:
        query = query.where(Ticket.priority.in_(_words(filters.priority, PRIORITIES, "priority")))
    if filters.category:
        query = query.where(Ticket.category.in_(_words(filters.category, CATEGORIES, "category")))
    if filters.assignee:
        who = _person(filters.assignee, user, "assignee")
        query = query.where(Ticket.assignee.is_null() if who is None else Ticket.assignee == who)
    if filters.requester:
        who = _person(filters.requester, user, "requester")
        query = query.where(Ticket.requester == who)
    if filters.organization is not None:
        query = query.where(Ticket.organization == filters.organization)
    if filters.tag:
        query = query.where(Ticket.id.in_(_tagged(filters.tag, user)))
    return query  # ``q`` is the search's (server/reads/search.py), not a filter


def _tagged(value: str, user: User) -> ModelSelect[TicketTag]:
    """The ids of tickets carrying any of the comma-separated tags; raises Forbidden for a
    customer (tags are staff-only: filtering by one would tell which carry it), Invalid."""
    if not user.is_staff:
        raise Forbidden("tags are for support staff only")
    words = tags.normalise_all(w for w in value.split(",") if w.strip())
    if not words:
        raise Invalid("tag must be one or more tags, comma-separated")
    return TicketTag.select(TicketTag.ticket).where(TicketTag.tag.in_(words))


def encode_cursor(key: tuple[Any, ...], sort: str) -> str:
    """The cursor after a row whose sort key (as stored: integers) is ``key``."""
    raw = json.dumps([sort, *key], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _is_key(value: Any) -> bool:
    """A value a sort key column can hold: a non-negative 64-bit integer (not a bool)."""
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= MAX_KEY


def _decode_cursor(cursor: str, sort: str) -> list[Any]:
    """The sort key in ``cursor``; a 400 for anything this server did not write.

    Every value is range-checked before it reaches SQL: a number past 64 bits
    made SQLite's driver raise OverflowError (a 500) where PostgreSQL compared it.
    """
    try:
        data = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (binascii.Error, ValueError, UnicodeDecodeError, RecursionError) as exc:
        raise DomainError("the cursor is not valid") from exc
    keys = SORTS[sort]
    if (
        not isinstance(data, list)
        or len(data) != len(keys) + 1
        or data[0] != sort
        or not all(_is_key(v) for v in data[1:])
    ):
        raise DomainError("the cursor is not valid for this sort order")
    return list(data[1:])


def after_cursor(query: ModelSelect[Ticket], cursor: str, sort: str) -> ModelSelect[Ticket]:
    """Rows strictly after the cursor in ``sort`` order (a lexicographic keyset)."""
    values = _decode_cursor(cursor, sort)
    keys = SORTS[sort]
    condition = None
    for i, (field, descending) in enumerate(keys):
        step = field < values[i] if descending else field > values[i]
        for j in range(i):
            step = step & (keys[j][0] == values[j])
        condition = step if condition is None else condition | step
    return query.where(condition)


def ordered(query: ModelSelect[Ticket], sort: str) -> ModelSelect[Ticket]:
    return query.order_by(*[f.desc() if d else f.asc() for f, d in SORTS[sort]])


def page(
    query: ModelSelect[Ticket], sort: str, cursor: str | None, limit: int
) -> tuple[list[int], str | None]:
    """The numbers of one page of tickets and the cursor of the next (None at the end).

    Only the sort key columns are read here; the caller loads the tickets shown.
    """
    if cursor:
        query = after_cursor(query, cursor, sort)
    fields = [field for field, _ in SORTS[sort]]
    rows = cast(
        list[tuple[Any, ...]], list(ordered(query.select(*fields), sort).limit(limit + 1).tuples())
    )
    more = len(rows) > limit
    rows = rows[:limit]
    numbers = [row[-1] for row in rows]  # every sort order ends in the id
    if not (more and rows):
        return numbers, None
    key = tuple(field.db_value(value) for field, value in zip(fields, rows[-1], strict=True))
    return numbers, encode_cursor(key, sort)
