"""A burst of new or urgent tickets from one organization becomes one notice, not a bell each.

One customer once filed 615 tickets in 10 s and every staff terminal rang for
each urgent one. Here the first ticket of an organization in a window is
announced as before (a toast, the bell if urgent); the rest of the window are
counted, and when it closes one notice says what happened: "12 new urgent
tickets from Acme in 10 s". While the flood goes on, each further window gets
one such notice and no bell; a quiet window ends it.
"""

from __future__ import annotations

from dataclasses import dataclass

from padcom_cli.client.plural import counted


@dataclass(frozen=True)
class Notice:
    """Something to show: a toast, and whether it rings."""

    title: str
    text: str
    urgent: bool
    bell: bool


@dataclass
class _Burst:
    organization: str
    urgent: bool
    started: float
    more: int = 0
    """Tickets after the one announced (or since the last notice, in a flood)."""
    flooding: bool = False
    all_new: bool = True


class FloodGate:
    """Decides which arriving tickets are announced one by one and which are summed up."""

    def __init__(self, window_seconds: float) -> None:
        self.window = window_seconds
        self._bursts: dict[tuple[str, bool], _Burst] = {}

    def arrived(
        self, organization: str, urgent: bool, created: bool, now: float, single: Notice
    ) -> Notice | None:
        """``single`` if this ticket is to be announced on its own, else None (it is counted)."""
        burst = self._bursts.get((organization, urgent))
        if burst is None:
            self._bursts[(organization, urgent)] = _Burst(organization, urgent, now)
            return single
        burst.more += 1
        burst.all_new = burst.all_new and created
        return None

    def due(self, now: float) -> list[Notice]:
        """One notice for each burst whose window has closed with tickets left unannounced."""
        notices = []
        for key, burst in list(self._bursts.items()):
            if now - burst.started < self.window:
                continue
            if not burst.more:
                del self._bursts[key]  # a single ticket, or a quiet window after a flood
                continue
            count = burst.more + (0 if burst.flooding else 1)
            kind = ("new " if burst.all_new else "") + ("urgent " if burst.urgent else "")
            notices.append(
                Notice(
                    title=f"Flood from {burst.organization}",
                    text=f"{counted(count, kind + 'ticket')} from {burst.organization} "
                    f"in {self.window:.0f} s",
                    urgent=burst.urgent,
                    bell=False,
                )
            )
            self._bursts[key] = _Burst(burst.organization, burst.urgent, now, flooding=True)
        return notices
