"""Live layer: a background task around the app's other services, for as long as the app runs.

The SLA breach watch (breach_watch.py) and the automatic reminders and closes
(automation_watch.py) each add one task to the lifespan the same way: started
once the services inside are up, cancelled (and awaited) before they stop.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable, Coroutine
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

from server.live.lifespan import App

Lifespan = Callable[[App], AbstractAsyncContextManager[None]]


def with_task(
    inner: Lifespan, task_of: Callable[[App], Coroutine[Any, Any, None] | None]
) -> Lifespan:
    """``inner`` plus the task ``task_of(app)`` returns (None: no task, e.g. turned off)."""

    @asynccontextmanager
    async def lifespan(app: App) -> AsyncIterator[None]:
        async with inner(app):
            work = task_of(app)
            task = asyncio.create_task(work) if work is not None else None
            try:
                yield
            finally:
                if task is not None:
                    task.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await task

    return lifespan
