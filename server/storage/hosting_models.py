"""The tables of a hosting company's outages: incidents, their updates, links, alerts.

Beside ``models.py`` (which would pass 400 lines with them). An incident says
what is affected (servers, datacenters, service kinds, named services) as small
JSON lists: an outage names a handful, and the services hit are found by
matching those lists against ``service.server``/``datacenter``/``kind``/``id``.
``Link`` is the one mechanism that ties a ticket to another ticket or to an
incident; ``Alert`` remembers each monitoring alert by its source and fingerprint,
so a repeat adds to what it opened instead of opening another.
"""

from __future__ import annotations

from peewee import (
    AutoField,
    BooleanField,
    CharField,
    ForeignKeyField,
    IntegerField,
    TextField,
)

from server.storage.fields import JSONField, TimeField, utcnow
from server.storage.models import BaseModel, Ticket, User
from server.vocabulary import AlertState, IncidentSeverity, IncidentState


class Incident(BaseModel):
    """An outage staff (or an alert) declared; ``public_text`` is what customers read."""

    id = AutoField()
    title = CharField(max_length=200)
    severity = CharField(max_length=16, default=IncidentSeverity.MAJOR.value)
    state = CharField(max_length=16, default=IncidentState.OPEN.value, index=True)
    public = BooleanField(default=False)  # shown to every customer, affected or not
    public_text = TextField(default="")
    internal_notes = TextField(default="")
    servers = JSONField(default=list)
    datacenters = JSONField(default=list)
    service_kinds = JSONField(default=list)
    services = JSONField(default=list)
    declared_by = ForeignKeyField(User, null=True, on_delete="SET NULL")  # null: an alert
    source = CharField(max_length=100, default="")  # the alert source that opened it
    started_at = TimeField(default=utcnow, index=True)
    acknowledged_at = TimeField(null=True)
    resolved_at = TimeField(null=True)
    updated_at = TimeField(default=utcnow)

    declared_by_id: int | None


class IncidentUpdate(BaseModel):
    """One step of an incident's story: a public update, an internal note, a state change."""

    id = AutoField()
    incident = ForeignKeyField(Incident, backref="updates", on_delete="CASCADE")
    author = ForeignKeyField(User, null=True, on_delete="SET NULL")  # null: an alert
    body = TextField(default="")
    internal = BooleanField(default=False)
    state = CharField(max_length=16, default="")  # the state it moved to, "" if none
    created_at = TimeField(default=utcnow)

    incident_id: int
    author_id: int | None


class Link(BaseModel):
    """A ticket tied to another ticket (``other``) or to an incident; shown on both ends."""

    id = AutoField()
    ticket = ForeignKeyField(Ticket, on_delete="CASCADE", index=True)
    other = ForeignKeyField(Ticket, null=True, on_delete="CASCADE", index=True, backref="+")
    incident = ForeignKeyField(Incident, null=True, on_delete="CASCADE", index=True)
    kind = CharField(max_length=16)
    automatic = BooleanField(default=False)  # joined by itself when filed during the incident
    created_by = ForeignKeyField(User, null=True, on_delete="SET NULL", backref="+")
    created_at = TimeField(default=utcnow)

    ticket_id: int
    other_id: int | None
    incident_id: int | None

    class Meta:
        indexes = (
            (("ticket", "other"), True),
            (("ticket", "incident"), True),
        )


class IncidentSubscription(BaseModel):
    """A customer who chose to hear of an incident instead of filing a ticket."""

    id = AutoField()
    incident = ForeignKeyField(Incident, on_delete="CASCADE")
    user = ForeignKeyField(User, on_delete="CASCADE")
    created_at = TimeField(default=utcnow)

    incident_id: int
    user_id: int

    class Meta:
        table_name = "incident_subscription"
        indexes = ((("incident", "user"), True),)


class Alert(BaseModel):
    """A monitoring alert, once per (source, fingerprint): what it opened and how it behaves."""

    id = AutoField()
    source = CharField(max_length=100)
    fingerprint = CharField(max_length=200)
    name = CharField(max_length=200, default="")
    server = CharField(max_length=253, default="")
    state = CharField(max_length=16, default=AlertState.FIRING.value)
    incident = ForeignKeyField(Incident, null=True, on_delete="SET NULL")
    ticket = ForeignKeyField(Ticket, null=True, on_delete="SET NULL")
    firings = IntegerField(default=1)  # how often it fired (repeats add, never duplicate)
    flaps = IntegerField(default=0)  # firing again soon after it resolved
    labels = JSONField(default=dict)
    first_fired_at = TimeField(default=utcnow)
    last_fired_at = TimeField(default=utcnow)
    resolved_at = TimeField(null=True)

    incident_id: int | None
    ticket_id: int | None

    class Meta:
        indexes = ((("source", "fingerprint"), True),)


HOSTING_MODELS: list[type[BaseModel]] = [
    Incident,
    IncidentUpdate,
    Link,
    IncidentSubscription,
    Alert,
]
