"""The queue's part of an outage: the incidents above it, their tickets folded, ``w`` and ``i``.

A mixin of ``QueueScreen`` (queue.py would pass 400 lines with it): the open
incidents are read before the first page (their tickets are folded under their
line, not rows), ``i`` unfolds one incident's tickets, ``w`` narrows the queue
to one server or datacenter. An incident's event on the stream reads them again.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from padcom_cli.client.errors import PadcomError
from padcom_cli.client.hosting import Hosting
from padcom_cli.client.jsontypes import Json
from padcom_tui.background import in_background
from padcom_tui.format import line
from padcom_tui.messages import IncidentsChanged
from padcom_tui.queue_pages import QueueFilters, TicketQueue
from padcom_tui.screens.base import PadcomScreen
from padcom_tui.widgets.incident_banner import IncidentBanner, places_of


class OutageKeys(PadcomScreen[None]):
    """What the queue does about open incidents; ``load`` and ``queue`` are the queue's."""

    queue: TicketQueue
    started: bool

    if TYPE_CHECKING:

        def load(self, filters: QueueFilters) -> None: ...

    def refresh_incidents(self) -> None:
        """The open incidents above the queue, each one line with its tickets counted."""
        in_background(
            self,
            lambda: Hosting(self.padcom.client).incidents(),
            self._incidents_arrived,
            failed=self._incidents_failed,
            group="incidents",
            exclusive=True,
        )

    def on_incidents_changed(self, _message: IncidentsChanged) -> None:
        """An incident declared, changed or resolved (by anyone, or monitoring): read the
        lines above the queue again (and which tickets they fold)."""
        self.refresh_incidents()

    def _incidents_failed(self, _error: PadcomError) -> None:
        if not self.started:  # the first page reports a lost server itself
            self.started = True
            self.load(QueueFilters())

    def _incidents_arrived(self, incidents: list[Json]) -> None:
        """Show them, and fold their tickets under them (a reload when that set changed)."""
        self.query_one(IncidentBanner).show(incidents)
        live = frozenset(int(i["number"]) for i in incidents)
        if not self.started:
            self.started = True
            self.load(QueueFilters(folded=live))
        elif live != self.queue.filters.folded:
            self.load(self.queue.filters.but(folded=live))

    def action_filter_incident(self) -> None:
        """Unfold one incident: only its tickets (``i`` again, or "all", folds them back)."""
        from padcom_tui.screens.choice import ChoiceScreen

        incidents = self.query_one(IncidentBanner).incidents
        options = [("all, incidents folded", "")] + [
            (
                f"#{i['number']} {line(i.get('title'))} ({len(i.get('tickets', []))})",
                str(i["number"]),
            )
            for i in incidents
        ]
        current = str(self.queue.filters.incident or "")

        def chosen(value: str | None) -> None:
            if value is not None:
                self.load(self.queue.filters.but(incident=int(value) if value else None))

        self.app.push_screen(ChoiceScreen("Show the tickets of", options, current), chosen)

    def action_filter_place(self) -> None:
        """Only the tickets of one server or datacenter (those of open incidents first)."""
        from padcom_tui.screens.choice import ChoiceScreen

        banner = self.query_one(IncidentBanner)
        places = banner.places() + places_of(self.queue.ordered())
        options = [
            ("anywhere", ""),
            *[(f"{kind} {name}", f"{kind}={name}") for kind, name in dict.fromkeys(places)],
        ]
        current = next(
            (f"{k}={v}" for k in ("server", "datacenter") if (v := getattr(self.queue.filters, k))),
            "",
        )

        def chosen(value: str | None) -> None:
            if value is None:
                return
            kind, _, name = value.partition("=")
            self.load(
                self.queue.filters.but(
                    server=name if kind == "server" else None,
                    datacenter=name if kind == "datacenter" else None,
                )
            )

        self.app.push_screen(ChoiceScreen("Show tickets on", options, current), chosen)
