"""Write a reply to the customer or an internal note; ctrl+s sends, esc asks before discarding."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static, TextArea

from padcom_tui.screens.confirm import ConfirmScreen
from padcom_tui.widgets.keys_footer import KeysFooter


class ComposeScreen(ModalScreen[str | None]):
    """Dismisses with the text to send, or None when the agent gave up."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "send", "Send"),
        Binding("escape", "cancel", "Cancel"),
    ]

    def __init__(self, title: str, *, internal: bool, draft: str = "") -> None:
        super().__init__()
        self.title_text = title
        self.internal = internal
        self.draft = draft

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog compose" + (" internal" if self.internal else "")):
            yield Static(Text(self.title_text, style="bold"), classes="title")
            yield TextArea(self.draft, soft_wrap=True, show_line_numbers=False)
        yield KeysFooter()

    def on_mount(self) -> None:
        self.query_one(TextArea).focus()

    @property
    def text(self) -> str:
        return self.query_one(TextArea).text

    def action_send(self) -> None:
        if not self.text.strip():
            self.notify("Nothing to send.", severity="warning")
            return
        self.dismiss(self.text)

    def action_cancel(self) -> None:
        if not self.text.strip():
            self.dismiss(None)
            return

        def decided(discard: bool | None) -> None:
            if discard:
                self.dismiss(None)

        self.app.push_screen(ConfirmScreen("Discard this draft?", yes="Discard"), decided)
