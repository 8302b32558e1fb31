"""Merging a duplicate into another ticket and undoing it (staff), and rating a resolution.

A merge is sent with both tickets' versions as just read, so a change made
meanwhile to either is refused (exit 5) and nothing is merged. Merging across
organizations is refused unless ``--across-organizations`` says it is meant.
"""

from __future__ import annotations

from typing import Annotated

import typer

from padcom_cli.client import merging
from padcom_cli.client.sanitize import clean
from padcom_cli.client.vocabulary import Rating
from padcom_cli.options import AsJson, Number
from padcom_cli.output import emit
from padcom_cli.session import client


def merge(
    ctx: typer.Context,
    number: Number,
    into: Annotated[
        int, typer.Option("--into", min=1, max=2**31 - 1, help="The ticket it is a duplicate of.")
    ],
    across: Annotated[
        bool,
        typer.Option(
            "--across-organizations",
            help="Merge even though the two belong to different organizations.",
        ),
    ] = False,
    as_json: AsJson = False,
) -> None:
    """Merge a duplicate ticket into another (staff).

    The duplicate is closed and points to the other ticket, which shows its
    conversation and history; the customers are told. `padcom ticket unmerge N`
    undoes it.
    """
    api = client(ctx)
    duplicate, target = api.get_ticket(number), api.get_ticket(into)
    merged = merging.merge_ticket(
        api,
        number,
        int(duplicate["version"]),
        into,
        int(target["version"]),
        across_organizations=across,
    )
    subject = clean(target["subject"], single_line=True)
    emit(
        merged,
        as_json,
        lambda: f"Merged ticket #{number} into #{into} ({subject}); #{number} is closed.",
    )


def unmerge(ctx: typer.Context, number: Number, as_json: AsJson = False) -> None:
    """Undo the merge of a ticket (staff): it stands on its own again."""
    api = client(ctx)
    ticket = api.get_ticket(number)
    restored = merging.unmerge_ticket(api, number, int(ticket["version"]))
    status = clean(str(restored["status"]), single_line=True)
    emit(restored, as_json, lambda: f"Ticket #{number} is on its own again (status {status}).")


def rate(
    ctx: typer.Context,
    number: Number,
    rating: Annotated[Rating, typer.Argument(help="good or bad.")],
    message: Annotated[
        str, typer.Option("--message", "-m", help="A few words on what went well or wrong.")
    ] = "",
    as_json: AsJson = False,
) -> None:
    """Rate how a resolved ticket of yours was handled.

    One rating per resolution: if the ticket is reopened and resolved again,
    you are asked again.
    """
    ticket = merging.rate_ticket(client(ctx), number, rating.value, message)
    emit(ticket, as_json, lambda: f"Thank you: ticket #{number} rated {rating.value}.")
