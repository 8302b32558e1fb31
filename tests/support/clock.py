"""Test support: the server's clock (``server.storage.clock.CLOCK``) moved by the test.

``Shift`` steps the wall clock alone (as NTP or an operator setting the time does) or
lets time really pass (both the wall and the elapsed-time clock move), for a server
running in this process (``tests.support.live.own_server``): its SLA watch, token
expiry, automatic reminders and closes all read this clock.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from server.storage import clock
from server.storage.clock import SteadyClock

HOUR = 3600.0
DAY = 24 * HOUR


@dataclass
class Shift:
    """How far the test has moved the wall clock and the elapsed-time clock."""

    wall: float = 0.0
    elapsed: float = 0.0

    def step(self, seconds: float) -> None:
        """The wall clock is set (the elapsed clock does not move)."""
        self.wall += seconds

    def pass_time(self, seconds: float) -> None:
        """Time really goes by: both clocks move."""
        self.wall += seconds
        self.elapsed += seconds


@contextmanager
def shifted() -> Iterator[Shift]:
    """The process's clock replaced by one the yielded ``Shift`` moves; put back afterwards."""
    moved = Shift()
    original = clock.CLOCK
    clock.CLOCK = SteadyClock(
        wall=lambda: time.time() + moved.wall, elapsed=lambda: time.monotonic() + moved.elapsed
    )
    try:
        yield moved
    finally:
        clock.CLOCK = original
