"""``create_app(settings)``: the whole HTTP API, built around a bound database."""

from __future__ import annotations

from collections.abc import Callable

from anyio import CapacityLimiter
from fastapi import FastAPI

from server.config import Settings
from server.helpdesk.passwords import Passwords
from server.http.access_log import AccessLog
from server.http.body_limit import BodyLimit
from server.http.client_address import parse_networks
from server.http.disconnect_watch import DisconnectWatch
from server.http.errors import install_error_handlers
from server.http.fast_read import FastTicketRead
from server.http.headers import SecurityHeaders
from server.http.in_flight import InFlight
from server.http.request_metrics import RequestMetrics
from server.http.routes import (
    alerts,
    audit,
    auth,
    bulk,
    canned,
    events,
    files,
    incidents,
    links,
    macros,
    mail,
    presence,
    probes,
    reset,
    services,
    sessions,
    site_settings,
    staff,
    stats,
    stream,
    tags,
    ticket_merge,
    tickets,
    totp,
    views,
)
from server.http.schemas import ErrorOut
from server.http.shutdown_gate import ShutdownGate
from server.http.stats_gate import StatsGate
from server.live.automation_watch import with_automation
from server.live.breach_watch import with_sla_watch
from server.live.lifespan import live_services
from server.storage.db import bind
from server.storage.migrations import migrate

API_PREFIX = "/api/v1"


def create_app(settings: Settings, *, run_migrations: bool = True) -> FastAPI:
    """The API, with the database at ``settings`` bound and (by default) migrated."""
    bind(settings.resolved_database_url, settings.database)
    if run_migrations:
        migrate()
    app = FastAPI(
        title="Padcom",
        version="1",
        summary="The helpdesk of a web-hosting company.",
        docs_url=None,
        lifespan=with_automation(with_sla_watch(live_services)),
        redoc_url=None,
        responses={
            status: {"model": ErrorOut, "description": "error"}
            for status in (400, 401, 403, 404, 409, 410, 412, 413, 422, 428, 429, 503)
        },
    )
    app.state.settings = settings
    app.state.trusted_proxies = parse_networks(settings.trusted_proxies)
    app.state.passwords = Passwords(
        settings.passwords, settings.max_concurrent_hashes, settings.sign_in_queue
    )
    app.state.sign_ins_in_flight = InFlight()
    app.state.sign_in_threads = CapacityLimiter(settings.sign_in_threads)
    on_commit: list[Callable[[list[int]], None]] = []
    app.state.on_commit = on_commit
    app.state.stats_gate = StatsGate(settings.stats_limits)
    on_commit.append(app.state.stats_gate.changed)
    install_error_handlers(app)
    people = (auth, totp, reset, sessions, staff, audit, site_settings)
    desk = (bulk, tickets, ticket_merge, presence, files, tags, canned, macros, links, events)
    for module in (*people, *desk, stream, stats, mail, views, services, incidents, alerts):
        app.include_router(module.router, prefix=API_PREFIX)
    app.include_router(probes.router)
    uploads = (f"{API_PREFIX}{files.UPLOADS}",)
    app.add_middleware(DisconnectWatch, streamed=uploads)
    app.add_middleware(FastTicketRead)
    app.add_middleware(
        BodyLimit,
        max_bytes=settings.max_request_bytes,
        streamed=uploads,
        streamed_max_bytes=settings.files.max_file_bytes,
    )
    app.add_middleware(ShutdownGate)  # inside SecurityHeaders and AccessLog: they see its 503
    app.add_middleware(SecurityHeaders)
    app.add_middleware(AccessLog, trusted_proxies=app.state.trusted_proxies)
    app.add_middleware(RequestMetrics)
    return app
