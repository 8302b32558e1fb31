"""``padcom mail …`` (staff): the mails from unknown senders waiting in triage, and what to do
with each: link it to a customer (it becomes their ticket) or refuse it (kept, never answered)."""

from __future__ import annotations

from typing import Annotated

import typer

from padcom_cli.client.admin import find_user
from padcom_cli.client.jsontypes import Json
from padcom_cli.client.triage_words import opening
from padcom_cli.options import AsJson
from padcom_cli.output import emit, note
from padcom_cli.session import client

MailId = Annotated[
    int, typer.Argument(min=1, max=2**31 - 1, metavar="ID", help="The mail's ID (mail triage).")
]
FIRST_WORDS = 60
"""How much of a mail's opening the list shows."""


def triage(ctx: typer.Context, as_json: AsJson = False) -> None:
    """List the mails from unknown senders waiting for staff, oldest first."""
    waiting = client(ctx).mail.triage()

    def draw() -> object:
        from rich.table import Table
        from rich.text import Text

        from padcom_cli.client.time_words import when
        from padcom_cli.render import plain

        if not waiting:
            return Text("No mail waits in triage.")
        table = Table(box=None, pad_edge=False, header_style="bold")
        for column in ("ID", "From", "Subject", "Received", "Text"):
            table.add_column(column)
        for item in waiting:
            table.add_row(
                str(item["id"]),
                plain(item["sender"], single_line=True),
                plain(item["subject"], single_line=True),
                when(item.get("received_at")),
                Text(opening(str(item.get("text", "")), FIRST_WORDS), style="dim"),
            )
        return table

    emit(waiting, as_json, draw)


def link(
    ctx: typer.Context,
    mail_id: MailId,
    customer: Annotated[str, typer.Argument(help="The customer's email or user ID.")],
    as_json: AsJson = False,
) -> None:
    """File a mail from triage as a ticket of a customer (they are mailed that it was opened)."""
    api = client(ctx)
    person: Json = find_user(api, customer)
    ticket = api.mail.link(mail_id, int(person["id"]))
    emit(ticket, as_json, lambda: f"Mail {mail_id} is ticket #{ticket['number']} now.")
    if not as_json:
        note(f"Filed for {person['email']}; they get a mail.")


def refuse(
    ctx: typer.Context,
    mail_id: MailId,
    reason: Annotated[str, typer.Option("--reason", "-r", help="Why, for the record.")] = "",
    as_json: AsJson = False,
) -> None:
    """Refuse a mail from triage (spam, a wrong address): kept with the reason, never answered."""
    refused = client(ctx).mail.refuse(mail_id, reason)
    emit(refused, as_json, lambda: f"Mail {mail_id} refused.")
