"""Tag many tickets at once (``T`` in the queue): words to put on, words to take off.

The selected tickets carry different tags, so this is not the one ticket's
editor (``tag_editor.py``) but two lines: what to add and what to remove. It
shows the tags the selection carries now, with how many carry each, so taking
one off starts from what is there. The server checks the words once for the
whole change (one word each, the admins' allow-list).
"""

from __future__ import annotations

from collections import Counter
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from padcom_cli.client.jsontypes import Json
from padcom_cli.client.plural import counted
from padcom_tui.format import line
from padcom_tui.screens.tag_editor import words

TagChange = tuple[list[str], list[str]]
"""(words to add, words to remove)."""


def carried(tickets: list[Json]) -> str:
    """``outage (5), fra1 (2)``: the tags on ``tickets``, most carried first, then by name."""
    counts = Counter(str(tag) for ticket in tickets for tag in ticket.get("tags") or [])
    ordered = sorted(counts.items(), key=lambda pair: (-pair[1], pair[0]))
    return ", ".join(f"{line(tag)} ({n})" for tag, n in ordered) or "none"


class BulkTagDialog(ModalScreen[TagChange | None]):
    """Dismisses with the words to add and to remove (at least one), or None (esc)."""

    AUTO_FOCUS = "#add"
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "dismiss(None)", "Cancel")]

    def __init__(self, tickets: list[Json]) -> None:
        super().__init__()
        self.tickets = tickets

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            title = f"Tags of {counted(len(self.tickets), 'ticket')} (staff only)"
            yield Static(Text(title, style="bold"), classes="title")
            yield Static(Text(f"on them now: {carried(self.tickets)}", style="dim"))
            yield Input(placeholder="add: words separated by spaces", id="add")
            yield Input(placeholder="remove: words separated by spaces", id="remove")
            yield Static(Text("enter applies · tab next line · esc cancels", style="dim"))

    @on(Input.Submitted)
    def _apply(self) -> None:
        add = words(self.query_one("#add", Input).value)
        remove = words(self.query_one("#remove", Input).value)
        if add or remove:
            self.dismiss((add, remove))
