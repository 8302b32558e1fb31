"""The ticket screen's incident keys: ``i`` links the ticket to an open incident, ``I`` unlinks it.

A ticket filed before the incident was declared, or about another service, joins
it by hand: its customer then hears of the incident's updates on the ticket, and
the queue folds it under the incident's line. ``TicketScreen`` (ticket.py) derives
from it beside ``Answering``; the links shown are the ticket's (``TicketData.links``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar

from textual.binding import Binding, BindingType

from padcom_cli.client.hosting import Hosting
from padcom_cli.client.jsontypes import Json
from padcom_tui.background import in_background
from padcom_tui.format import line
from padcom_tui.screens.base import PadcomScreen


def _label(incident: Json) -> str:
    where = ", ".join([*incident.get("servers", []), *incident.get("datacenters", [])])
    title = f"#{incident['number']} {line(incident.get('title'))}"
    return f"{title} · {line(where)}" if where else title


class IncidentLinks(PadcomScreen[Json | None]):
    """What the ticket screen does about incidents; ``number``, ``data`` and ``action_reload``
    are its."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("i", "link_incident", "Link to an incident", show=False),  # in ? help
        Binding("I", "unlink_incident", "Unlink from an incident", key_display="I", show=False),
    ]

    number: int
    data: Any  # TicketData | None (ticket.py)

    if TYPE_CHECKING:

        def action_reload(self) -> None: ...  # the ticket screen's (ticket.py)

    @property
    def hosting(self) -> Hosting:
        return Hosting(self.padcom.client)

    def _linked(self) -> list[Json]:
        """The incidents this ticket is linked to (number, title, state)."""
        links = self.data.links if self.data else []
        return [link["incident"] for link in links if link.get("incident")]

    def action_link_incident(self) -> None:
        """Pick one of the open incidents it is not linked to yet."""
        if self.data:
            in_background(self, lambda: self.hosting.incidents(), self._pick, group="incidents")

    def _pick(self, incidents: list[Json]) -> None:
        from padcom_tui.screens.choice import ChoiceScreen

        linked = {int(i["number"]) for i in self._linked()}
        options = [(_label(i), str(i["number"])) for i in incidents if i["number"] not in linked]
        if not options:
            self.notify("No open incident to link it to.", markup=False)
            return

        self._incident_chosen_then(
            ChoiceScreen(f"Link #{self.number} to the incident", options),
            lambda number: self.hosting.link_ticket(number, self.number),
            "linked to",
        )

    def action_unlink_incident(self) -> None:
        """Pick one of the incidents it is linked to (open or resolved) and untie it."""
        from padcom_tui.screens.choice import ChoiceScreen

        options = [
            (f"#{i['number']} {line(i.get('title'))} ({line(i.get('state'))})", str(i["number"]))
            for i in self._linked()
        ]
        if not options:
            self.notify(f"#{self.number} is linked to no incident.", markup=False)
            return

        self._incident_chosen_then(
            ChoiceScreen(f"Unlink #{self.number} from the incident", options),
            lambda number: self.hosting.unlink_ticket(number, self.number),
            "unlinked from",
        )

    def _incident_chosen_then(self, picker: Any, call: Callable[[int], object], done: str) -> None:
        """Ask for the incident with ``picker``, then ``call`` with its number and say ``done``."""

        def chosen(value: str | None) -> None:
            if value:
                number = int(value)
                in_background(
                    self,
                    lambda: call(number),
                    lambda _result: self._done(f"#{self.number} {done} incident #{number}."),
                    group="send",
                )

        self.app.push_screen(picker, chosen)

    def _done(self, message: str) -> None:
        self.notify(message, markup=False)
        self.action_reload()  # the header shows the ticket's links and incidents
