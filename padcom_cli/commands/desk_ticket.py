"""Staff commands on one ticket: put tags on it, take them off, apply a macro; list macros.

Tags are staff-only words ("spam", "outage-fra1"); a tag change needs no
version (adding and removing commute). A macro applies its actions in one
change; ``--if-version`` refuses it when the ticket moved on (exit 5).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer

from padcom_cli.client.sanitize import clean
from padcom_cli.options import AsJson, IfVersion, Number
from padcom_cli.output import emit, emit_json, note
from padcom_cli.session import client


class TagVerb(StrEnum):
    ADD = "add"
    REMOVE = "remove"


def tag(
    ctx: typer.Context,
    number: Number,
    verb: Annotated[TagVerb, typer.Argument(help="add or remove.")],
    words: Annotated[list[str], typer.Argument(metavar="WORD...", help="One or more tags.")],
    as_json: AsJson = False,
) -> None:
    """Add tags to a ticket or remove them (staff)."""
    desk = client(ctx).desk
    if verb == TagVerb.ADD:
        ticket = desk.change_tags(number, add=words)
    else:
        ticket = desk.change_tags(number, remove=words)
    if as_json:
        emit_json(ticket)
        return
    shown = ", ".join(clean(t, single_line=True) for t in ticket.get("tags") or []) or "none"
    typer.echo(shown)
    note(f"Ticket #{number} tags: {shown}")


def macros(ctx: typer.Context, as_json: AsJson = False) -> None:
    """List the macros you can apply (shared ones first)."""
    found = client(ctx).desk.macros()

    def draw() -> object:
        from rich.table import Table
        from rich.text import Text

        from padcom_cli.render import plain

        if not found:
            return Text("No macros yet.")
        table = Table(box=None, pad_edge=False, header_style="bold")
        for name in ("ID", "Name", "Whose", "Actions"):
            table.add_column(name)
        for m in found:
            actions = "; ".join(f"{a['action']} {a['value']}" for a in m["actions"])
            table.add_row(
                Text(str(m["id"])), plain(m["name"], single_line=True),
                Text("shared" if m["shared"] else "mine"), plain(actions, single_line=True),
            )  # fmt: skip
        return table

    emit(found, as_json, draw)


def apply(
    ctx: typer.Context,
    number: Number,
    macro: Annotated[int, typer.Argument(min=1, max=2**31 - 1, metavar="MACRO", help="Its id.")],
    if_version: IfVersion = None,
    as_json: AsJson = False,
) -> None:
    """Apply a macro to a ticket (staff)."""
    ticket = client(ctx).desk.apply_macro(number, macro, if_version)

    def draw() -> object:
        from padcom_cli.render import plain

        tags = ", ".join(ticket.get("tags") or []) or "no tags"
        return plain(f"#{number}: {ticket['status']}, {ticket['priority']}, {tags}")

    emit(ticket, as_json, draw)
