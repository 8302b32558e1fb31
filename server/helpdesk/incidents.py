"""Rules layer: incidents — one outage, many customers, one conversation.

An incident names what it affects (servers, datacenters, service kinds, named
services); the services hit are those matching any of the lists. While it is
open, a ticket filed about an affected service joins it by itself, and one
public update reaches every linked ticket's requester as one staff reply on
their ticket (mail and stream, as any reply), and each subscriber (a customer
who chose to hear instead of filing) once by mail, unless a reply told them
already. Resolving can resolve the linked tickets with the closing message:
one reply that also resolves, so each customer is told once.

Changes to the incident itself are kept as ``IncidentUpdate`` rows (its own
story, internal notes included), and each is an event of the incident's own on
the stream (``incident_events``); what reaches the tickets is their events.
``actor`` None is monitoring (server/helpdesk/alerts.py): its changes are
signed by the inactive "Monitoring" account customers see on the replies.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from peewee import IntegrityError, ModelSelect

from server.helpdesk import links, tickets
from server.helpdesk.errors import Forbidden, Invalid, NotFound
from server.helpdesk.incident_events import changed, incident_event
from server.helpdesk.sla import SlaTargets
from server.helpdesk.visibility import get_ticket, hits, seen_incidents
from server.storage.db import db
from server.storage.fields import utcnow
from server.storage.hosting_models import Incident, IncidentSubscription, IncidentUpdate
from server.storage.models import Event, Service, Ticket, User
from server.vocabulary import (
    INCIDENT_SEVERITIES,
    LIVE_INCIDENT_STATES,
    OPEN_STATUSES,
    SERVICE_KINDS,
    EventKind,
    IncidentState,
    Role,
    Status,
)

MONITORING_EMAIL = "monitoring@padcom.invalid"
SCOPES = ("servers", "datacenters", "service_kinds", "services")
"""What an incident may name as affected."""
TEXTS = {"title": 200, "public_text": 20_000, "internal_notes": 20_000}
MAX_SCOPE = 100


@dataclass
class News:
    """What an incident change must tell beyond the replies on its linked tickets."""

    incident: Incident
    subject: str
    body: str
    update_id: int
    subscribers: list[int] = field(default_factory=list)
    """Users to mail (subscribers not told by a reply on a ticket of theirs)."""


def monitoring_user() -> User:
    """The inactive account that signs what monitoring changes (created on first use)."""
    found = User.get_or_none(User.email == MONITORING_EMAIL)
    if found is not None:
        return found
    try:
        with db.atomic():
            return User.create(
                email=MONITORING_EMAIL,
                name="Monitoring",
                role=Role.AGENT,
                active=False,
                password_hash="!",  # noqa: S106 - no argon2 hash matches "!"
            )
    except IntegrityError:
        return User.get(User.email == MONITORING_EMAIL)


def _scope(values: dict[str, Any]) -> dict[str, list[Any]]:
    found: dict[str, list[Any]] = {}
    for name in SCOPES:
        if name not in values:
            continue
        items = values[name]
        if not isinstance(items, list) or len(items) > MAX_SCOPE:
            raise Invalid(f"{name} must be a list of at most {MAX_SCOPE}")
        if name == "services":
            if not all(isinstance(i, int) and not isinstance(i, bool) for i in items):
                raise Invalid("services must be service ids")
            known = {s.id for s in Service.select(Service.id).where(Service.id.in_(items))}
            if set(items) - known:
                raise NotFound(f"service {sorted(set(items) - known)[0]} not found")
        elif name == "service_kinds":
            if any(i not in SERVICE_KINDS for i in items):
                raise Invalid(f"service_kinds must be of {', '.join(SERVICE_KINDS)}")
        elif not all(isinstance(i, str) and 0 < len(i) <= 253 for i in items):
            raise Invalid(f"{name} must be names")
        found[name] = list(dict.fromkeys(items))
    return found


def _texts(values: dict[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for name, limit in TEXTS.items():
        if name in values:
            if not isinstance(values[name], str) or len(values[name]) > limit:
                raise Invalid(f"{name} must be text of at most {limit} characters")
            found[name] = values[name].strip() if name == "title" else values[name]
    if "severity" in values:
        if values["severity"] not in INCIDENT_SEVERITIES:
            raise Invalid(f"severity must be one of {', '.join(INCIDENT_SEVERITIES)}")
        found["severity"] = values["severity"]
    if "public" in values:
        found["public"] = bool(values["public"])
    return found


def affected_services(incident: Incident) -> ModelSelect[Service]:
    """The services ``incident`` hits: any that matches one of its lists."""
    condition = None
    for column, wanted in (
        (Service.server, incident.servers),
        (Service.datacenter, incident.datacenters),
        (Service.kind, incident.service_kinds),
        (Service.id, incident.services),
    ):
        if wanted:
            step = column.in_(list(wanted))
            condition = step if condition is None else condition | step
    if condition is None:
        return Service.select().where(Service.id < 0)
    return Service.select().where(condition)


def live_incidents() -> ModelSelect[Incident]:
    return Incident.select().where(Incident.state.in_(LIVE_INCIDENT_STATES)).order_by(Incident.id)


def incidents_of_service(service: Service) -> list[Incident]:
    """The open incidents that hit ``service``, oldest first."""
    return [i for i in live_incidents() if hits(i, service)]


def incident_by_number(number: int, *, for_update: bool = False) -> Incident:
    """Raises NotFound."""
    query = Incident.select().where(Incident.id == number)
    found: Incident | None = query.first()
    if found is None:
        raise NotFound(f"incident {number} not found")
    return found


def _staff(user: User) -> None:
    if not user.is_staff:
        raise Forbidden("incidents are declared and changed by support staff")


def declare(
    actor: User | None, values: dict[str, Any], source: str = ""
) -> tuple[Incident, list[Event]]:
    """A new incident (a title at least) and its event; staff's is acknowledged at once,
    monitoring's not.

    Raises Forbidden, Invalid, NotFound (a named service).
    """
    if actor is not None:
        _staff(actor)
    texts, scope = _texts(values), _scope(values)
    if not texts.get("title"):
        raise Invalid("an incident needs a title")
    now = utcnow()
    incident = Incident.create(
        **texts,
        **scope,
        state=IncidentState.ACKNOWLEDGED if actor else IncidentState.OPEN,
        declared_by=actor.id if actor else None,
        source=source,
        started_at=now,
        acknowledged_at=now if actor else None,
        updated_at=now,
    )
    signer = actor or monitoring_user()
    update = IncidentUpdate.create(
        incident=incident.id,
        author=signer.id,
        body=incident.public_text,
        state=incident.state,
        created_at=now,
    )
    shown = {"title": incident.title, "state": incident.state, "update": update.id}
    return incident, [
        incident_event(signer, incident, EventKind.INCIDENT_DECLARED, shown, internal=False)
    ]


def change(actor: User, number: int, values: dict[str, Any]) -> tuple[Incident, list[Event]]:
    """Edit title, texts, severity, public flag or what is affected; an event names the fields
    that changed. Raises Forbidden, NotFound, Invalid."""
    _staff(actor)
    incident = incident_by_number(number)
    wanted = {**_texts(values), **_scope(values)}
    moved = [name for name, value in wanted.items() if getattr(incident, name) != value]
    if not moved:
        return incident, []
    wanted["updated_at"] = utcnow()
    Incident.update(**wanted).where(Incident.id == incident.id).execute()
    return incident_by_number(number), changed(actor, incident, moved)


def _acknowledge(incident: Incident, now: Any) -> None:
    if incident.acknowledged_at is None:
        incident.acknowledged_at = now
        incident.state = IncidentState.ACKNOWLEDGED


def _told_by_reply(ticket_list: list[Ticket]) -> set[int]:
    return {t.requester_id for t in ticket_list}


def _subscribers(incident: Incident, told: set[int]) -> list[int]:
    rows = IncidentSubscription.select(IncidentSubscription.user).where(
        IncidentSubscription.incident == incident.id
    )
    return [r.user_id for r in rows if r.user_id not in told]


def _open_linked(incident: Incident) -> list[Ticket]:
    return [
        t
        for t in links.incident_tickets(incident.id)
        if t.status in OPEN_STATUSES and t.deleted_at is None
    ]


def _worded(incident: Incident, body: str) -> str:
    return f"Incident #{incident.id} ({incident.title}):\n\n{body}"


def post_update(
    actor: User | None, number: int, body: str, *, internal: bool = False
) -> tuple[Incident, list[Event], News | None]:
    """An update; a public one is a reply on every open linked ticket and a mail to subscribers.

    The first staff update acknowledges the incident. Raises Forbidden, NotFound, Invalid.
    """
    if actor is not None:
        _staff(actor)
    if not body.strip():
        raise Invalid("an update needs text")
    incident = incident_by_number(number)
    if incident.state == IncidentState.RESOLVED:
        raise Invalid(f"incident {number} is resolved")
    signer = actor or monitoring_user()
    now = utcnow()
    if actor is not None:
        _acknowledge(incident, now)
    incident.updated_at = now
    incident.save()
    update = IncidentUpdate.create(
        incident=incident.id, author=signer.id, body=body, internal=internal, created_at=now
    )
    shown = {"update": update.id, "state": incident.state}
    events = [
        incident_event(signer, incident, EventKind.INCIDENT_UPDATED, shown, internal=internal)
    ]
    if internal:
        return incident, events, None
    reached = _open_linked(incident)
    for ticket in reached:
        events += tickets.add_message(signer, ticket.id, _worded(incident, body), False)[2]
    news = News(
        incident,
        f"Incident #{incident.id}: {incident.title}",
        body,
        update.id,
        _subscribers(incident, _told_by_reply(reached)),
    )
    return incident, events, news


def resolve(
    actor: User | None,
    number: int,
    body: str,
    sla: SlaTargets,
    *,
    resolve_tickets: bool = True,
) -> tuple[Incident, list[Event], News]:
    """Resolve the incident; with ``resolve_tickets`` each open linked ticket gets the closing
    message as one reply that also resolves it (one mail, one event). Raises Forbidden,
    NotFound, Invalid (already resolved)."""
    if actor is not None:
        _staff(actor)
    incident = incident_by_number(number)
    if incident.state == IncidentState.RESOLVED:
        raise Invalid(f"incident {number} is already resolved")
    signer = actor or monitoring_user()
    now = utcnow()
    text = body.strip() or "The problem is solved."
    before = incident.state
    incident.state = IncidentState.RESOLVED
    incident.resolved_at = incident.updated_at = now
    if incident.acknowledged_at is None and actor is not None:
        incident.acknowledged_at = now
    incident.save()
    update = IncidentUpdate.create(
        incident=incident.id, author=signer.id, body=text, state=incident.state, created_at=now
    )
    shown = {"update": update.id, "state": [before, incident.state]}
    events = [incident_event(signer, incident, EventKind.INCIDENT_RESOLVED, shown, internal=False)]
    reached = _open_linked(incident) if resolve_tickets else []
    for ticket in reached:
        events += _reply_and_resolve(signer, ticket, _worded(incident, text), sla)
    news = News(
        incident,
        f"Resolved: incident #{incident.id}: {incident.title}",
        text,
        update.id,
        _subscribers(incident, _told_by_reply(reached)),
    )
    return incident, events, news


def _reply_and_resolve(signer: User, ticket: Ticket, body: str, sla: SlaTargets) -> list[Event]:
    """One public reply that resolves the ticket: the two changes as one ``replied`` event."""
    before = ticket.status
    _, replied, reply_events = tickets.add_message(signer, ticket.id, body, False)
    _, status_events = tickets.update_ticket(
        signer, ticket.id, replied.version, {"status": Status.RESOLVED}, sla
    )
    event = reply_events[0]
    if status_events:
        event.changes = {**event.changes, "status": [before, Status.RESOLVED.value]}
    return [event]


def link_ticket(actor: User, number: int, ticket_number: int) -> list[Event]:
    """Tie a ticket to the incident (staff). Raises Forbidden, NotFound."""
    _staff(actor)
    incident = incident_by_number(number)
    return links.link_incident(actor, get_ticket(actor, ticket_number, for_update=True), incident)


def unlink_ticket(actor: User, number: int, ticket_number: int) -> list[Event]:
    """Untie a ticket from the incident (staff). Raises Forbidden, NotFound."""
    _staff(actor)
    incident = incident_by_number(number)
    ticket = get_ticket(actor, ticket_number, for_update=True)
    return links.unlink_incident(actor, ticket, incident)


def join_incidents(ticket: Ticket, filer: User) -> list[Event]:
    """A new ticket about a service an open incident hits joins it (every such incident)."""
    if ticket.service_id is None:
        return []
    service = Service.get_by_id(ticket.service_id)
    events: list[Event] = []
    for incident in incidents_of_service(service):
        events += links.link_incident(filer, ticket, incident, automatic=True)
    return events


def subscribe(user: User, number: int) -> Incident:
    """Hear of the incident's updates by mail instead of filing. Raises NotFound (an
    incident the customer may not see)."""
    incident = incident_by_number(number)
    if not user.is_staff and not sees_incident(user, incident):
        raise NotFound(f"incident {number} not found")
    if not (
        IncidentSubscription.select()
        .where(IncidentSubscription.incident == incident.id, IncidentSubscription.user == user.id)
        .exists()
    ):
        IncidentSubscription.create(incident=incident.id, user=user.id)
    return incident


def customer_services_hit(user: User, incident: Incident) -> list[Service]:
    """The customer's organization's services that ``incident`` hits."""
    if user.organization_id is None:
        return []
    return list(
        affected_services(incident)
        .where(Service.organization == user.organization_id)
        .order_by(Service.id)
    )


def sees_incident(user: User, incident: Incident) -> bool:
    """Staff see every incident; a customer a public one or one hitting their services."""
    return incident.id in seen_incidents(user, [incident.id])
