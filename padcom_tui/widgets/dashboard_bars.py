"""Horizontal bars with labels and values, drawn as text: per-agent load, SLA compliance, tags."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.widgets import Static

from padcom_tui.format import line

BAR = "█"


class DashboardBars(Static):
    """A titled list of ``label ████ value`` rows; labels are untrusted text, cleaned."""

    DEFAULT_CSS = """
    DashboardBars {
        height: auto;
        width: 1fr;
        padding: 0 1;
    }
    """

    def __init__(self, title: str, empty: str = "nothing yet", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.heading = title
        self.empty = empty
        self.rows: list[tuple[str, float, str]] = []
        self.scale = 1.0

    def show(self, rows: list[tuple[str, float, str]], scale: float | None = None) -> None:
        """``rows`` of (label, value, value in words); bars are ``value / scale`` of the width."""
        self.rows = rows
        self.scale = scale or max((value for _, value, _ in rows), default=1.0) or 1.0
        self.refresh(layout=True)

    def render(self) -> Text:
        text = Text(self.heading, style="bold", no_wrap=True, overflow="crop")
        if not self.rows:
            text.append(f"\n  {self.empty}", style="dim")
            return text
        label_width = min(14, max(len(line(label)) for label, _, _ in self.rows))
        value_width = max(len(words) for _, _, words in self.rows)
        room = max(4, self.size.width - label_width - value_width - 3)
        for label, value, words in self.rows:
            text.append("\n")
            text.append(line(label)[:label_width].ljust(label_width))
            text.append(" ")
            filled = round(room * max(value, 0) / self.scale)
            text.append(BAR * filled, style="cyan")
            text.append(" " * (room - filled) + " ")
            text.append(words.rjust(value_width))
        return text
