"""Someone else changed the ticket first: show what changed and offer to re-apply ours."""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from padcom_cli.client.jsontypes import Json
from padcom_tui.format import line, person
from padcom_tui.widgets.history import describe_changes, describe_value

FIELDS = ("subject", "status", "priority", "category", "assignee", "service", "body")


def _plain(field: str, ticket: Json) -> Any:
    value = ticket.get(field)
    if isinstance(value, dict):
        return value.get("name") or value.get("label") or value.get("id")
    return value


def differences(before: Json, now: Json) -> list[str]:
    """The fields that differ, as 'status: open → waiting'."""
    return [
        f"{field}: {describe_value(field, _plain(field, before), {})}"
        f" → {describe_value(field, _plain(field, now), {})}"
        for field in FIELDS
        if _plain(field, before) != _plain(field, now)
    ]


def conflict_text(
    before: Json, now: Json, events: list[Json], mine: str, names: dict[int, str]
) -> Text:
    text = Text()
    text.append(f"Ticket #{now['number']} changed while you were looking at it", style="bold")
    text.append(f" (version {before['version']} → {now['version']}).\n\n")
    for event in events:
        text.append(f"{person(event.get('actor'))}: ", style="bold")
        text.append(f"{line(event.get('kind'))} {describe_changes(event.get('changes'), names)}\n")
    for change in differences(before, now):
        text.append(f"  {change}\n")
    text.append("\nYour change: ", style="bold")
    text.append(f"{mine}\n")
    text.append("Nothing of yours was saved. Apply it to the new version?")
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
