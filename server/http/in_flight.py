"""Sign-in attempts of this process whose password check is still running, per throttle key.

The throttle counts an attempt while its password is checked (that is what
stops parallel guesses), so honest parallel sign-ins — a person's scripts, an
office behind one address at nine o'clock — would be refused only because the
others had not finished yet. A refused attempt that shares a key with one in
flight here waits for it to settle and asks the throttle again: a right
password gave its reservation back and the next one passes; a wrong one stays
counted and the next is refused as before, so no guess more is checked.
Attempts in flight in another process are not seen here; those are refused
(429), the safe side.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import Counter
from collections.abc import Iterator, Sequence


class InFlight:
    """Counts of running password checks per throttle key; used on the event loop only."""

    def __init__(self) -> None:
        self._running: Counter[str] = Counter()
        self._settled = asyncio.Event()

    def busy(self, keys: Sequence[str]) -> bool:
        """Whether a check sharing one of ``keys`` is running in this process."""
        return any(self._running[key] for key in keys)

    async def settled(self, timeout: float) -> None:
        """Wait until some running check finishes (or ``timeout`` seconds pass)."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._settled.wait(), timeout)

    @contextlib.contextmanager
    def running(self, keys: Sequence[str]) -> Iterator[None]:
        """Mark a check of ``keys`` as running until the block ends, then wake the waiters."""
        self._running.update(keys)
        try:
            yield
        finally:
            self._running.subtract(keys)
            self._running += Counter()  # drop the keys that reached zero
            woken, self._settled = self._settled, asyncio.Event()
            woken.set()
