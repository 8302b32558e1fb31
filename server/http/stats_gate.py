"""Bounds on ``GET /stats`` work: one computation per identical request, a few per user.

A report costs a dozen grouped queries; 40 parallel customer calls on 300k
tickets made everyone's requests 2-5 s slow. Here, per server process:

- identical requests of one user (same parameters) share one computation in
  flight, and get its result for ``cache_seconds`` after — until the next
  committed change in this process, so nobody is shown figures older than
  their own last write;
- one user may have at most ``per_user`` different reports computing at once
  (more: 429 with ``Retry-After``);
- at most ``at_once`` reports compute at once, whoever asks; the rest wait
  without holding a worker thread.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Callable, Hashable
from typing import Any

from starlette.concurrency import run_in_threadpool

from server.helpdesk.limits import StatsLimits
from server.http.errors import TooManyRequests

Key = tuple[Hashable, ...]
MAX_CACHED = 1000
"""Cached reports kept at most; past that the cache starts afresh (it only saves work)."""


class StatsGate:
    """Single-flight, a short cache and concurrency bounds for one process's reports."""

    def __init__(self, limits: StatsLimits) -> None:
        self.limits = limits
        self.computed = 0
        """Reports actually computed (the rest were shared or cached)."""
        self._generation = 0
        self._cache: dict[Key, tuple[float, int, Any]] = {}
        self._flights: dict[Key, asyncio.Future[Any]] = {}
        self._running: Counter[int] = Counter()
        self._slots: asyncio.Semaphore | None = None

    def changed(self, _event_ids: object = None) -> None:
        """Forget cached reports: something was committed (an ``on_commit`` listener;
        called from any thread, and one integer store is atomic)."""
        self._generation += 1

    def _cached(self, key: Key) -> Any | None:
        found = self._cache.get(key)
        if found is None:
            return None
        expires, generation, value = found
        if generation != self._generation or time.monotonic() >= expires:
            del self._cache[key]
            return None
        return value

    async def report(self, user_id: int, key: Key, compute: Callable[[], Any]) -> Any:
        """``compute()``'s result for ``user_id``'s request ``key``, computed as rarely as allowed.

        Raises TooManyRequests, or whatever ``compute`` raised.
        """
        full_key = (user_id, *key)
        cached = self._cached(full_key)
        if cached is not None:
            return cached
        flight = self._flights.get(full_key)
        if flight is not None:
            return await asyncio.shield(flight)
        if self._running[user_id] >= self.limits.per_user:
            raise TooManyRequests(
                "your other statistics are still being computed; try again in a moment",
                retry_after=1,
            )
        flight = asyncio.get_running_loop().create_future()
        self._flights[full_key] = flight
        self._running[user_id] += 1
        generation = self._generation
        try:
            async with self._semaphore():
                self.computed += 1
                value = await run_in_threadpool(compute)
        except asyncio.CancelledError:
            flight.cancel()  # the server is stopping: so are those waiting for this one
            raise
        except Exception as exc:
            flight.set_exception(exc)
            flight.exception()  # retrieved: no "never retrieved" warning without waiters
            raise
        finally:
            self._running[user_id] -= 1
            if not self._running[user_id]:
                del self._running[user_id]
            del self._flights[full_key]
        flight.set_result(value)
        if self.limits.cache_seconds > 0 and generation == self._generation:
            if len(self._cache) >= MAX_CACHED:
                self._cache.clear()
            self._cache[full_key] = (
                time.monotonic() + self.limits.cache_seconds,
                generation,
                value,
            )
        return value

    def _semaphore(self) -> asyncio.Semaphore:
        if self._slots is None:  # made on first use, inside the server's event loop
            self._slots = asyncio.Semaphore(max(self.limits.at_once, 1))
        return self._slots
