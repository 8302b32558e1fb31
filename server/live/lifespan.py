"""Live layer: start and stop what runs beside the request handlers: the hub, the outbox worker, the waker.

The waker hears every commit to the database, whoever made it: LISTEN/NOTIFY on
PostgreSQL, ``PRAGMA data_version`` on SQLite. Besides, the hub looks anyway
every ``live_recheck_seconds`` (a lost wake-up delays an event by at most that,
and an expired token ends its stream) and renews its streams' leases.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any, Protocol

import anyio

from server import telemetry
from server.config import Settings
from server.live import leases
from server.live.hub import Hub
from server.live.pg_waker import PgWaker
from server.live.reader import latest_event_id
from server.live.sqlite_waker import DataVersionWaker
from server.outbox.webhook import allowed
from server.outbox.worker import OutboxWorker
from server.storage.db import db, is_postgres

log = logging.getLogger("padcom.live")


class App(Protocol):
    """What the background services need of the app: its ``state`` (settings, on_commit)."""

    state: Any


@asynccontextmanager
async def live_services(app: App) -> AsyncIterator[None]:
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
    waker = _waker(settings, hub)
    app.state.hub = hub
    app.state.waker = waker
    app.state.outbox_worker = worker
    app.state.replay_slots = anyio.Semaphore(settings.streams.replays_at_once)
    looking = asyncio.create_task(_keep_looking(hub, settings.live_recheck_seconds))
    listeners = [hub.notify] + ([worker.wake] if worker is not None else [])
    app.state.on_commit.extend(listeners)
    if worker is not None:
        worker.start()
    waker.start()
    try:
        yield
    finally:
        looking.cancel()
        for listener in listeners:
            app.state.on_commit.remove(listener)
        hub.close()
        await anyio.to_thread.run_sync(waker.stop)
        if worker is not None:
            await anyio.to_thread.run_sync(worker.stop)


def _waker(settings: Settings, hub: Hub) -> PgWaker | DataVersionWaker:
    """What wakes ``hub`` on every commit to the database, in this process or another."""
    if is_postgres():
        listen_url = settings.listen_database_url or settings.resolved_database_url
        return PgWaker(
            listen_url, hub.notify, settings.database, on_reconnect=telemetry.LISTEN_RECONNECTS.inc
        )
    return DataVersionWaker(
        db.obj.database,
        hub.notify,
        settings.streams.wake_interval_seconds,
        wanted=lambda: hub.subscribers > 0,
    )


async def _keep_looking(hub: Hub, every: float) -> None:
    """Wake the hub every ``every`` seconds, and renew its streams' leases now and then."""
    renewed = asyncio.get_running_loop().time()
    while True:
        await asyncio.sleep(every)
        hub.notify([])
        now = asyncio.get_running_loop().time()
        if now - renewed >= leases.RENEW_SECONDS:
            renewed = now
            leases.renew(hub.leases())
