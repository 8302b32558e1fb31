"""Live layer: the background task that runs the SLA breach check (server/helpdesk/sla_watch.py),
and beside it the IMAP poller's thread when ``PADCOM_IMAP_URL`` is set.

Every ``sla_check_seconds`` (0: never) it records the newly missed targets;
their events reach this process's listeners like those of any committed change.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager

import anyio

from server.helpdesk.sla_watch import record_breaches
from server.live.consequences import Consequences
from server.live.lifespan import App
from server.live.mail_poller import Poller
from server.storage.fields import utcnow

log = logging.getLogger("padcom.sla")


def check_once(app: App) -> list[int]:
    """One check; the new events go to the same listeners as any committed change."""
    return record_breaches(utcnow(), Consequences(app.state.settings, app.state.on_commit))


async def watch(app: App, interval: float) -> None:
    """Check every ``interval`` seconds until cancelled; a failed check is logged and retried."""
    while True:
        try:
            await anyio.to_thread.run_sync(check_once, app)
        except Exception:  # a database outage must not end the watch
            log.exception("SLA breach check failed; retrying in %s s", interval)
        await asyncio.sleep(interval)


Lifespan = Callable[[App], AbstractAsyncContextManager[None]]


def _mail_poller(app: App) -> Poller | None:
    """The IMAP poller (server/live/mail_poller.py), when ``PADCOM_IMAP_URL`` is set."""
    settings = app.state.settings
    if not settings.mail_in.imap_url:
        return None
    poller = Poller(settings).start()
    app.state.mail_poller = poller
    return poller


def with_sla_watch(inner: Lifespan) -> Lifespan:
    """``inner`` (the app's other background services) plus the breach watch around it."""

    @asynccontextmanager
    async def lifespan(app: App) -> AsyncIterator[None]:
        async with inner(app):
            interval = float(app.state.settings.sla_check_seconds)
            task = asyncio.create_task(watch(app, interval)) if interval > 0 else None
            poller = _mail_poller(app)
            try:
                yield
            finally:
                if poller is not None:
                    await anyio.to_thread.run_sync(poller.close)
                if task is not None:
                    task.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await task

    return lifespan
