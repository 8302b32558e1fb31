"""Rules layer: monitoring alerts turned into incidents, once per alert, damped when flapping.

An alert is known by (source, fingerprint). The first firing for a server
opens an incident for it (or joins the open incident that already names the
server); a repeat counts on the same row, never a second incident. A recovery
is noted on the incident and, when every alert of an incident that monitoring
opened has recovered, resolves it with its linked tickets (each customer told
once, as any resolution: server/helpdesk/incidents.py). An alert that fires
again soon after its recovery is flapping: it re-opens the same incident, and
past ``flap_limit`` flaps its recoveries no longer resolve anything — staff do.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from server.helpdesk import incidents
from server.helpdesk.alert_settings import AlertSettings, AlertSource
from server.helpdesk.sla import SlaTargets
from server.storage.fields import utcnow
from server.storage.hosting_models import Alert, Incident, IncidentUpdate
from server.storage.models import Event
from server.vocabulary import LIVE_INCIDENT_STATES, AlertState, IncidentState

SERVER_LABELS = ("server", "host", "hostname", "nodename", "instance")
"""Labels naming the affected server, first found wins (``instance``'s port is cut off)."""


@dataclass(frozen=True)
class AlertIn:
    """One alert as a receiver read it (Alertmanager's or the generic shape)."""

    status: str
    name: str
    labels: dict[str, str]
    summary: str = ""
    fingerprint: str = ""
    server: str = ""


@dataclass
class Outcome:
    """What a batch of alerts did: per alert, and what the change must write and tell."""

    results: list[dict[str, Any]] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    news: list[incidents.News] = field(default_factory=list)


def server_of(labels: dict[str, str]) -> str:
    """The server an alert is about, from its labels ("" if none names one)."""
    for name in SERVER_LABELS:
        value = str(labels.get(name, "")).strip()
        if value:
            if name == "instance" and not value.startswith("["):
                value = value.rsplit(":", 1)[0] if value.count(":") == 1 else value
            return value[:253]
    return ""


def fingerprint_of(alert: AlertIn) -> str:
    """The alert's own fingerprint, or one made of its labels (the same labels, the same alert)."""
    if alert.fingerprint:
        return alert.fingerprint[:200]
    canonical = json.dumps(sorted(alert.labels.items()), separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()[:32]


def _note(incident: Incident, body: str) -> None:
    IncidentUpdate.create(
        incident=incident.id,
        author=incidents.monitoring_user().id,
        body=body,
        internal=True,
        created_at=utcnow(),
    )


def _open_for(server: str) -> Incident | None:
    """The open incident that already names ``server``."""
    if not server:
        return None
    for incident in incidents.live_incidents():
        if server in incident.servers:
            return incident
    return None


def _fire(
    source: AlertSource, alert: AlertIn, settings: AlertSettings, out: Outcome
) -> dict[str, Any]:
    fingerprint = fingerprint_of(alert)
    server = alert.server or server_of(alert.labels)
    now = utcnow()
    row: Alert | None = Alert.get_or_none(
        Alert.source == source.name, Alert.fingerprint == fingerprint
    )
    if row is not None and row.state == AlertState.FIRING:
        Alert.update(firings=Alert.firings + 1, last_fired_at=now).where(
            Alert.id == row.id
        ).execute()
        return {"fingerprint": fingerprint, "incident": row.incident_id, "action": "repeated"}
    if row is not None:  # fired again after a recovery
        flapping = row.resolved_at is not None and now - row.resolved_at < timedelta(
            seconds=settings.flap_seconds
        )
        incident = Incident.get_or_none(Incident.id == row.incident_id)
        if flapping and incident is not None:
            if incident.state not in LIVE_INCIDENT_STATES:
                incident.state = (
                    IncidentState.ACKNOWLEDGED if incident.acknowledged_at else IncidentState.OPEN
                )
                incident.resolved_at = None
                incident.updated_at = now
                incident.save()
            _note(
                incident, f"{alert.name} on {server or 'an unnamed server'} fired again (flapping)"
            )
            Alert.update(
                state=AlertState.FIRING,
                firings=Alert.firings + 1,
                flaps=Alert.flaps + 1,
                last_fired_at=now,
                resolved_at=None,
            ).where(Alert.id == row.id).execute()
            return {"fingerprint": fingerprint, "incident": incident.id, "action": "flapping"}
    incident = _open_for(server)
    action = "joined"
    if incident is None:
        text = alert.summary or (
            f"We are looking into a problem with server {server}." if server else alert.name
        )
        incident, declared = incidents.declare(
            None,
            {
                "title": f"{alert.name} on {server}" if server else alert.name,
                "public_text": text,
                "servers": [server] if server else [],
            },
            source=source.name,
        )
        out.events += declared
        action = "opened"
    else:
        _note(incident, f"{alert.name} is firing too ({source.name})")
    values = {
        "state": AlertState.FIRING,
        "incident": incident.id,
        "name": alert.name[:200],
        "server": server,
        "labels": alert.labels,
        "last_fired_at": now,
        "resolved_at": None,
    }
    if row is None:
        Alert.create(source=source.name, fingerprint=fingerprint, first_fired_at=now, **values)
    else:
        Alert.update(firings=Alert.firings + 1, **values).where(Alert.id == row.id).execute()
    return {"fingerprint": fingerprint, "incident": incident.id, "action": action}


def _recover(
    source: AlertSource, alert: AlertIn, settings: AlertSettings, sla: SlaTargets, out: Outcome
) -> dict[str, Any]:
    fingerprint = fingerprint_of(alert)
    row: Alert | None = Alert.get_or_none(
        Alert.source == source.name, Alert.fingerprint == fingerprint
    )
    if row is None or row.state == AlertState.RESOLVED:
        return {"fingerprint": fingerprint, "incident": row.incident_id if row else None,
                "action": "ignored"}  # fmt: skip
    now = utcnow()
    Alert.update(state=AlertState.RESOLVED, resolved_at=now).where(Alert.id == row.id).execute()
    incident = Incident.get_or_none(Incident.id == row.incident_id)
    if incident is None or incident.state not in LIVE_INCIDENT_STATES:
        return {"fingerprint": fingerprint, "incident": row.incident_id, "action": "recovered"}
    _note(incident, f"{row.name} on {row.server or 'an unnamed server'} recovered")
    still_firing = (
        Alert.select()
        .where(Alert.incident == incident.id, Alert.state == AlertState.FIRING)
        .exists()
    )
    flapping = row.flaps >= settings.flap_limit
    if (
        settings.auto_resolve
        and incident.declared_by_id is None
        and not still_firing
        and not flapping
    ):
        _, events, news = incidents.resolve(
            None, incident.id, f"Monitoring reports {row.server or row.name} working again.", sla
        )
        out.events += events
        out.news.append(news)
        return {"fingerprint": fingerprint, "incident": incident.id, "action": "resolved"}
    return {"fingerprint": fingerprint, "incident": incident.id, "action": "recovered"}


def receive(
    source: AlertSource, batch: list[AlertIn], settings: AlertSettings, sla: SlaTargets
) -> Outcome:
    """Apply a batch of alerts in order (in the caller's write transaction)."""
    out = Outcome()
    for alert in batch:
        if alert.status == AlertState.FIRING:
            out.results.append(_fire(source, alert, settings, out))
        else:
            out.results.append(_recover(source, alert, settings, sla, out))
    return out
