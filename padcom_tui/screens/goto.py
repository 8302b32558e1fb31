"""``#`` or ``g`` from anywhere: type a ticket number (``401`` or ``#401``), enter opens it.

The number is read by ``padcom_cli.client.ticket_number``, the same reader as
``padcom ticket show '#401'``; anything else is refused in the dialog, without a request.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from padcom_cli.client.ticket_number import ticket_number


class GotoScreen(ModalScreen[int | None]):
    """Dismisses with the ticket number typed, or None when cancelled with esc."""

    AUTO_FOCUS = "#goto"
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "dismiss(None)", "Cancel")]

    def __init__(self, start: str = "") -> None:
        super().__init__()
        self.start = start

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog goto"):
            yield Static(Text("Go to ticket", style="bold"), classes="title")
            yield Input(self.start, placeholder="#401", id="goto")
            yield Static(Text("enter opens · esc cancels", style="dim"), id="goto-hint")

    @on(Input.Submitted, "#goto")
    def _submitted(self, event: Input.Submitted) -> None:
        number = ticket_number(event.value)
        if number is None:
            self.query_one("#goto-hint", Static).update(
                Text(f"{event.value.strip()!r} is no ticket number: type one such as 401")
            )
            return
        self.dismiss(number)
