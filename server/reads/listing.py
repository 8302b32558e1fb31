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
from datetime import timedelta
from typing import Any, cast

from peewee import Case, ColumnBase, Field, ModelSelect, fn

from server.helpdesk import tags
from server.helpdesk.errors import DomainError, Forbidden, Invalid
from server.storage.desk_models import TicketTag
from server.storage.fields import utcnow
from server.storage.hosting_models import Link
from server.storage.models import Service, Ticket, User
from server.vocabulary import CATEGORIES, PRIORITIES, STATUSES

MAX_ID = 2**31 - 1
"""The largest id a row can have (ids are 32-bit on both databases)."""
MAX_KEY = 2**63 - 1
"""The largest value a sort key column holds (64-bit integers: ids, ranks, epoch ms)."""

SORT_COLUMNS: dict[str, ColumnBase] = {
    "number": Ticket.id,
    "updated": Ticket.updated_at,
    "created": Ticket.created_at,
    "priority": Ticket.priority,
    "status": Case(Ticket.status, [(word, code) for code, word in enumerate(STATUSES)], 0),
    "category": Ticket.category,
    "subject": fn.LOWER(Ticket.subject),
    "organization": Ticket.organization,
    "assignee": fn.COALESCE(Ticket.assignee, 0).coerce(False),
    "due": fn.COALESCE(Ticket.resolution_due, MAX_KEY).coerce(False),  # stored epoch ms
}
"""Every column a list can be sorted by (``sort=status``, ``sort=-status`` for descending);
none is NULL (a NULL has no place in a keyset), and the status sorts in its lifecycle order."""

# (key, descending) pairs; every order ends in the unique id.
SORTS: dict[str, list[tuple[ColumnBase, bool]]] = {
    "urgency": [(Ticket.priority, True), (Ticket.resolution_due, False), (Ticket.id, False)],
}
for _name, _column in SORT_COLUMNS.items():
    for _descending in (False, True):
        _tail = [] if _column is Ticket.id else [(Ticket.id, _descending)]
        SORTS[f"-{_name}" if _descending else _name] = [(_column, _descending), *_tail]
SORT_NAMES = tuple(SORTS)
SORT_PATTERN = f"^({'|'.join(SORT_NAMES)})$"
MAX_TEXT_KEY = 200
"""The longest text a cursor may carry as a sort key (a subject is at most 200 characters)."""
DELETED_CHOICES = ("false", "true", "any")
DELETED_PATTERN = f"^({'|'.join(DELETED_CHOICES)})$"
"""``deleted=``: tickets their customer deleted are out of the staff's lists unless asked for."""


@dataclass
class TicketFilters:
    """What a list asks for; every value was validated by the route.

    Every filter takes a comma list (``status=new,open``, ``assignee=me,none``):
    a ticket matches when it matches any value of each filter given.
    ``deleted`` is ``false`` for lists (no deleted ticket), ``true`` (only those)
    or ``None``/``any`` (the statistics count the work on deleted tickets too).
    """

    status: str | None = None
    priority: str | None = None
    category: str | None = None
    assignee: str | None = None
    requester: str | None = None
    organization: str | None = None
    q: str | None = None
    tag: str | None = None
    server: str | None = None
    datacenter: str | None = None
    incident: int | None = None
    deleted: str | None = None
    idle: str | None = None
    """Not changed for this long: ``3d``, ``12h`` (the "waiting > 3 days" view)."""


def _places(value: str, name: str) -> list[str]:
    """Comma-separated server or datacenter names."""
    words = [w.strip() for w in value.split(",") if w.strip()]
    if not words or len(words) > 50 or any(len(w) > 100 for w in words):
        raise Invalid(f"{name} must be one or more names, separated by commas")
    return words


FILTER_NAMES = tuple(TicketFilters.__dataclass_fields__)
"""Every filter a list (and a saved view) takes."""
IDLE = re.compile(r"([0-9]{1,4})([hd])")


def _words(value: str, allowed: tuple[str, ...], name: str) -> list[str]:
    words = [w.strip() for w in value.split(",") if w.strip()]
    unknown = [w for w in words if w not in allowed]
    if unknown or not words:
        raise Invalid(f"{name} must be one or more of {', '.join(allowed)}")
    return words


_ID = re.compile(r"[0-9]{1,10}")


def _id(value: str, name: str, what: str) -> int:
    # ASCII digits only: str.isdigit() also accepts "²", which int() refuses
    if not _ID.fullmatch(value) or not 0 < int(value) <= MAX_ID:
        raise Invalid(f"{name} must be {what}")
    return int(value)


def _people(value: str, me: User, name: str, none: bool) -> tuple[list[int], bool]:
    """The ids in a comma list of ids and ``me`` (and ``none``, where allowed), and whether
    ``none`` was among them."""
    what = "user ids, 'me' or 'none'" if none else "user ids or 'me'"
    words = [w.strip() for w in value.split(",") if w.strip()]
    if not words:
        raise Invalid(f"{name} must be {what}")
    ids = [int(me.id) if w == "me" else _id(w, name, what) for w in words if w != "none"]
    if "none" in words and not none:
        raise Invalid(f"{name} must be {what}")
    return ids, "none" in words


def _any_of(field: Field, ids: list[int], none: bool) -> ColumnBase:
    condition: ColumnBase | None = field.in_(ids) if ids else None
    if none:
        condition = field.is_null() if condition is None else condition | field.is_null()
    assert condition is not None
    return condition


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
        ids, none = _people(filters.assignee, user, "assignee", none=True)
        query = query.where(_any_of(Ticket.assignee, ids, none))
    if filters.requester:
        ids, _none = _people(filters.requester, user, "requester", none=False)
        query = query.where(Ticket.requester.in_(ids))
    if filters.organization:
        words = [w.strip() for w in filters.organization.split(",") if w.strip()]
        orgs = [_id(w, "organization", "organization ids") for w in words]
        if not orgs:
            raise Invalid("organization must be organization ids")
        query = query.where(Ticket.organization.in_(orgs))
    if filters.idle:
        found = IDLE.fullmatch(filters.idle.strip())
        if not found:
            raise Invalid("idle must be a number of hours or days, such as 12h or 3d")
        hours = int(found.group(1)) * (24 if found.group(2) == "d" else 1)
        query = query.where(Ticket.updated_at < utcnow() - timedelta(hours=hours))
    if filters.deleted == "false":
        query = query.where(Ticket.deleted_at.is_null())
    elif filters.deleted == "true":
        query = query.where(Ticket.deleted_at.is_null(False))
    if filters.tag:
        query = query.where(Ticket.id.in_(_tagged(filters.tag, user)))
    for column, value, name in (
        (Service.server, filters.server, "server"),
        (Service.datacenter, filters.datacenter, "datacenter"),
    ):
        if value:
            hosted = Service.select(Service.id).where(column.in_(_places(value, name)))
            query = query.where(Ticket.service.in_(hosted))
    if filters.incident is not None:
        linked = Link.select(Link.ticket).where(Link.incident == filters.incident)
        query = query.where(Ticket.id.in_(linked))
    return query  # ``q`` is the search's (server/reads/search.py), not a filter


def checked_filters(params: dict[str, Any], user: User) -> TicketFilters:
    """The filters of a saved view, checked as a list checks them. Raises Invalid."""
    unknown = sorted(set(params) - set(FILTER_NAMES))
    if unknown:
        raise Invalid(f"unknown filters: {', '.join(map(str, unknown))}")
    if any(not isinstance(v, str) or len(v) > 200 for v in params.values()):
        raise Invalid("every filter is a text of at most 200 characters")
    filters = TicketFilters(**params)
    if filters.deleted is not None and filters.deleted not in DELETED_CHOICES:
        raise Invalid(f"deleted must be one of {', '.join(DELETED_CHOICES)}")
    apply_filters(Ticket.select(), filters, user)  # builds the query only: raises for bad words
    return filters


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
    """A value a sort key can hold: a non-negative 64-bit integer (not a bool) or a short text."""
    if isinstance(value, str):
        return len(value) <= MAX_TEXT_KEY
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
        or any(
            isinstance(v, str) != _is_text(key) for v, (key, _) in zip(data[1:], keys, strict=True)
        )
    ):
        raise DomainError("the cursor is not valid for this sort order")
    return list(data[1:])


def _is_text(key: ColumnBase) -> bool:
    """Whether a sort key holds text (the subject, the category), not a number."""
    return key is Ticket.category or key is SORT_COLUMNS["subject"]


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
    key = tuple(
        field.db_value(value) if isinstance(field, Field) else value
        for field, value in zip(fields, rows[-1], strict=True)
    )
    return numbers, encode_cursor(key, sort)
