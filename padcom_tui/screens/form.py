"""A small form in a dialog: a few labelled one-line fields, dismissed with their values.

Used by the administration screen (a new organization, an invitation, a service).
Enter in the last field (or the button) submits; esc cancels with None.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

Field = tuple[str, str, str]
"""(key, label, placeholder or initial value)."""


class FormScreen(ModalScreen[dict[str, str] | None]):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "dismiss(None)", "Cancel")]

    def __init__(self, title: str, fields: list[Field], values: dict[str, str] | None = None):
        super().__init__()
        self.title_text = title
        self.fields = fields
        self.values = values or {}

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(Text(self.title_text, style="bold"), classes="title")
            for key, label, hint in self.fields:
                yield Label(label)
                yield Input(self.values.get(key, ""), placeholder=hint, id=f"field-{key}")
            yield Button("Save", variant="primary", id="save")
            yield Static(Text("enter next/save · esc cancel", style="dim"))

    def on_mount(self) -> None:
        self.query(Input).first().focus()

    @on(Input.Submitted)
    def _next(self, event: Input.Submitted) -> None:
        inputs = list(self.query(Input))
        at = inputs.index(event.input)
        if at + 1 < len(inputs):
            inputs[at + 1].focus()
        else:
            self._save()

    @on(Button.Pressed, "#save")
    def _save(self) -> None:
        self.dismiss(
            {
                key: self.query_one(f"#field-{key}", Input).value.strip()
                for key, _l, _h in self.fields
            }
        )
