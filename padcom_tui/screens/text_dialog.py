"""A text to send, in a dialog: an incident's update, note or closing message (ctrl+s, esc)."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static, TextArea

from padcom_tui.widgets.keys_footer import KeysFooter


class TextDialog(ModalScreen[str | None]):
    """Dismisses with the text, or None when given up (esc)."""

    DEFAULT_CSS = """
    TextDialog .dialog { width: 100; height: 60%; }
    TextDialog TextArea { height: 1fr; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "send", "Send"),
        Binding("escape", "dismiss(None)", "Cancel"),
    ]

    def __init__(self, title: str) -> None:
        super().__init__()
        self.title_text = title

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(Text(self.title_text, style="bold"), classes="title")
            yield TextArea("", soft_wrap=True, show_line_numbers=False)
        yield KeysFooter()

    def on_mount(self) -> None:
        self.query_one(TextArea).focus()

    def action_send(self) -> None:
        text = self.query_one(TextArea).text
        if not text.strip():
            self.notify("Nothing to send.", severity="warning")
            return
        self.dismiss(text)
