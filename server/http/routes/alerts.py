"""HTTP layer: monitoring alerts in — Prometheus Alertmanager's webhook and a generic shape.

Each source proves itself with its own secret (``PADCOM_ALERT_*``:
server/helpdesk/alert_settings.py): a bearer token, or an HMAC-SHA256 of the
body in ``X-Padcom-Signature`` with ``X-Padcom-Source``. No user signs in
here; without a configured source the receivers do not exist (404). What an
alert does: server/helpdesk/alerts.py.
"""

from __future__ import annotations

from typing import Annotated, Any

from anyio import to_thread
from fastapi import APIRouter, Depends, Header, Request
from pydantic import ValidationError

from server.helpdesk import alerts as rules
from server.helpdesk.alert_settings import AlertSource
from server.http.deps import AppSettings, write
from server.http.errors import Invalid, NotFound, Unauthorized
from server.http.hosting_shapes import AlertmanagerIn, AlertsOut, GenericIn
from server.outbox import incident_news
from server.storage.models import Event

router = APIRouter(tags=["alerts"])
Secret = Annotated[str | None, Header(max_length=500)]


async def _source(
    request: Request,
    settings: AppSettings,
    authorization: Secret = None,
    x_padcom_source: Secret = None,
    x_padcom_signature: Secret = None,
) -> AlertSource:
    """The source that sent this call, proven by its bearer token or the body's HMAC."""
    alerts = settings.alerts
    if not alerts.enabled:
        raise NotFound("no monitoring source is configured (PADCOM_ALERT_SOURCES)")
    found = None
    if authorization and authorization.lower().startswith("bearer "):
        found = alerts.by_token(authorization[7:].strip())
    elif x_padcom_source and x_padcom_signature:
        found = alerts.by_signature(x_padcom_source, await request.body(), x_padcom_signature)
    if found is None:
        raise Unauthorized("unknown alert source or wrong secret")
    return found


Caller = Annotated[AlertSource, Depends(_source)]


def _apply(request: Request, settings: Any, source: AlertSource, batch: list[rules.AlertIn]) -> Any:
    def step() -> tuple[dict[str, Any], list[Event]]:
        outcome = rules.receive(source, batch, settings.alerts, settings.sla)
        for news in outcome.news:
            incident_news.tell(news, settings.mail)
        return {"source": source.name, "results": outcome.results}, outcome.events

    return write(request, step)


async def _checked(request: Request, shape: Any) -> Any:
    try:
        return shape.model_validate_json(await request.body())
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise Invalid(f"not a valid alert body: {where}: {first['msg']}") from None


@router.post("/alerts/alertmanager", response_model=AlertsOut)
async def alertmanager(request: Request, settings: AppSettings, source: Caller) -> Any:
    """Alertmanager's webhook (``webhook_configs``, version 4), one batch of alerts per call."""
    data: AlertmanagerIn = await _checked(request, AlertmanagerIn)
    batch = [
        rules.AlertIn(
            status=a.status,
            name=a.labels.get("alertname", "alert"),
            labels=a.labels,
            summary=a.annotations.get("summary", "") or a.annotations.get("description", ""),
            fingerprint=a.fingerprint,
        )
        for a in data.alerts
    ]
    return await to_thread.run_sync(_apply, request, settings, source, batch)


@router.post("/alerts/generic", response_model=AlertsOut)
async def generic(request: Request, settings: AppSettings, source: Caller) -> Any:
    """The generic shape: ``{"alerts": [{"status", "name", "server", "summary", ...}]}``."""
    data: GenericIn = await _checked(request, GenericIn)
    batch = [
        rules.AlertIn(
            status=a.status,
            name=a.name,
            labels=a.labels,
            summary=a.summary,
            fingerprint=a.fingerprint,
            server=a.server,
        )
        for a in data.alerts
    ]
    return await to_thread.run_sync(_apply, request, settings, source, batch)
