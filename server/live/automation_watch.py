"""Live layer: the background task that takes the automatic steps (server/helpdesk/automation.py).

Every ``automation.check_seconds`` (0: never) it reminds, resolves and closes what is
due; the events reach this process's listeners like those of any committed change.
The first pass runs one interval after start, not at start: a server restarted in
a loop does not hammer the database.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from typing import Any

import anyio

from server.helpdesk.automation import run_pass
from server.live.consequences import Consequences
from server.live.lifespan import App
from server.live.periodic import Lifespan, with_task
from server.storage.fields import utcnow

log = logging.getLogger("padcom.automation")


def pass_once(app: App) -> list[int]:
    """One pass at the server's now; the new events go to this process's listeners."""
    settings = app.state.settings
    journal = Consequences(settings, app.state.on_commit)
    return run_pass(settings.automation, utcnow(), journal)


async def watch(app: App, interval: float) -> None:
    """A pass every ``interval`` seconds until cancelled; a failed pass is logged and retried."""
    while True:
        await asyncio.sleep(interval)
        try:
            await anyio.to_thread.run_sync(pass_once, app)
        except Exception:  # a database outage must not end the watch
            log.exception("automatic reminders and closes failed; retrying in %s s", interval)


def with_automation(inner: Lifespan) -> Lifespan:
    """``inner`` (the app's other background services) plus the automation watch around it."""

    def task_of(app: App) -> Coroutine[Any, Any, None] | None:
        interval = float(app.state.settings.automation.check_seconds)
        return watch(app, interval) if interval > 0 else None

    return with_task(inner, task_of)
