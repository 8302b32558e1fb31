"""A series of days as a sparkline, with its name, total and range in words."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Sparkline, Static


class DashboardTrend(Vertical):
    """``label`` over a ``Sparkline`` of one value per day."""

    DEFAULT_CSS = """
    DashboardTrend {
        height: auto;
    }
    DashboardTrend Sparkline {
        height: 2;
        margin: 0 0 0 0;
    }
    DashboardTrend .trend-label {
        height: 1;
    }
    """

    def __init__(self, label: str, summary: str = "total", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.label = label
        self.summary = summary

    def compose(self) -> ComposeResult:
        yield Static(Text(self.label), classes="trend-label")
        yield Sparkline([], summary_function=max)

    def show(self, values: list[int]) -> None:
        """Plot ``values`` (oldest first) and put the total or last value and the peak in words."""
        self.query_one(Sparkline).data = values or [0]
        figure = sum(values) if self.summary == "total" else (values[-1] if values else 0)
        words = Text(self.label, style="bold")
        words.append(f"  {self.summary} {figure}, peak {max(values, default=0)}", style="dim")
        self.query_one(".trend-label", Static).update(words)
