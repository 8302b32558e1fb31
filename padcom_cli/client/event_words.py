"""A ticket's events in words ("priority: normal → high"), for history and conflicts.

Generic (no Rich, no Typer): the CLI's conflict message and history view use
it, and the admin app may too. Every value from the server is cleaned.
"""

from __future__ import annotations

from typing import Any

from padcom_cli.client.sanitize import clean
from padcom_cli.client.vocabulary import EventKind

LONG_FIELDS = ("body",)
"""Fields whose old and new values are too long to show; only the change is named."""


def _value(value: Any) -> str:
    if value is None or value == "":
        return "-"
    return clean(str(value), single_line=True)


def changes(event: dict[str, Any]) -> str:
    """What one event did, in a short line without actor or time."""
    kind = event.get("kind", "")
    data: dict[str, Any] = event.get("changes") or {}
    if kind == EventKind.CREATED:
        return f"filed: {_value(data.get('subject'))}"
    if kind in (EventKind.REPLIED, EventKind.NOTE):
        what = "replied" if kind == EventKind.REPLIED else "internal note"
        if "status" in data:
            return f"{what}; status: {_value(data['status'][0])} → {_value(data['status'][1])}"
        return what
    if kind == EventKind.DELETED:
        return "deleted"
    if kind == EventKind.ASSIGNED:  # ids of staff mean nothing to a reader
        return "assigned to an agent" if (data.get("assignee") or [None, None])[1] else "unassigned"
    parts = []
    for name, pair in data.items():
        if name in LONG_FIELDS:
            parts.append(f"{clean(name)} changed")
        elif isinstance(pair, list) and len(pair) == 2:
            parts.append(f"{clean(name)}: {_value(pair[0])} → {_value(pair[1])}")
        else:
            parts.append(f"{clean(name)}: {_value(pair)}")
    return "; ".join(parts) or clean(kind)


def actor(event: dict[str, Any]) -> str:
    """Who did it: their name, cleaned to one line."""
    who = event.get("actor") or {}
    return clean(str(who.get("name") or who.get("email") or "someone"), single_line=True)
