"""What the account rents: the services a ticket can be about."""

from __future__ import annotations

import typer

from padcom_cli.options import AsJson
from padcom_cli.output import emit
from padcom_cli.session import client


def services(ctx: typer.Context, as_json: AsJson = False) -> None:
    """List the services your account rents.

    A ticket about one of them takes its ID or label: `padcom ticket new --service ID`.
    """
    items = client(ctx).my_services()

    def draw() -> object:
        from rich.text import Text

        from padcom_cli.render import services_table

        return services_table(items) if items else Text("No services on this account.")

    emit(items, as_json, draw)
