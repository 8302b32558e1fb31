"""Pick several values from a short list (a filter's statuses, say): space ticks, enter applies."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import SelectionList, Static


class MultiChoiceScreen(ModalScreen[list[str] | None]):
    """Dismisses with the values ticked (none ticked: any), or None when cancelled with esc."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss(None)", "Cancel"),
        Binding("enter", "apply", "Apply", priority=True),
    ]

    def __init__(self, title: str, options: list[tuple[str, str]], ticked: list[str]) -> None:
        super().__init__()
        self.title_text = title
        self.options = options
        self.ticked = ticked

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(Text(self.title_text, style="bold"), classes="title")
            yield SelectionList[str](
                *[(Text(label), value, value in self.ticked) for label, value in self.options]
            )
            yield Static(Text("space tick · enter apply (none: any) · esc cancel", style="dim"))

    def action_apply(self) -> None:
        ticked = set(self.query_one(SelectionList).selected)
        self.dismiss([value for _label, value in self.options if value in ticked])  # list order
