"""``padcom status``: is something down that I rent? The incidents a customer should know of.

``--watch`` then follows the stream for the incidents' events (declared, changed,
updated, resolved) the user may see, one line each (``--json``: one Event per line).
"""

from __future__ import annotations

from typing import Annotated

import typer

from padcom_cli.client.hosting import Hosting
from padcom_cli.options import AsJson
from padcom_cli.output import emit, note
from padcom_cli.session import client


def status(
    ctx: typer.Context,
    as_json: AsJson = False,
    watch: Annotated[
        bool,
        typer.Option(
            "--watch", help="Then print each incident change as it happens (until Ctrl-C)."
        ),
    ] = False,
) -> None:
    """Show open incidents that affect your services, and public ones, with their updates.

    Exits 0 either way; with --json, a list of incidents (empty: all is well). With
    --watch, incident changes follow as they happen (with --json: one Event per line,
    after the list).
    """
    hosting = Hosting(client(ctx))
    since = client(ctx).latest_event() if watch else None
    found = hosting.incidents()

    def draw() -> object:
        from padcom_cli.render_incidents import status_view

        return status_view(found)

    emit(found, as_json, draw)
    if watch:
        from padcom_cli.commands.watch import follow, printer

        note("Watching incidents; Ctrl-C stops.")
        follow(since, lambda event: event.get("incident") is not None, printer(ctx, as_json))
