"""The ticket's history: one line per event, in the words of ``padcom_cli.client.event_words``
(the same as ``padcom ticket show``), with staff named."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from padcom_cli.client.event_words import Names, changes
from padcom_cli.client.jsontypes import Json
from padcom_tui.format import ink, person, stamp


def history_text(events: list[Json], names: Names) -> Text:
    text = Text()
    for event in events:
        text.append(f"{stamp(event.get('at'))}  ", style="dim")
        text.append(f"{person(event.get('actor'))}  ", style="bold")
        text.append(changes(event, names))
        if event.get("internal") and event.get("kind") != "note":  # a note says so itself
            text.append(" (internal)", style=ink("yellow"))
        text.append("\n")
    return text


class History(Static):
    def show(self, events: list[Json], names: Names) -> None:
        self.update(history_text(events, names) if events else Text("No history yet."))
