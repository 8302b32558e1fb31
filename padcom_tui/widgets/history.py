"""The ticket's history: one line per event, old → new for every changed field."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.widgets import Static

from padcom_cli.client.jsontypes import Json
from padcom_tui.format import ink, line, person, stamp


def describe_value(field: str, value: Any, names: dict[int, str]) -> str:
    if value is None:
        return "nobody" if field == "assignee" else "-"
    if field == "assignee" and isinstance(value, int):
        return names.get(value, f"user {value}")
    return line(value)


def describe_changes(changes: Any, names: dict[int, str]) -> str:
    if not isinstance(changes, dict):
        return ""
    parts = []
    for field, value in changes.items():
        if isinstance(value, list) and len(value) == 2:
            old, new = (describe_value(field, v, names) for v in value)
            parts.append(f"{line(field)}: {old} → {new}")
        elif field not in ("message", "body"):
            parts.append(f"{line(field)}: {describe_value(field, value, names)}")
    return ", ".join(parts)


def history_text(events: list[Json], names: dict[int, str]) -> Text:
    text = Text()
    for event in events:
        text.append(f"{stamp(event.get('at'))}  ", style="dim")
        text.append(f"{person(event.get('actor'))}  ", style="bold")
        text.append(line(event.get("kind")))
        if event.get("internal"):
            text.append(" (internal)", style=ink("yellow"))
        detail = describe_changes(event.get("changes"), names)
        if detail:
            text.append(f"  {detail}")
        text.append("\n")
    return text


class History(Static):
    def show(self, events: list[Json], names: dict[int, str]) -> None:
        self.update(history_text(events, names) if events else Text("No history yet."))
