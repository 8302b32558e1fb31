"""Canned replies for staff: list, show, add, edit and delete them from the shell.

Shared replies are the admins' (``--shared``); anyone on staff keeps their own.
A body names ticket values as ``{customer.name}``, ``{ticket.number}`` …; the
server refuses an unknown placeholder (exit 3, with the list of known ones).
"""

from __future__ import annotations

from typing import Annotated

import typer

from padcom_cli import text_input
from padcom_cli.client.jsontypes import Json
from padcom_cli.client.sanitize import clean
from padcom_cli.options import AsJson, Body, BodyFile
from padcom_cli.output import emit, emit_json, note, usage_error
from padcom_cli.session import client

ReplyId = Annotated[int, typer.Argument(min=1, max=2**31 - 1, metavar="ID", help="The reply's id.")]
BODY_HELP = """\
# The canned reply's text. Placeholders: {customer.name}, {ticket.number},
# {ticket.subject}, {service.label}, {agent.name} ... ({{ and }} are braces)."""


def _owner(reply: Json) -> str:
    return "shared" if reply.get("shared") else "mine"


def list_replies(ctx: typer.Context, as_json: AsJson = False) -> None:
    """List the canned replies you can use (shared ones first)."""
    replies = client(ctx).desk.canned_replies()

    def draw() -> object:
        from rich.table import Table
        from rich.text import Text

        from padcom_cli.render import plain

        if not replies:
            return Text("No canned replies yet: add one with `padcom canned add NAME`.")
        table = Table(box=None, pad_edge=False, header_style="bold")
        for name in ("ID", "Name", "Whose"):
            table.add_column(name, no_wrap=True, min_width=len(name) + 1)
        table.add_column("First line", overflow="ellipsis", no_wrap=True, ratio=1)
        for r in replies:
            first = (str(r["body"]).splitlines() or [""])[0]
            table.add_row(
                Text(str(r["id"])), plain(r["name"], single_line=True), Text(_owner(r)),
                plain(first[:60], single_line=True),
            )  # fmt: skip
        return table

    emit(replies, as_json, draw)


def show(ctx: typer.Context, reply_id: ReplyId, as_json: AsJson = False) -> None:
    """Show one canned reply and the placeholders it uses."""
    reply = client(ctx).desk.canned_reply(reply_id)

    def draw() -> object:
        from padcom_cli.render import plain

        head = f"#{reply['id']} {clean(reply['name'], single_line=True)} ({_owner(reply)})"
        used = ", ".join("{" + p + "}" for p in reply.get("placeholders") or []) or "none"
        return [plain(head, "bold"), plain(reply["body"]), plain(f"placeholders: {used}", "dim")]

    emit(reply, as_json, draw)


def add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="What agents search it by, e.g. 'Need logs'.")],
    body: Body = None,
    body_file: BodyFile = None,
    shared: Annotated[
        bool, typer.Option("--shared", help="For every staff member (administrators only).")
    ] = False,
    as_json: AsJson = False,
) -> None:
    """Add a canned reply (yours, or --shared for everyone)."""
    text = text_input.need_body(body, body_file, BODY_HELP)
    reply = client(ctx).desk.add_canned_reply(name, text, shared)
    if as_json:
        emit_json(reply)
        return
    typer.echo(str(reply["id"]))
    note(f"Added canned reply #{reply['id']}: {clean(reply['name'], single_line=True)}")


def edit(
    ctx: typer.Context,
    reply_id: ReplyId,
    name: Annotated[str | None, typer.Option("--name", "-n", help="A new name.")] = None,
    body: Body = None,
    body_file: BodyFile = None,
    as_json: AsJson = False,
) -> None:
    """Rename or rewrite a canned reply."""
    changes: Json = {}
    if name is not None:
        changes["name"] = name
    text = text_input.read_body(body, body_file)
    if text is not None:
        changes["body"] = text
    if not changes:
        usage_error("nothing to change: pass --name, --body or --body-file")
    reply = client(ctx).desk.change_canned_reply(reply_id, changes)
    if as_json:
        emit_json(reply)
        return
    note(f"Changed canned reply #{reply_id}.")


def delete(ctx: typer.Context, reply_id: ReplyId) -> None:
    """Delete a canned reply."""
    client(ctx).desk.delete_canned_reply(reply_id)
    note(f"Deleted canned reply #{reply_id}.")
