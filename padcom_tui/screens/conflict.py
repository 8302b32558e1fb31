"""Someone else changed the ticket first: show what changed and offer to re-apply ours.

The words come from ``padcom_cli.client.conflict_words``, as in the CLI's exit-5 message.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from padcom_cli.client.conflict_words import UNSEEN, differences, headline
from padcom_cli.client.event_words import Names, actor, changes
from padcom_cli.client.jsontypes import Json


def conflict_text(before: Json, now: Json, events: list[Json], mine: str, names: Names) -> Text:
    """The dialog's words: the versions, every change since in words, then our own change."""
    text = Text()
    words = headline(int(now["number"]), int(before["version"]), int(now["version"]))
    text.append(f"{words[:1].upper()}{words[1:]}.\n\n", style="bold")
    for event in events:
        text.append(f"{actor(event)}: ", style="bold")
        text.append(f"{changes(event, names)}\n")
    if not events:
        text.append(f"{UNSEEN}\n")
    for change in differences(before, now):
        text.append(f"  {change}\n")
    text.append("\nYour change: ", style="bold")
    text.append(f"{mine}\n")
    text.append("Apply it to the new version?")
    return text


class ConflictScreen(ModalScreen[bool]):
    """Dismisses True to re-apply the agent's change on top of the new version."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "dismiss(True)", "Re-apply mine"),
        Binding("k,escape", "dismiss(False)", "Keep theirs", key_display="k/esc"),
    ]

    def __init__(self, text: Text) -> None:
        super().__init__()
        self.text = text

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog conflict"):
            yield Static(self.text)
            with Horizontal(classes="buttons"):
                yield Button("Re-apply mine (a)", variant="warning", id="apply")
                yield Button("Keep theirs (k)", id="keep")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "apply")
