"""The conversation: the customer's request, then every reply; internal notes stand out
by a label (readable without colour) and a coloured edge."""

from __future__ import annotations

from rich.text import Text
from textual.containers import VerticalScroll
from textual.widgets import Static

from padcom_cli.client.files import human_size
from padcom_cli.client.jsontypes import Json
from padcom_cli.client.sanitize import clean
from padcom_tui.format import ink, line, person, stamp


def message_widget(
    author: Json | None, at: str | None, body: str, internal: bool, files: list[Json] | None = None
) -> Static:
    head = Text()
    if internal:
        head.append("INTERNAL NOTE ", style=ink("bold black on yellow"))
        head.append(" ")
    role = (author or {}).get("role", "")
    head.append(person(author), style="bold")
    head.append(f" ({line(role)}) · {stamp(at)}", style="dim")
    text = head + Text("\n") + Text(clean(body))
    for file in files or []:  # f opens the files: view, save
        text.append("\n📎 ", style="dim")
        text.append(clean(str(file.get("filename", "")), single_line=True))
        text.append(f"  {human_size(int(file.get('size') or 0))}", style="dim")
    return Static(text, classes="message internal" if internal else "message")


class Conversation(VerticalScroll):
    """Rebuilt from the ticket and its messages whenever the ticket is (re)loaded."""

    DEFAULT_CSS = "Conversation { height: 1fr; }"

    def show(self, ticket: Json, messages: list[Json]) -> None:
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
        self.scroll_end(animate=False)
