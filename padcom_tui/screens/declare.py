"""Declare an incident: a title, what is affected, how bad, what customers read."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Select, Static, TextArea

from padcom_cli.client.jsontypes import Json
from padcom_cli.client.vocabulary import INCIDENT_SEVERITIES, IncidentSeverity
from padcom_tui.widgets.keys_footer import KeysFooter


def _names(value: str) -> list[str]:
    return [n.strip() for n in value.replace(" ", ",").split(",") if n.strip()]


class DeclareScreen(ModalScreen[Json | None]):
    """Dismisses with the new incident's fields, or None when given up."""

    DEFAULT_CSS = """
    DeclareScreen .dialog.compose { height: auto; max-height: 100%; }
    DeclareScreen Input, DeclareScreen Select { height: 1; border: none; margin-bottom: 1; }
    DeclareScreen Input:focus { border: none; background: $boost; }
    DeclareScreen SelectCurrent { border: none; height: 1; }
    DeclareScreen TextArea { height: 5; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "declare", "Declare"),
        Binding("escape", "dismiss(None)", "Cancel"),
    ]

    def __init__(self, servers: str = "") -> None:
        super().__init__()
        self.servers = servers

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog compose declare"):
            yield Static(Text("Declare an incident", style="bold"), classes="title")
            yield Input(placeholder="title (one line)", id="title")
            yield Input(self.servers, placeholder="servers, e.g. web-07 web-08", id="servers")
            yield Input(placeholder="datacenters, e.g. FRA-1", id="datacenters")
            yield Select(
                [(s.value, s.value) for s in INCIDENT_SEVERITIES],
                value=IncidentSeverity.MAJOR.value,
                allow_blank=False,
                id="severity",
            )
            yield Static(Text("What customers read:", style="dim"))
            yield TextArea("", soft_wrap=True, show_line_numbers=False, id="text")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.query_one("#title", Input).focus()

    def action_declare(self) -> None:
        title = self.query_one("#title", Input).value.strip()
        if not title:
            self.notify("An incident needs a title.", severity="warning")
            return
        severity = self.query_one("#severity", Select).value
        self.dismiss(
            {
                "title": title,
                "servers": _names(self.query_one("#servers", Input).value),
                "datacenters": _names(self.query_one("#datacenters", Input).value),
                "severity": str(severity),
                "public_text": self.query_one("#text", TextArea).text,
            }
        )
