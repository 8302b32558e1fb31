"""The server's clock: wall time that follows a step of the system clock only once it lasts.

Decisions that must follow the wall clock compare stored UTC times with "now":
SLA due times, token expiry, the idempotency window, the outbox's next attempt.
A wall clock that steps (a bad NTP source, a resumed VM, ``date -s``) moved all
of them with it: +2 h on the demo data recorded two false SLA breaches, which
are permanent, and expired every token with less than 2 h to live. So "now"
runs on from the last trusted wall reading by the elapsed time of a clock that
cannot step (``CLOCK_BOOTTIME``: monotonic, and it counts a suspend). The wall
clock is followed as it is while it agrees within ``tolerance`` (NTP's slewing
stays inside it); a reading that disagrees is held off, and adopted only once
the same offset has lasted ``confirm`` seconds, when the step was the correction
of a wrong clock. A step that is undone within that window never shows.

Durations the process measures itself (timeouts, re-checks, batching) use
``time.monotonic`` directly and never this clock.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

TOLERANCE_SECONDS = 5.0
"""A disagreement up to this is followed at once (slewing, a leap second)."""
CONFIRM_SECONDS = 15 * 60.0
"""How long a stepped wall clock must keep its new offset before it is believed."""


def _elapsed() -> float:
    """Seconds on a clock that never steps and keeps counting through a suspend (Linux)."""
    return time.clock_gettime(time.CLOCK_BOOTTIME)


def _default_elapsed() -> Callable[[], float]:
    return _elapsed if hasattr(time, "CLOCK_BOOTTIME") else time.monotonic


class SteadyClock:
    """Wall time in epoch seconds that does not jump with a short-lived step of the system clock.

    ``wall`` and ``elapsed`` are injectable so a test can step one and not the other.
    """

    def __init__(
        self,
        wall: Callable[[], float] = time.time,
        elapsed: Callable[[], float] | None = None,
        *,
        tolerance: float = TOLERANCE_SECONDS,
        confirm: float = CONFIRM_SECONDS,
    ) -> None:
        self.wall = wall
        self.elapsed = elapsed or _default_elapsed()
        self.tolerance = tolerance
        self.confirm = confirm
        self._lock = threading.Lock()
        self._anchor = (self.wall(), self.elapsed())  # a trusted wall reading, and when
        self._step: tuple[float, float] | None = None  # an offset held off, since when

    def time(self) -> float:
        """Now, in seconds since the epoch."""
        wall, elapsed = self.wall(), self.elapsed()
        with self._lock:
            trusted = self._anchor[0] + (elapsed - self._anchor[1])
            offset = wall - trusted
            if abs(offset) <= self.tolerance:
                self._anchor, self._step = (wall, elapsed), None
                return wall
            if self._step is None or abs(offset - self._step[0]) > self.tolerance:
                self._step = (offset, elapsed)  # a new step: start waiting for it to last
            elif elapsed - self._step[1] >= self.confirm:
                self._anchor, self._step = (wall, elapsed), None
                return wall
            return trusted


CLOCK = SteadyClock()
"""The clock of this process; ``server.storage.fields.utcnow`` reads it."""
