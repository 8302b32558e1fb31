"""Live layer: the background task that runs the SLA breach check (server/helpdesk/sla_watch.py).

Every ``sla_check_seconds`` (0: never) it records the newly missed targets;
their events reach this process's listeners like those of any committed change.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from typing import Any

import anyio

from server.helpdesk.sla_watch import record_breaches
from server.live.consequences import Consequences
from server.live.lifespan import App
from server.live.periodic import Lifespan, with_task
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


def with_sla_watch(inner: Lifespan) -> Lifespan:
    """``inner`` (the app's other background services) plus the breach watch around it."""

    def task_of(app: App) -> Coroutine[Any, Any, None] | None:
        interval = float(app.state.settings.sla_check_seconds)
        return watch(app, interval) if interval > 0 else None

    return with_task(inner, task_of)
