"""Request and response shapes of incidents, ticket links and monitoring alerts.

Beside ``schemas.py`` (which would pass 400 lines with them). Requests forbid
unknown fields; the alert shapes accept what Alertmanager sends (extra fields
kept out of the way, not refused: a newer Alertmanager adds some).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from server.http.schemas import Strict, Subject, UserOut
from server.vocabulary import IncidentSeverity, IncidentState, LinkKind, ServiceKind

Text = Annotated[str, StringConstraints(max_length=20_000)]
Names = Annotated[
    list[Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=253)]],
    Field(max_length=100),
]
Ids = Annotated[list[Annotated[int, Field(ge=1, le=2**31 - 1)]], Field(max_length=100)]


class IncidentIn(Strict):
    title: Subject
    severity: IncidentSeverity = IncidentSeverity.MAJOR
    public: bool = False
    public_text: Text = ""
    internal_notes: Text = ""
    servers: Names = Field(default_factory=list)
    datacenters: Names = Field(default_factory=list)
    service_kinds: Annotated[list[ServiceKind], Field(max_length=10)] = Field(default_factory=list)
    services: Ids = Field(default_factory=list)


class IncidentPatch(Strict):
    title: Subject | None = None
    severity: IncidentSeverity | None = None
    public: bool | None = None
    public_text: Text | None = None
    internal_notes: Text | None = None
    servers: Names | None = None
    datacenters: Names | None = None
    service_kinds: Annotated[list[ServiceKind], Field(max_length=10)] | None = None
    services: Ids | None = None


class IncidentUpdateIn(Strict):
    body: Annotated[str, StringConstraints(min_length=1, max_length=20_000)]
    internal: bool = False


class IncidentResolveIn(Strict):
    body: Text = ""
    resolve_tickets: bool = True


class IncidentTicketIn(Strict):
    ticket: int = Field(ge=1, le=2**31 - 1)


class LinkIn(Strict):
    ticket: int = Field(ge=1, le=2**31 - 1, description="the other ticket's number")
    kind: LinkKind = LinkKind.RELATED


class IncidentUpdateOut(BaseModel):
    id: int
    author: UserOut | None
    body: str
    internal: bool
    state: IncidentState | None
    created_at: datetime


class IncidentTicketOut(BaseModel):
    number: int
    subject: str
    status: str
    organization: int | None


class IncidentServiceOut(BaseModel):
    id: int
    kind: str
    label: str
    server: str
    datacenter: str
    state: str
    organization: int | None


class IncidentOut(BaseModel):
    number: int
    title: str
    severity: IncidentSeverity
    state: IncidentState
    public: bool
    public_text: str
    servers: list[str]
    datacenters: list[str]
    service_kinds: list[str]
    affected_services: list[IncidentServiceOut] = Field(
        description="staff: every service hit; a customer: only their own"
    )
    started_at: datetime
    acknowledged_at: datetime | None
    resolved_at: datetime | None
    updated_at: datetime
    updates: list[IncidentUpdateOut]
    tickets: list[IncidentTicketOut] = Field(description="a customer: only their own")
    subscribed: bool
    internal_notes: str | None = Field(default=None, description="staff only")
    services: list[int] | None = Field(default=None, description="staff only")
    source: str | None = Field(default=None, description="staff only: the alert source")
    affected_organizations: int | None = Field(default=None, description="staff only")


class LinkedTicketOut(BaseModel):
    number: int
    subject: str
    status: str


class LinkedIncidentOut(BaseModel):
    number: int
    title: str
    state: IncidentState


class LinkOut(BaseModel):
    id: int
    kind: LinkKind
    ticket: LinkedTicketOut | None
    incident: LinkedIncidentOut | None
    automatic: bool
    created_at: datetime


class Loose(BaseModel):
    model_config = ConfigDict(extra="ignore")


Labels = Annotated[dict[Annotated[str, StringConstraints(max_length=200)], Annotated[str, StringConstraints(max_length=2000)]], Field(max_length=100)]  # fmt: skip


class AlertmanagerAlert(Loose):
    status: Annotated[str, StringConstraints(pattern="^(firing|resolved)$")]
    labels: Labels
    annotations: Labels = Field(default_factory=dict)
    fingerprint: Annotated[str, StringConstraints(max_length=200)] = ""
    startsAt: str = ""
    endsAt: str = ""


class AlertmanagerIn(Loose):
    """Alertmanager's webhook body (version 4): only the fields Padcom reads are checked."""

    version: str = "4"
    status: str = ""
    alerts: Annotated[list[AlertmanagerAlert], Field(max_length=1000)]


class GenericAlert(Strict):
    status: Annotated[str, StringConstraints(pattern="^(firing|resolved)$")]
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
    server: Annotated[str, StringConstraints(strip_whitespace=True, max_length=253)] = ""
    summary: Annotated[str, StringConstraints(max_length=2000)] = ""
    fingerprint: Annotated[str, StringConstraints(max_length=200)] = ""
    labels: Labels = Field(default_factory=dict)


class GenericIn(Strict):
    """The generic receiver's body: Zabbix, Checkmk or Uptime Kuma can send it."""

    alerts: Annotated[list[GenericAlert], Field(min_length=1, max_length=1000)]


class AlertResultOut(BaseModel):
    fingerprint: str
    incident: int | None
    action: str = Field(
        description="opened, joined, repeated, flapping, recovered, resolved, ignored"
    )


class AlertsOut(BaseModel):
    source: str
    results: list[AlertResultOut]
