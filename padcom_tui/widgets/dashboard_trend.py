"""A series of days as a sparkline, with its name, total and range in words, over a date axis
(the first, middle and last day), so a peak can be told apart from last week's."""

from __future__ import annotations

from datetime import date
from typing import Any

from rich.table import Table
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
    DashboardTrend .trend-label, DashboardTrend .trend-axis {
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
        yield Static(Text(""), classes="trend-axis")

    def show(self, values: list[int], days: list[str] | None = None) -> None:
        """Plot ``values`` (oldest first) and put the total or last value and the peak in words;
        ``days`` (ISO dates, one per value) label the axis."""
        self.query_one(Sparkline).data = values or [0]
        self.query_one(".trend-axis", Static).update(axis(days or []))
        figure = sum(values) if self.summary == "total" else (values[-1] if values else 0)
        words = Text(self.label, style="bold")
        words.append(f"  {self.summary} {figure}, peak {max(values, default=0)}", style="dim")
        self.query_one(".trend-label", Static).update(words)


def day_label(day: str) -> str:
    """``2026-11-02`` as ``Nov 02``; anything else as it came (cleaned by the caller)."""
    try:
        return date.fromisoformat(day[:10]).strftime("%b %d")
    except ValueError:
        return ""


def axis(days: list[str]) -> Table:
    """The first day on the left, the middle one centred, the last on the right."""
    grid = Table.grid(expand=True)
    for justify in ("left", "center", "right"):
        grid.add_column(justify=justify, ratio=1)
    if days:
        picked = (
            [days[0], days[len(days) // 2], days[-1]] if len(days) > 2 else [days[0], "", days[-1]]
        )
        grid.add_row(*(Text(day_label(d), style="dim") for d in picked))
    return grid
