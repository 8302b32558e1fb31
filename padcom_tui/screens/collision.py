"""Someone else replied while the agent was writing: show their reply first, then ask.

Two agents answering one customer at once send two answers that may disagree;
the ticket screen compares the conversation before the editor opened with the
one at sending time and, when another person's reply came in between, shows it
here: send anyway, or go back to the editor with the text kept.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from padcom_cli.client.jsontypes import Json
from padcom_cli.client.sanitize import clean
from padcom_tui.format import person


def collision_text(replies: list[Json]) -> Text:
    """The replies that came in while the agent wrote, each with who wrote it."""
    text = Text()
    who = sorted({person(r.get("author")) for r in replies})
    text.append(f"{', '.join(who)} replied while you were writing:\n\n", style="bold")
    for reply in replies:
        text.append(f"{person(reply.get('author'))}: ", style="bold")
        text.append(clean(str(reply.get("body") or "")).rstrip() + "\n\n")
    text.append("Send yours anyway?")
    return text


class CollisionScreen(ModalScreen[bool]):
    """Dismisses True to send anyway, False to edit the reply again."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("s", "dismiss(True)", "Send anyway"),
        Binding("e,escape", "dismiss(False)", "Edit", key_display="e/esc"),
    ]

    def __init__(self, replies: list[Json]) -> None:
        super().__init__()
        self.replies = replies

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog conflict"):
            yield Static(collision_text(self.replies), id="their-reply")
            with Horizontal(classes="buttons"):
                yield Button("Send anyway (s)", variant="warning", id="send")
                yield Button("Edit mine (e)", id="edit")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "send")
