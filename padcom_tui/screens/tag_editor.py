"""Edit a ticket's tags as one line of words: add some, delete some, enter saves.

The server normalises them (lower case, one word each) and refuses a word that
is not one, or not on the admins' allow-list; the refusal is shown as any error.
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


def words(typed: str) -> list[str]:
    """The tags in a typed line (spaces or commas between them), lower case, each once."""
    found = [w.strip().lower() for w in typed.replace(",", " ").split()]
    return list(dict.fromkeys(w for w in found if w))


class TagEditor(ModalScreen[list[str] | None]):
    """Dismisses with the words now wanted (order kept, duplicates dropped), or None (esc)."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "dismiss(None)", "Cancel")]

    def __init__(self, number: int, tags: list[str]) -> None:
        super().__init__()
        self.number = number
        self.tags = tags

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(
                Text(f"Tags of #{self.number} (staff only)", style="bold"), classes="title"
            )
            yield Input(" ".join(self.tags), placeholder="words separated by spaces", id="tags")
            yield Static(Text("enter save · esc cancel", style="dim"))

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    @on(Input.Submitted)
    def _save(self, event: Input.Submitted) -> None:
        self.dismiss(words(event.value))
