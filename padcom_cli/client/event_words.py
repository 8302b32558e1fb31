"""Client layer: a ticket's (or an incident's) events in words ("priority: normal → high"), for history and conflicts.

The one describer of events for both clients: ``padcom ticket show``/``watch`` and the
conflict message in the CLI, the History tab and the conflict dialog in the admin app
(which used to word events its own way). Generic (no Rich, no Typer); every value from
the server is cleaned. Staff ids mean nothing to a reader: with ``names`` (id → name,
which the admin app knows) an assignee is named, without it is "an agent".
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from padcom_cli.client.jsontypes import Json
from padcom_cli.client.sanitize import clean
from padcom_cli.client.time_words import parse
from padcom_cli.client.vocabulary import EventKind

LONG_FIELDS = ("body",)
"""Fields whose old and new values are too long to show; only the change is named."""
FIELD_WORDS = {"first_response": "first response", "resolution": "resolution"}
"""Stored names said as a reader says them (the SLA targets)."""

Names = Mapping[int, str]
Describe = Callable[[Json, "Names | None"], str]


def value(field: str, raw: Any, names: Names | None = None) -> str:
    """One field's value as a reader wants it: '-' (or 'nobody') for none, staff by name,
    a service by its number, a time as 'Jan 15 14:00 UTC', a list as words."""
    if raw is None or raw == "":
        return "nobody" if field == "assignee" else "-"
    if field == "assignee" and isinstance(raw, int):
        return clean((names or {}).get(raw, "an agent"), single_line=True)
    if field == "service" and isinstance(raw, int):
        return f"service {raw}"
    if isinstance(raw, list | tuple):
        return ", ".join(value(field, item, names) for item in raw) or "-"
    if isinstance(raw, dict):
        return "; ".join(f"{_name(k)} {value(str(k), v, names)}" for k, v in raw.items()) or "-"
    if isinstance(raw, str) and (moment := _moment(raw)) is not None:
        return moment
    return clean(str(raw), single_line=True)


def _moment(raw: str) -> str | None:
    """A stored time in words, or None when ``raw`` is no time."""
    if len(raw) < 16 or raw[4:5] != "-" or "T" not in raw:
        return None
    try:
        moment = parse(raw)
    except ValueError:
        return None
    return moment.strftime("%b %d %H:%M UTC") if moment else None


def _name(field: Any) -> str:
    word = clean(str(field), single_line=True)
    return FIELD_WORDS.get(word, word.replace("_", " "))


def _pair(name: str, pair: Any, names: Names | None) -> str:
    if name in LONG_FIELDS:
        return f"{_name(name)} changed"
    if isinstance(pair, list) and len(pair) == 2:
        return f"{_name(name)}: {value(name, pair[0], names)} → {value(name, pair[1], names)}"
    return f"{_name(name)}: {value(name, pair, names)}"


def _fields(data: Json, names: Names | None) -> str:
    return "; ".join(_pair(str(name), pair, names) for name, pair in data.items())


def _created(data: Json, names: Names | None) -> str:
    return f"filed: {value('subject', data.get('subject'))}"


def _message(what: str) -> Describe:
    def describe(data: Json, names: Names | None) -> str:
        if "status" in data:
            return f"{what}; {_pair('status', data['status'], names)}"
        return what

    return describe


def _assigned(data: Json, names: Names | None) -> str:
    new = (data.get("assignee") or [None, None])[-1]
    return f"assigned to {value('assignee', new, names)}" if new else "unassigned"


def _breached(data: Json, names: Names | None) -> str:
    targets = [str(t) for t in data.get("targets") or []]
    due: Json = data.get("due") if isinstance(data.get("due"), dict) else {}  # type: ignore[assignment]
    parts = [f"{_name(t)} (due {value('due', due[t])})" if t in due else _name(t) for t in targets]
    return f"SLA deadline missed: {', '.join(parts) or 'a deadline'}"


def _tagged(data: Json, names: Names | None) -> str:
    before, after = (data.get("tags") or [[], []])[:2]
    added = [f"+{t}" for t in after if t not in before]
    removed = [f"-{t}" for t in before if t not in after]
    return "tags: " + clean(" ".join(added + removed) or "unchanged", single_line=True)


def _macro(data: Json, names: Names | None) -> str:
    name = (data.get("macro") or {}).get("name", "")
    return f"macro applied: {clean(str(name), single_line=True)}"


def _number(raw: Any) -> str:
    return (
        f"#{int(raw)}" if isinstance(raw, int) and not isinstance(raw, bool) else "another ticket"
    )


def _merged(data: Json, names: Names | None) -> str:
    if "into" in data:
        return f"merged into {_number(data['into'])}; status → closed"
    return f"{_number(data.get('from'))} merged into this ticket"


def _unmerged(data: Json, names: Names | None) -> str:
    if "into" in data:
        return f"no longer merged into {_number(data['into'])}"
    return f"{_number(data.get('from'))} taken out of this ticket"


def _rated(data: Json, names: Names | None) -> str:
    comment = data.get("comment")
    said = f": {clean(str(comment), single_line=True)}" if comment else ""
    return f"rated {value('rating', data.get('rating'))}{said}"


def _reminded(data: Json, names: Names | None) -> str:
    return f"reminder sent: waiting on the customer for {value('days', data.get('days'))} days"


def _linked(what: str) -> Describe:
    def describe(data: Json, names: Names | None) -> str:
        kind = clean(str(data.get("kind") or "related"), single_line=True).replace("_", " ")
        other = data.get("ticket")
        return f"{what} {_number(other)} ({kind})" if other is not None else f"{what} ({kind})"

    return describe


def _incident(data: Json) -> str:
    raw = data.get("incident")
    return (
        f"incident #{raw}" if isinstance(raw, int) and not isinstance(raw, bool) else "an incident"
    )


def _declared(data: Json, names: Names | None) -> str:
    return f"{_incident(data)} declared: {value('title', data.get('title'))}"


def _incident_changed(data: Json, names: Names | None) -> str:
    fields = [_name(f) for f in data.get("fields") or []]
    return f"{_incident(data)} changed: {', '.join(fields) or '-'}"


def _incident_updated(data: Json, names: Names | None) -> str:
    return f"{_incident(data)}: update posted"


def _incident_resolved(data: Json, names: Names | None) -> str:
    return f"{_incident(data)} resolved"


def _presence(data: Json, names: Names | None) -> str:
    state = str(data.get("state") or "")
    return {"viewing": "viewing", "writing": "writing a reply"}.get(state, "left the ticket")


DESCRIBE: dict[str, Describe] = {
    EventKind.PRESENCE: _presence,
    EventKind.MERGED: _merged,
    EventKind.UNMERGED: _unmerged,
    EventKind.RATED: _rated,
    EventKind.REMINDED: _reminded,
    EventKind.LINKED: _linked("linked to"),
    EventKind.UNLINKED: _linked("unlinked from"),
    EventKind.TAGGED: _tagged,
    EventKind.MACRO: _macro,
    EventKind.CREATED: _created,
    EventKind.UPDATED: _fields,
    EventKind.REPLIED: _message("replied"),
    EventKind.NOTE: _message("internal note"),
    EventKind.STATUS: _fields,
    EventKind.ASSIGNED: _assigned,
    EventKind.DELETED: lambda _data, _names: "deleted by the customer (out of the queue)",
    EventKind.SLA_BREACHED: _breached,
    EventKind.INCIDENT_DECLARED: _declared,
    EventKind.INCIDENT_CHANGED: _incident_changed,
    EventKind.INCIDENT_UPDATED: _incident_updated,
    EventKind.INCIDENT_RESOLVED: _incident_resolved,
}
"""Words for every event kind (tests/cli/test_words.py checks that none is missing)."""


def changes(event: Json, names: Names | None = None) -> str:
    """What one event did, in a short line without actor or time."""
    kind = str(event.get("kind", ""))
    data: Json = event.get("changes") or {}
    describe = DESCRIBE.get(kind)
    if describe is not None:
        return describe(data, names)
    return _fields(data, names) or _name(kind)  # a kind newer than this client


def actor(event: Json) -> str:
    """Who did it: their name, cleaned to one line."""
    who = event.get("actor") or {}
    return clean(str(who.get("name") or who.get("email") or "someone"), single_line=True)
