"""The conversation: the customer's request, then every reply; internal notes stand out
by a label (readable without colour) and a coloured edge.

A cursor (up/down while the conversation has focus, on the latest message at
first) marks the message the reply editor quotes.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import Static

from padcom_cli.client.files import human_size
from padcom_cli.client.jsontypes import Json
from padcom_cli.client.sanitize import clean
from padcom_tui.format import ink, line, person, stamp


class MessageView(Static):
    """One message, with what a quote of it needs."""

    def __init__(self, text: Text, author: str, body: str, classes: str) -> None:
        super().__init__(text, classes=classes)
        self.author = author
        self.body = body


def message_widget(
    author: Json | None, at: str | None, body: str, internal: bool, files: list[Json] | None = None
) -> MessageView:
    head = Text()
    if internal:
        head.append("INTERNAL NOTE ", style=ink("bold black on yellow"))
        head.append(" ")
    role = (author or {}).get("role", "")
    head.append(person(author), style="bold")
    head.append(f" ({line(role)}) · {stamp(at)}", style="dim")
    text = head + Text("\n") + Text(clean(body.rstrip()))  # no trailing blank line
    for file in files or []:  # f opens the files: view, save
        text.append("\n📎 ", style="dim")
        text.append(clean(str(file.get("filename", "")), single_line=True))
        text.append(f"  {human_size(int(file.get('size') or 0))}", style="dim")
    classes = "message internal" if internal else "message"
    return MessageView(text, person(author), clean(body), classes)


class Conversation(VerticalScroll):
    """Rebuilt from the ticket and its messages whenever the ticket is (re)loaded.

    A ticket opens at its beginning (a 200-line log is read from line 1); a reload of
    the same ticket (a live change, a reply sent) keeps the place the agent scrolled to.
    """

    DEFAULT_CSS = "Conversation { height: 1fr; }"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "step(-1)", "Previous message", show=False),
        Binding("down", "step(1)", "Next message", show=False),
    ]
    cursor = -1
    """The index of the message under the cursor (-1: the latest)."""

    @property
    def messages(self) -> list[MessageView]:
        return list(self.query(MessageView))

    @property
    def current(self) -> MessageView | None:
        shown = self.messages
        if not shown:
            return None
        return shown[self.cursor] if -len(shown) <= self.cursor < len(shown) else shown[-1]

    def action_step(self, step: int) -> None:
        shown = self.messages
        if not shown:
            return
        index = (self.cursor % len(shown)) + step
        self.cursor = max(0, min(len(shown) - 1, index))
        self._mark()

    def point_at(self, index: int) -> None:
        """Put the cursor on entry ``index`` (0 is the description) once it is drawn."""

        def mark() -> None:
            self.cursor = max(0, min(len(self.messages) - 1, index))
            self._mark()

        self.call_after_refresh(mark)

    def _mark(self) -> None:
        current = self.current
        for view in self.messages:
            view.set_class(view is current, "cursor")
        if current is not None:
            self.scroll_to_widget(current, animate=False)

    def __init__(self) -> None:
        super().__init__()
        self.shown_number: int | None = None

    def show(self, ticket: Json, messages: list[Json]) -> None:
        again = self.shown_number == ticket.get("number")
        self.shown_number = ticket.get("number")
        place = self.scroll_y
        self.remove_children()
        widgets = [
            message_widget(
                ticket.get("requester"), ticket.get("created_at"), ticket.get("body", ""), False
            )
        ]
        widgets += [
            message_widget(
                m.get("author"),
                m.get("created_at"),
                m.get("body", ""),
                bool(m.get("internal")),
                m.get("attachments"),
            )
            for m in messages
        ]
        self.mount_all(widgets)
        self.cursor = min(self.cursor, len(widgets) - 1) if self.cursor >= 0 else -1
        marked = widgets[self.cursor]
        for view in widgets:
            view.set_class(view is marked, "cursor")
        if again:
            self.call_after_refresh(self.scroll_to, y=place, animate=False)
        else:
            self.scroll_home(animate=False)
