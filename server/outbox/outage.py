"""Destinations that are down: the SMTP server, or one webhook receiver (scheme, host, port).

While a destination is down its rows wait untouched (no attempt charged, no
line logged, no query that reads them); one probe, doubling its wait up to a
cap, asks whether it is back. The outage is logged once when it starts and
once when it ends, so 10,000 waiting mails cost one line and ~no CPU.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field

SMTP = "smtp"
"""The key of the SMTP server; a webhook destination's key is its origin URL."""


@dataclass
class Down:
    """One destination's outage: since when, why, and when to probe it next."""

    reason: str
    since: float
    delay: float
    next_probe: float
    targets: set[str] = field(default_factory=set)
    """Webhook URLs seen on this destination, whose rows wait with it."""


class Outages:
    """The destinations currently down, as one worker saw them (each process probes alone)."""

    def __init__(self, first_delay: float, max_delay: float, log: logging.Logger) -> None:
        self.first_delay = first_delay
        self.max_delay = max_delay
        self.log = log
        self.down: dict[str, Down] = {}

    def waiting(self, key: str) -> bool:
        """Whether ``key`` is down and its next probe is not due yet."""
        found = self.down.get(key)
        return found is not None and time.monotonic() < found.next_probe

    def waiting_targets(self) -> tuple[bool, set[str]]:
        """(SMTP waiting?, the webhook URLs whose destination is waiting): rows not to claim."""
        urls: set[str] = set()
        for key, outage in self.down.items():
            if key != SMTP and self.waiting(key):
                urls |= outage.targets
        return self.waiting(SMTP), urls

    def failed(self, key: str, what: str, reason: str, target: str = "") -> None:
        """A probe (or the first try) of ``key`` failed: start the outage or wait longer."""
        now = time.monotonic()
        outage = self.down.get(key)
        if outage is None:
            outage = Down(reason, now, self.first_delay, now + self.first_delay)
            self.down[key] = outage
            self.log.warning(
                "%s unreachable, deliveries to it wait in the outbox until it answers "
                "(probed every %.0f s at most): %s",
                what,
                self.max_delay,
                reason,
            )
        elif now >= outage.next_probe:
            outage.delay = min(self.max_delay, outage.delay * 2)
            outage.next_probe = now + outage.delay
        if target:
            outage.targets.add(target)

    def hold(self, key: str, target: str) -> None:
        """A row for ``target`` met its destination down: its rows wait with the outage."""
        if key in self.down:
            self.down[key].targets.add(target)

    def recovered(self, key: str, what: str) -> None:
        """``key`` answered: end its outage (logged once, with how long it lasted)."""
        outage = self.down.pop(key, None)
        if outage is not None:
            self.log.warning(
                "%s reachable again after %.0f s; sending what waited",
                what,
                time.monotonic() - outage.since,
            )

    def seconds_to_next_probe(self, cap: float) -> float:
        """Time until the earliest probe falls due, at most ``cap``."""
        now = time.monotonic()
        return max(0.0, min([cap, *(o.next_probe - now for o in self.down.values())]))
