"""Client layer: a ticket's events in words ("priority: normal → high"), for history and conflicts.

The one describer of events for both clients: ``padcom ticket show``/``watch`` and the
conflict message in the CLI, the History tab and the conflict dialog in the admin app
(which used to word events its own way). Generic (no Rich, no Typer); every value from
the server is cleaned. Staff ids mean nothing to a reader: with ``names`` (id → name,
which the admin app knows) an assignee is named, without it is "an agent".
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from padcom_cli.client.jsontypes import Json
from padcom_cli.client.sanitize import clean
from padcom_cli.client.vocabulary import EventKind

LONG_FIELDS = ("body",)
"""Fields whose old and new values are too long to show; only the change is named."""

Names = Mapping[int, str]


def value(field: str, raw: Any, names: Names | None = None) -> str:
    """One field's value as a reader wants it: '-' (or 'nobody') for none, staff by name."""
    if raw is None or raw == "":
        return "nobody" if field == "assignee" else "-"
    if field == "assignee" and isinstance(raw, int):
        return clean((names or {}).get(raw, "an agent"), single_line=True)
    return clean(str(raw), single_line=True)


def _fields(data: Json, names: Names | None) -> str:
    parts = []
    for name, pair in data.items():
        if name in LONG_FIELDS:
            parts.append(f"{clean(name)} changed")
        elif isinstance(pair, list) and len(pair) == 2:
            parts.append(
                f"{clean(name)}: {value(name, pair[0], names)} → {value(name, pair[1], names)}"
            )
        else:
            parts.append(f"{clean(name)}: {value(name, pair, names)}")
    return "; ".join(parts)


def changes(event: Json, names: Names | None = None) -> str:
    """What one event did, in a short line without actor or time."""
    kind = event.get("kind", "")
    data: Json = event.get("changes") or {}
    if kind == EventKind.CREATED:
        return f"filed: {value('subject', data.get('subject'))}"
    if kind in (EventKind.REPLIED, EventKind.NOTE):
        what = "replied" if kind == EventKind.REPLIED else "internal note"
        if "status" in data:
            return f"{what}; status: {value('status', data['status'][0])} → {value('status', data['status'][1])}"
        return what
    if kind == EventKind.DELETED:
        return "deleted"
    if kind == EventKind.ASSIGNED:
        new = (data.get("assignee") or [None, None])[1]
        return f"assigned to {value('assignee', new, names)}" if new else "unassigned"
    if kind == EventKind.TAGGED:
        before, after = (data.get("tags") or [[], []])[:2]
        added = [f"+{t}" for t in after if t not in before]
        removed = [f"-{t}" for t in before if t not in after]
        return "tags: " + clean(" ".join(added + removed) or "unchanged", single_line=True)
    if kind == EventKind.MACRO:
        name = (data.get("macro") or {}).get("name", "")
        return f"macro applied: {clean(str(name), single_line=True)}"
    if kind == EventKind.SLA_BREACHED:
        targets = ", ".join(
            clean(str(t), single_line=True).replace("_", " ") for t in data.get("targets") or []
        )
        return f"SLA deadline missed: {targets or 'a deadline'}"
    return _fields(data, names) or clean(kind)


def actor(event: Json) -> str:
    """Who did it: their name, cleaned to one line."""
    who = event.get("actor") or {}
    return clean(str(who.get("name") or who.get("email") or "someone"), single_line=True)
