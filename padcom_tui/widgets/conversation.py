"""The conversation: the customer's request, then every reply; internal notes stand out
by a label (readable without colour) and a coloured edge."""

from __future__ import annotations

from rich.text import Text
from textual.containers import VerticalScroll
from textual.widgets import Static

from padcom_cli.client.jsontypes import Json
from padcom_cli.client.sanitize import clean
from padcom_tui.format import ink, line, person, stamp


def message_widget(author: Json | None, at: str | None, body: str, internal: bool) -> Static:
    head = Text()
    if internal:
        head.append("INTERNAL NOTE ", style=ink("bold black on yellow"))
        head.append(" ")
    role = (author or {}).get("role", "")
    head.append(person(author), style="bold")
    head.append(f" ({line(role)}) · {stamp(at)}", style="dim")
    # no trailing blank line: a body from a file or a mail ends in a newline or two
    text = head + Text("\n") + Text(clean(body.rstrip()))
    return Static(text, classes="message internal" if internal else "message")


class Conversation(VerticalScroll):
    """Rebuilt from the ticket and its messages whenever the ticket is (re)loaded.

    A ticket opens at its beginning (a 200-line log is read from line 1); a reload of
    the same ticket (a live change, a reply sent) keeps the place the agent scrolled to.
    """

    DEFAULT_CSS = "Conversation { height: 1fr; }"

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
                m.get("author"), m.get("created_at"), m.get("body", ""), bool(m.get("internal"))
            )
            for m in messages
        ]
        self.mount_all(widgets)
        if again:
            self.call_after_refresh(self.scroll_to, y=place, animate=False)
        else:
            self.scroll_home(animate=False)
