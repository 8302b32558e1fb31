"""The open incidents: declare one, post an update that reaches all its customers, resolve it.

``!`` from anywhere. Each change goes to the API (``/incidents``); the replies it
causes on linked tickets arrive in the queue like any change. The list follows
the stream: an incident's event brings it as it is now, so one declared,
updated or resolved by anyone (or by monitoring) shows here without a reload.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import DataTable, Static

from padcom_cli.client.hosting import Hosting
from padcom_cli.client.jsontypes import Json
from padcom_cli.client.live import incident_views
from padcom_cli.client.vocabulary import IncidentState
from padcom_tui.background import in_background
from padcom_tui.format import line
from padcom_tui.messages import IncidentsChanged
from padcom_tui.screens.base import PadcomScreen
from padcom_tui.widgets.keys_footer import KeysFooter
from padcom_tui.widgets.status_line import StatusLine


def detail_text(incident: Json) -> Text:
    """The incident's story: public text, updates (internal ones marked), notes, tickets."""
    text = Text()
    text.append(f"#{incident['number']} {line(incident.get('title'))}\n", style="bold")
    if incident.get("public_text"):
        text.append(f"{line(incident['public_text'])}\n")
    for update in incident.get("updates", [])[1:]:
        text.append("INTERNAL " if update.get("internal") else "", style="bold yellow")
        text.append(f"{line(update.get('body') or update.get('state'))}\n")
    if incident.get("internal_notes"):
        text.append("Notes ", style="dim")
        text.append(f"{line(incident['internal_notes'])}\n")
    tickets = incident.get("tickets", [])
    text.append(f"{len(tickets)} tickets", style="dim")
    if tickets:
        text.append(": " + " ".join(f"#{t['number']}" for t in tickets), style="dim")
    text.append(f" · {incident.get('affected_organizations', 0)} customers affected", style="dim")
    return text


class IncidentsScreen(PadcomScreen[None]):
    DEFAULT_CSS = """
    IncidentsScreen #incidents { height: auto; max-height: 50%; }
    IncidentsScreen #detail { height: 1fr; padding: 0 1; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Back"),
        Binding("n", "declare", "Declare"),
        Binding("u", "update(False)", "Update"),
        Binding("N", "update(True)", "Note", key_display="N"),
        Binding("R", "resolve", "Resolve", key_display="R"),
        Binding("ctrl+r", "reload", "Reload", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.incidents: list[Json] = []

    @property
    def hosting(self) -> Hosting:
        return Hosting(self.padcom.client)

    def compose(self) -> ComposeResult:
        yield DataTable(id="incidents", cursor_type="row")
        yield Static(id="detail")
        yield StatusLine()
        yield KeysFooter()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("#", "Severity", "State", "Title", "Where", "Tickets")
        self.query_one(StatusLine).set_detail("open incidents")
        self.action_reload()

    def action_reload(self) -> None:
        in_background(self, lambda: self.hosting.incidents(), self.show, group="load")

    def show(self, incidents: list[Json]) -> None:
        self.incidents = incidents
        table = self.query_one(DataTable)
        table.clear()
        for i in incidents:
            where = ", ".join([*i.get("servers", []), *i.get("datacenters", [])])
            table.add_row(
                Text(str(i["number"])),
                Text(line(i.get("severity"))),
                Text(line(i.get("state"))),
                Text(line(i.get("title"))),
                Text(line(where) or "-"),
                Text(str(len(i.get("tickets", [])))),
                key=str(i["number"]),
            )
        self.query_one(StatusLine).set_detail(f"{len(incidents)} open incidents")
        self._detail()

    def on_incidents_changed(self, message: IncidentsChanged) -> None:
        """Apply what the stream brought: changed ones replaced, new ones on top (newest
        first, as the list is), resolved ones (or ones no longer ours to see) gone."""
        views = incident_views(message.events)
        kept = {int(i["number"]): i for i in self.incidents}
        for number, view in views.items():
            kept.pop(number, None)
            if view is not None and view.get("state") != IncidentState.RESOLVED:
                kept[number] = view
        current = self._current()
        self.show(sorted(kept.values(), key=lambda i: -int(i["number"])))
        if current is not None and str(current["number"]) in self.query_one(DataTable).rows:
            table = self.query_one(DataTable)
            table.move_cursor(row=table.get_row_index(str(current["number"])))

    def on_data_table_row_highlighted(self, _event: DataTable.RowHighlighted) -> None:
        self._detail()

    def _current(self) -> Json | None:
        table = self.query_one(DataTable)
        if not self.incidents or table.cursor_row >= len(self.incidents):
            return None
        return self.incidents[table.cursor_row]

    def _detail(self) -> None:
        current = self._current()
        self.query_one("#detail", Static).update(
            detail_text(current) if current else Text("No open incident.", style="dim")
        )

    def action_declare(self) -> None:
        from padcom_tui.screens.declare import DeclareScreen

        def declared(fields: Json | None) -> None:
            if fields is not None:
                in_background(self, lambda: self.hosting.declare(fields), self._after("Declared."))

        self.app.push_screen(DeclareScreen(), declared)

    def _after(self, message: str) -> Callable[[Json], None]:
        def after(_incident: Json) -> None:
            self.notify(message)
            self.action_reload()

        return after

    def action_update(self, internal: bool) -> None:
        from padcom_tui.screens.text_dialog import TextDialog

        current = self._current()
        if current is None:
            return
        number = int(current["number"])
        reach = len(current.get("tickets", []))
        title = (
            f"Internal note on incident #{number}"
            if internal
            else f"Update on incident #{number}: a reply on its {reach} tickets, mail to subscribers"
        )

        def written(body: str | None) -> None:
            if body:
                in_background(
                    self,
                    lambda: self.hosting.post_update(number, body, internal),
                    self._after(f"Posted on incident #{number}."),
                )

        self.app.push_screen(TextDialog(title), written)

    def action_resolve(self) -> None:
        from padcom_tui.screens.text_dialog import TextDialog

        current = self._current()
        if current is None:
            return
        number = int(current["number"])
        title = f"Resolve incident #{number}: the closing message resolves its open tickets"

        def written(body: str | None) -> None:
            if body:
                in_background(
                    self,
                    lambda: self.hosting.resolve(number, body),
                    self._after(f"Resolved incident #{number}."),
                )

        self.app.push_screen(TextDialog(title), written)
