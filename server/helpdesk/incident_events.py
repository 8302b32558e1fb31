"""Rules layer: an incident's change as an Event, on the one stream beside the tickets'.

Declaring, changing, updating and resolving an incident each write one event
naming the incident (no ticket, no organization), so staff streams hear of an
outage before any ticket joins it and a customer's stream hears of those they
may see (``visibility.seen_incidents``). What an event carries is only the
incident's number and what moved; the text a viewer may read comes with the
stream's ``incident_now`` (``server/reads/incidents_read.py``), so no internal
note or other customer's name is ever written into an event a customer reads.
An event about internal notes alone is internal.
"""

from __future__ import annotations

from typing import Any

from server.storage.hosting_models import Incident
from server.storage.models import Event, User
from server.vocabulary import EventKind

INTERNAL_FIELDS = frozenset({"internal_notes"})
"""Incident fields only staff read: a change of these alone is an internal event."""


def incident_event(
    signer: User, incident: Incident, kind: EventKind, changes: dict[str, Any], *, internal: bool
) -> Event:
    """The unsaved event of one incident change (the write path gives it its id)."""
    return Event(
        ticket=None,
        organization=None,
        incident=incident.id,
        kind=kind,
        actor=signer.id,
        changes={"incident": incident.id, **changes},
        internal=internal,
    )


def changed(signer: User, incident: Incident, fields: list[str]) -> list[Event]:
    """The events of an edit: one for what customers may read of, one for internal notes."""
    public = sorted(set(fields) - INTERNAL_FIELDS)
    internal = sorted(set(fields) & INTERNAL_FIELDS)
    return [
        incident_event(
            signer, incident, EventKind.INCIDENT_CHANGED, {"fields": names}, internal=hidden
        )
        for names, hidden in ((public, False), (internal, True))
        if names
    ]
