"""Client side, the list rules: which tickets a ``GET /tickets`` filter lists, in which order.

A client that keeps a list up to date from the live stream (the admin app's
queue) must decide, for each ticket an event brings, whether the server would
list it under the filters shown and where ``sort=urgency`` puts it, without
asking again. That is the server's rule (server/reads/listing.py); this is its
one client-side copy, shared and checked against the server's own answers by
tests/cli/test_ticket_rules.py on both databases. The server was not asked to
decide per stream instead: the hub reads each batch once per audience, and
per-stream filters would make that once per stream.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from padcom_cli.client.jsontypes import Json
from padcom_cli.client.vocabulary import STATUSES, URGENCY

_RANK = {priority.value: rank for priority, rank in URGENCY.items()}  # by the word sent

"""Priorities as the server stores and sorts them: ``sort=urgency`` is highest first."""
_STATUS_ORDER = {status.value: index for index, status in enumerate(STATUSES)}
"""The lifecycle order ``sort=status`` follows (new, open, waiting, resolved, closed)."""
_NEVER = datetime.max
_ID = re.compile(r"[0-9]{1,10}")
_WORD = re.compile(r"[^\W_]+")
"""A word as the server's search index cuts text (server/storage/search_index.py)."""
_CONTEXT_MIN = 2
"""Typed text shorter than this is not looked for in names (as on the server)."""


def words(value: str) -> list[str]:
    """A comma-separated filter value as the server reads it (blanks and spaces dropped)."""
    return [w.strip() for w in value.split(",") if w.strip()]


def _person(value: str, me: int | None) -> int | None:
    """``me``, ``none`` or an id, as the server reads an ``assignee``; -1 never matches."""
    if value == "me":
        return me
    if value == "none":
        return None
    return int(value) if _ID.fullmatch(value) else -1


def _any_person(value: str, someone: Json | None, me: int | None) -> bool:
    """Whether ``someone`` (a person or None) is any of the comma list ``value``."""
    found = (someone or {}).get("id")
    return any(found == _person(word, me) for word in words(value))


def matches(filters: Mapping[str, str | None], ticket: Json, me: int | None) -> bool:
    """Whether ``GET /tickets`` with ``filters`` (status, priority, category, assignee,
    requester, organization, deleted, tag, q, server, datacenter, incident; each a comma list)
    lists ``ticket``; ``me`` is the signed-in user's id. A deleted ticket is listed only under
    ``deleted=true|any``.

    ``q`` is the search's rule as far as the ticket shows it (``found``).
    """
    for name in ("status", "priority", "category"):
        wanted = filters.get(name)
        if wanted and ticket.get(name) not in words(wanted):
            return False
    assignee = filters.get("assignee")
    if assignee and not _any_person(assignee, ticket.get("assignee"), me):
        return False
    requester = filters.get("requester")
    if requester and not _any_person(requester, ticket.get("requester"), me):
        return False
    organization = filters.get("organization")
    if organization and not _any_person(organization, ticket.get("organization"), None):
        return False
    idle = filters.get("idle")
    if idle and not _idle(ticket, idle):
        return False
    deleted = filters.get("deleted") or "false"
    if deleted != "any" and bool(ticket.get("deleted_at")) != (deleted == "true"):
        return False
    incident = filters.get("incident")
    if incident and int(incident) not in (ticket.get("incidents") or []):
        return False
    service = ticket.get("service") or {}
    for place in ("server", "datacenter"):
        wanted = filters.get(place)
        if wanted and service.get(place) not in words(wanted):
            return False
    tag = filters.get("tag")
    if tag and not set(words(tag.lower())) & set(ticket.get("tags") or []):
        return False  # any of the tags (the server stores them lower case)
    q = filters.get("q")
    return not q or found(q, ticket)


def _has_words(text: str, terms: list[str]) -> bool:
    """Every term is a word of ``text``."""
    present = set(_WORD.findall(text.lower()))
    return all(t in present for t in terms)


def found(q: str, ticket: Json) -> bool:
    """Whether the search ``q`` finds ``ticket`` by what the ticket's JSON shows.

    The server's rule (server/reads/search.py): every word in the subject or in
    the description (whole words, any case), or the text as typed in the
    customer's name or email, the organization's name or customer number, or the
    service's label. A match in a reply or note is the server's alone to see.
    """
    terms = _WORD.findall(q.lower())
    if terms and any(_has_words(str(ticket.get(f) or ""), terms) for f in ("subject", "body")):
        return True
    typed = q.strip().lower()
    if len(typed) < _CONTEXT_MIN:
        return False
    requester = ticket.get("requester") or {}
    organization = ticket.get("organization") or {}
    service = ticket.get("service") or {}
    names = [
        requester.get("name"),
        requester.get("email"),
        organization.get("name"),
        organization.get("customer_number"),
        service.get("label"),
    ]
    return any(typed in str(name).lower() for name in names if name)


def _idle(ticket: Json, idle: str) -> bool:
    """``idle=3d``/``12h``: not changed for that long (now, by this machine's clock)."""
    found = re.fullmatch(r"([0-9]{1,4})([hd])", idle.strip())
    if not found:
        return False
    hours = int(found.group(1)) * (24 if found.group(2) == "d" else 1)
    now = datetime.now(UTC).replace(tzinfo=None)
    return _time(ticket.get("updated_at")) < now - timedelta(hours=hours)


def _time(value: str | None) -> datetime:
    if not value:
        return _NEVER
    return datetime.fromisoformat(value.replace("Z", "+00:00")).replace(tzinfo=None)


def urgency_key(ticket: Json) -> tuple[int, datetime, int]:
    """The server's ``sort=urgency``: priority first, then the resolution deadline, then number."""
    return (
        -_RANK.get(str(ticket.get("priority")), 0),
        _time(ticket.get("resolution_due")),
        int(ticket["number"]),
    )


def _column(name: str) -> Callable[[Json], Any]:
    """The value the server sorts by for ``sort=name`` (server/reads/listing.py SORT_COLUMNS)."""
    if name == "number":
        return lambda t: int(t["number"])
    if name in ("updated", "created"):
        return lambda t: _time(t.get(f"{name}_at"))
    if name == "priority":
        return lambda t: _RANK.get(str(t.get("priority")), 0)
    if name == "status":
        return lambda t: _STATUS_ORDER.get(str(t.get("status")), 0)
    if name == "category":
        return lambda t: str(t.get("category") or "")
    if name == "subject":
        return lambda t: str(t.get("subject") or "").lower()
    if name in ("organization", "assignee"):
        return lambda t: int((t.get(name) or {}).get("id") or 0)
    if name == "due":
        return lambda t: _time(t.get("resolution_due"))
    raise ValueError(f"no such sort: {name}")


def sort_key(sort: str) -> Callable[[Json], Any]:
    """A key for ``sorted`` that orders tickets as ``GET /tickets?sort=...`` does.

    Descending orders (``-name``) end in the number descending too, as on the server; the
    key then negates what it can and reverses the rest by a wrapper.
    """
    if sort == "urgency":
        return urgency_key
    descending = sort.startswith("-")
    column = _column(sort.lstrip("-"))
    if not descending:
        return lambda t: (column(t), int(t["number"]))
    return lambda t: _Reversed((column(t), int(t["number"])))


class _Reversed:
    """Compares the other way round: a descending key for any comparable value."""

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value

    def __lt__(self, other: _Reversed) -> bool:
        return bool(other.value < self.value)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Reversed) and bool(self.value == other.value)

    def __hash__(self) -> int:
        return hash(self.value)


def next_deadline(ticket: Json) -> str | None:
    """The SLA deadline that comes next (the server's time text), None without one:
    the first response until someone answered, then the resolution."""
    key = "first_response_due" if not ticket.get("first_response_at") else "resolution_due"
    found = ticket.get(key)
    return str(found) if found else None
