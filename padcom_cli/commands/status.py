"""``padcom status``: is something down that I rent? The incidents a customer should know of."""

from __future__ import annotations

import typer

from padcom_cli.client.hosting import Hosting
from padcom_cli.options import AsJson
from padcom_cli.output import emit
from padcom_cli.session import client


def status(ctx: typer.Context, as_json: AsJson = False) -> None:
    """Show open incidents that affect your services, and public ones, with their updates.

    Exits 0 either way; with --json, a list of incidents (empty: all is well).
    """
    found = Hosting(client(ctx)).incidents()

    def draw() -> object:
        from padcom_cli.render_incidents import status_view

        return status_view(found)

    emit(found, as_json, draw)
