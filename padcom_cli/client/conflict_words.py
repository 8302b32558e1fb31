"""Client layer: a refused change explained — someone changed the ticket since the version it
was based on, and nothing was saved; and a reply written while a colleague answered.

One explainer for ``padcom ticket …`` (exit 5) and the admin app's conflict dialog, which
used to word it twice. Which events are "since" is each client's own business (the CLI
knows the time it read the ticket, the app the last event it showed); the words are here.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from padcom_cli.client.event_words import LONG_FIELDS, Names, actor, changes, value
from padcom_cli.client.jsontypes import Json
from padcom_cli.client.sanitize import clean
from padcom_cli.client.time_words import ago

UNSEEN = "(changes you cannot see, e.g. staff notes)"
"""Said when the version moved on but no event the reader may see explains it."""
FIELDS = ("subject", "status", "priority", "category", "assignee", "service", "body")
"""The fields of a ticket a change can touch, in the order they are listed."""


def headline(number: int, based_on: int, now: int) -> str:
    """``ticket #7 changed since version 3 (now version 5); nothing was saved``."""
    return (
        f"ticket #{number} changed since version {based_on} (now version {now}); nothing was saved"
    )


def event_line(event: Json, names: Names | None = None) -> str:
    """``Sam Support: priority: normal → high``: who changed what."""
    return f"{actor(event)}: {changes(event, names)}"


def _plain(field: str, ticket: Json) -> Any:
    raw = ticket.get(field)
    if isinstance(raw, dict):  # assignee, service: the ticket carries the object
        return raw.get("name") or raw.get("label") or raw.get("id")
    return raw


def differences(before: Json, now: Json) -> list[str]:
    """The fields that differ between two versions of a ticket, as ``status: open → waiting``."""
    return [
        f"{field} changed"
        if field in LONG_FIELDS
        else f"{field}: {value(field, _plain(field, before))} → {value(field, _plain(field, now))}"
        for field in FIELDS
        if _plain(field, before) != _plain(field, now)
    ]


FIRST_LINE_CHARS = 80
"""How much of a reply's first line the collision prompt quotes."""


def first_line(body: str) -> str:
    """A message's first line with words in it, cleaned and cut to ``FIRST_LINE_CHARS``."""
    line = next((text.strip() for text in body.splitlines() if text.strip()), "")
    shown = clean(line, single_line=True)
    return shown if len(shown) <= FIRST_LINE_CHARS else shown[: FIRST_LINE_CHARS - 1] + "…"


def replies_since(messages: list[Json], seen: set[int], me: int | None) -> list[Json]:
    """The public replies by someone else that are not among the ``seen`` message ids."""
    return [
        m
        for m in messages
        if not m.get("internal")
        and int(m["id"]) not in seen
        and (m.get("author") or {}).get("id") != me
    ]


def replied_meanwhile(reply: Json, now: datetime | None = None) -> str:
    """``Sam Support replied 2 min ago while you were typing: Restarted the queue.``"""
    author = reply.get("author") or {}
    who = clean(str(author.get("name") or author.get("email") or "someone"), single_line=True)
    return (
        f"{who} replied {ago(reply.get('created_at'), now)} while you were typing: "
        + first_line(str(reply.get("body") or ""))
    )
