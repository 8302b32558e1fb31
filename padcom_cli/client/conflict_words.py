"""Client layer: a refused change explained — someone changed the ticket since the version it
was based on, and nothing was saved.

One explainer for ``padcom ticket …`` (exit 5) and the admin app's conflict dialog, which
used to word it twice. Which events are "since" is each client's own business (the CLI
knows the time it read the ticket, the app the last event it showed); the words are here.
"""

from __future__ import annotations

from typing import Any

from padcom_cli.client.event_words import LONG_FIELDS, Names, actor, changes, value
from padcom_cli.client.jsontypes import Json

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
