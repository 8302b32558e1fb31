"""One big number with its name: the dashboard's figures at a glance."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Digits


class DashboardTile(Vertical):
    """A bordered box titled ``label`` showing a number in ``Digits``."""

    DEFAULT_CSS = """
    DashboardTile {
        height: 5;
        width: 1fr;
        border: round $primary;
        border-title-align: left;
        padding: 0 1;
    }
    DashboardTile.alert {
        border: round $error;
    }
    DashboardTile Digits {
        width: auto;
    }
    """

    def __init__(self, label: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.border_title = label

    def compose(self) -> ComposeResult:
        yield Digits("-")

    def show(self, value: int | None, alert: bool = False) -> None:
        """Show ``value`` (None: ``-``, nothing measured); ``alert`` draws the border in the
        error colour (and it stays readable without colour: the number says it)."""
        self.query_one(Digits).update("-" if value is None else str(value))
        self.set_class(alert and value is not None and value > 0, "alert")
