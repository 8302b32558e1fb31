"""Read models: an incident as its viewer may see it — the one writer of its JSON.

Staff see everything: what is affected (the named services with their
organizations), the internal notes and updates, every linked ticket. A
customer sees the public text and public updates, the servers, datacenters and
kinds affected, and of the services only their own; never an internal note nor
the name of another customer (nor another organization's ticket).
"""

from __future__ import annotations

from typing import Any

from server.helpdesk import incidents as rules
from server.helpdesk.errors import NotFound
from server.helpdesk.links import incident_tickets, links_of
from server.helpdesk.visibility import visible_tickets
from server.reads.serialize import Related, service_json
from server.storage.db import db
from server.storage.hosting_models import Incident, IncidentSubscription, IncidentUpdate
from server.storage.models import Service, Ticket, User
from server.vocabulary import LIVE_INCIDENT_STATES


def _updates(incident: Incident, viewer: User) -> list[dict[str, Any]]:
    query = IncidentUpdate.select().where(IncidentUpdate.incident == incident.id)
    if not viewer.is_staff:
        query = query.where(IncidentUpdate.internal == False)  # noqa: E712
    rows = list(query.order_by(IncidentUpdate.id))
    related = Related(user_ids=[u.author_id for u in rows], viewer=viewer)
    return [
        {
            "id": u.id,
            "author": related.user(u.author_id),
            "body": u.body,
            "internal": u.internal,
            "state": u.state or None,
            "created_at": u.created_at,
        }
        for u in rows
        if u.body or u.state
    ]


def _tickets(incident: Incident, viewer: User) -> list[dict[str, Any]]:
    linked = incident_tickets(incident.id)
    if not viewer.is_staff:
        mine = {t.id for t in visible_tickets(viewer).where(Ticket.id.in_([t.id for t in linked]))}
        linked = [t for t in linked if t.id in mine]
    return [
        {
            "number": t.id,
            "subject": t.subject,
            "status": t.status,
            "organization": t.organization_id if viewer.is_staff else None,
        }
        for t in linked
    ]


def incident_json(incident: Incident, viewer: User) -> dict[str, Any]:
    """``incident`` as ``viewer`` may see it (call inside a connection or the transaction)."""
    staff = viewer.is_staff
    if staff:
        hit = list(rules.affected_services(incident).order_by(Service.id))
    else:
        hit = rules.customer_services_hit(viewer, incident)
    data: dict[str, Any] = {
        "number": incident.id,
        "title": incident.title,
        "severity": incident.severity,
        "state": incident.state,
        "public": incident.public,
        "public_text": incident.public_text,
        "servers": list(incident.servers),
        "datacenters": list(incident.datacenters),
        "service_kinds": list(incident.service_kinds),
        "affected_services": [
            {**service_json(s), "organization": s.organization_id if staff else None} for s in hit
        ],
        "started_at": incident.started_at,
        "acknowledged_at": incident.acknowledged_at,
        "resolved_at": incident.resolved_at,
        "updated_at": incident.updated_at,
        "updates": _updates(incident, viewer),
        "tickets": _tickets(incident, viewer),
        "subscribed": IncidentSubscription.select()
        .where(IncidentSubscription.incident == incident.id, IncidentSubscription.user == viewer.id)
        .exists(),
    }
    if staff:
        data["internal_notes"] = incident.internal_notes
        data["services"] = list(incident.services)
        data["source"] = incident.source
        data["affected_organizations"] = len({s.organization_id for s in hit})
    return data


def incident_shown(viewer: User, number: int) -> dict[str, Any]:
    """One incident the viewer may see; raises NotFound otherwise (in the caller's connection)."""
    incident = rules.incident_by_number(number)
    if not rules.sees_incident(viewer, incident):
        raise NotFound(f"incident {number} not found")
    return incident_json(incident, viewer)


def show(viewer: User, number: int) -> dict[str, Any]:
    """``incident_shown`` on a connection of its own."""
    with db.connection_context():
        return incident_shown(viewer, number)


def listing(viewer: User, state: str | None, limit: int) -> list[dict[str, Any]]:
    """Incidents newest first: staff any (``state``: ``live``, ``resolved``, or every one);
    a customer the open ones hitting their services and the open public ones."""
    with db.connection_context():
        query = Incident.select().order_by(Incident.id.desc())
        if state == "live" or not viewer.is_staff:
            query = query.where(Incident.state.in_(LIVE_INCIDENT_STATES))
        elif state == "resolved":
            query = query.where(Incident.state == "resolved")
        shown = []
        for incident in query.limit(limit if viewer.is_staff else 1000):
            if rules.sees_incident(viewer, incident):
                shown.append(incident_json(incident, viewer))
            if len(shown) >= limit:
                break
        return shown


def service_incidents(viewer: User, service_id: int) -> list[dict[str, Any]]:
    """The open incidents that hit one service (the ticket screen's, ``padcom ticket new``'s)."""
    with db.connection_context():
        service = Service.get_or_none(Service.id == service_id)
        if service is None or (
            not viewer.is_staff and service.organization_id != viewer.organization_id
        ):
            raise NotFound(f"service {service_id} not found")
        return [incident_json(i, viewer) for i in rules.incidents_of_service(service)]


def links_shown(viewer: User, number: int) -> list[dict[str, Any]]:
    """A ticket's links as ``viewer`` may see them (``links.links_of``), on a connection of its own."""
    with db.connection_context():
        return links_of(viewer, number)
