"""``GET /healthz``, ``GET /readyz`` and ``GET /metrics``: for balancers and monitoring.

Outside ``/api/v1`` and unauthenticated (a balancer has no token), so they say
nothing about tickets or people: ``/healthz`` only that the process answers,
``/readyz`` which of its parts is ready, each in a word. ``/metrics`` is off
unless ``PADCOM_METRICS_TOKEN`` is set, and then wants that token as a Bearer:
request rates per route and the outbox backlog are business numbers, and the
API port faces the internet behind the balancer.
"""

from __future__ import annotations

import hmac

import anyio
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from server.http import metrics_page
from server.http.errors import NotFound, Unauthorized
from server.reads.readiness import Check, database_checks

router = APIRouter(tags=["probes"])


@router.get("/healthz")
async def healthz() -> dict[str, str]:
    """The process is alive and its event loop answers; asks nothing of the database."""
    return {"status": "ok"}


@router.get("/readyz")
async def readyz(request: Request) -> JSONResponse:
    """200 when this process can serve: database, schema, waker, outbox worker; else 503."""
    checks = await anyio.to_thread.run_sync(database_checks)
    waker = getattr(request.app.state, "waker", None)
    listening = waker is not None and waker.listening.is_set()
    checks.append(Check("listen", listening, "ok" if listening else "not connected"))
    worker = getattr(request.app.state, "outbox_worker", None)
    if worker is not None:
        alive = worker.alive()
        checks.append(Check("outbox", alive, "ok" if alive else "worker stopped or stuck"))
    ready = all(check.ok for check in checks)
    body = {
        "status": "ready" if ready else "not ready",
        "checks": {check.name: check.detail for check in checks},
    }
    return JSONResponse(
        body, status_code=200 if ready else 503, headers={"Cache-Control": "no-store"}
    )


@router.get("/metrics")
async def prometheus(request: Request) -> Response:
    """The Prometheus text format, for a scraper holding ``PADCOM_METRICS_TOKEN``."""
    token = request.app.state.settings.metrics_token
    if not token:
        raise NotFound("metrics are off (set PADCOM_METRICS_TOKEN)")
    given = request.headers.get("authorization", "")
    if not hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
        raise Unauthorized("metrics need the scraper's token")
    body = await anyio.to_thread.run_sync(metrics_page.exposition)
    return Response(body, media_type="text/plain; version=0.0.4; charset=utf-8")
