"""``padcom stats``: how your organization's tickets stand, and how fast they were handled."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from padcom_cli.client.jsontypes import Json
from padcom_cli.client.sanitize import clean
from padcom_cli.client.vocabulary import Status
from padcom_cli.options import AsJson
from padcom_cli.output import emit
from padcom_cli.session import client

Days = Annotated[
    int, typer.Option("--days", "-d", min=1, max=366, help="The period: this many days back.")
]


def _render(data: Json, days: int) -> Any:
    from rich.table import Table
    from rich.text import Text

    from padcom_cli.client.duration_words import duration
    from padcom_cli.client.plural import counted
    from padcom_cli.client.stats_words import percent, spread

    now = data["now"]
    by_status = now["by_status"]
    table = Table(box=None, pad_edge=False, show_header=False)
    table.add_column(style="bold")
    table.add_column()
    table.add_row(
        "Open now",
        Text(
            f"{now['open']}  (new {by_status[Status.NEW]}, in progress {by_status[Status.OPEN]}, "
            f"waiting on you {by_status[Status.WAITING]})"
        ),
    )
    oldest = now.get("oldest_open")
    if oldest:
        table.add_row(
            "Oldest open", Text(f"#{oldest['number']}, {duration(oldest['age_seconds'])} old")
        )
    table.add_row("Filed", Text(str(data["created"])))
    table.add_row("Solved", Text(str(data["resolved"])))
    table.add_row("First response", Text(spread(data["first_response"]["overall"])))
    table.add_row("Resolution", Text(spread(data["resolution"]["overall"])))
    sla = data["sla"]
    table.add_row(
        "Within target",
        Text(
            f"response {percent(sla['first_response']['percent'])}, "
            f"resolution {percent(sla['resolution']['percent'])}"
        ),
    )
    table.add_row("Reopened", Text(percent(data["reopens"]["percent"])))
    tags = data.get("tags")  # staff only
    if tags:
        for label, rows in (("Open by tag", tags["open"]), ("Filed by tag", tags["created"])):
            words = ", ".join(
                f"{clean(r['tag'], single_line=True)} {r['tickets']}" for r in rows[:8]
            )
            table.add_row(label, Text(words or "none"))
    return [Text(f"Your tickets, last {counted(days, 'day')}", style="bold underline"), table]


def stats(ctx: typer.Context, days: Days = 30, as_json: AsJson = False) -> None:
    """Show your organization's open and solved tickets and typical response times.

    Staff see the whole company. Times are medians; resolution time leaves out
    the time a ticket waited on you. `--json` prints the full figures.
    """
    from datetime import UTC, datetime, timedelta

    end = datetime.now(UTC)
    data = client(ctx).stats(start=end - timedelta(days=days), end=end)
    emit(data, as_json, lambda: _render(data, days))
