"""Start and stop what runs beside the request handlers: the hub, the outbox worker, the waker."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import anyio
from fastapi import FastAPI

from server.config import Settings
from server.db import is_postgres
from server.live.hub import Hub
from server.live.pg_waker import PgWaker
from server.live.reader import latest_event_id
from server.outbox.webhook import allowed
from server.outbox.worker import OutboxWorker

log = logging.getLogger("padcom.live")


@asynccontextmanager
async def live_services(app: FastAPI) -> AsyncIterator[None]:
    """The app's lifespan: wire the hub and the outbox worker to ``app.state.on_commit``.

    The worker runs only when mail or webhooks are configured (nothing is enqueued otherwise).
    """
    settings: Settings = app.state.settings
    for url in settings.webhooks.urls:
        if not allowed(url, settings.webhooks.allow):
            log.warning("webhook %s is not on the allow-list; it will be refused", url)
    hub = Hub(asyncio.get_running_loop(), await anyio.to_thread.run_sync(latest_event_id))
    sends = settings.mail.enabled or bool(settings.webhooks.urls)
    worker = OutboxWorker(settings.mail, settings.webhooks, settings.outbox) if sends else None
    waker = PgWaker(settings.resolved_database_url, hub.notify) if is_postgres() else None
    app.state.hub = hub
    app.state.pg_waker = waker
    listeners = [hub.notify] + ([worker.wake] if worker is not None else [])
    app.state.on_commit.extend(listeners)
    if worker is not None:
        worker.start()
    if waker is not None:
        waker.start()
    try:
        yield
    finally:
        for listener in listeners:
            app.state.on_commit.remove(listener)
        hub.close()
        if waker is not None:
            await anyio.to_thread.run_sync(waker.stop)
        if worker is not None:
            await anyio.to_thread.run_sync(worker.stop)
