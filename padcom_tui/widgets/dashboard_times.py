"""How long answers and solutions took, per priority: median and 90th percentile."""

from __future__ import annotations

from typing import Any

from rich.table import Table
from textual.widgets import Static

from padcom_cli.client.duration_words import duration
from padcom_cli.client.vocabulary import MOST_URGENT_FIRST


class DashboardTimes(Static):
    """A small table: priority by (response median, p90, resolution median, p90)."""

    DEFAULT_CSS = """
    DashboardTimes {
        height: auto;
        width: 32;
        padding: 0 1;
    }
    """

    def show(self, first_response: dict[str, Any], resolution: dict[str, Any]) -> None:
        table = Table(
            title="Times (median / 9 in 10)",
            title_justify="left",
            title_style="bold",
            box=None,
            pad_edge=False,
            show_edge=False,
            header_style="dim",
        )
        table.add_column("", no_wrap=True)
        table.add_column("response", justify="right", no_wrap=True)
        table.add_column("resolution", justify="right", no_wrap=True)
        rows = [("all", first_response["overall"], resolution["overall"])] + [
            (p, first_response["by_priority"][p], resolution["by_priority"][p])
            for p in MOST_URGENT_FIRST
        ]
        for name, answer, solve in rows:
            table.add_row(name, _pair(answer), _pair(solve))
        self.update(table)


def _pair(spread: dict[str, Any]) -> str:
    if not spread["count"]:
        return "-"
    return f"{_short(spread['median_seconds'])}/{_short(spread['p90_seconds'])}"


def _short(seconds: int | None) -> str:
    """The largest unit only, to fit a narrow column: ``3h``, ``2d``."""
    words = duration(seconds).split(" ")
    return "".join(words[:2])
