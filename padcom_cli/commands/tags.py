"""The staff's tags at the shell: the tags in use, and the admins' allow-list.

While the allow-list has words, only those may be put on a ticket; empty, any
word may. ``allow`` and ``disallow`` change the list by the words named and keep
the rest (``POST /tags/allowed``), so two admins at once lose nothing; taking
off the last word is refused, since that would let any word in: ``allow --any``
says so on purpose.
"""

from __future__ import annotations

from typing import Annotated

import typer

from padcom_cli.client.jsontypes import Json
from padcom_cli.client.sanitize import clean
from padcom_cli.options import AsJson
from padcom_cli.output import emit, usage_error
from padcom_cli.session import client

Words = Annotated[list[str] | None, typer.Argument(metavar="WORD...", help="One or more tags.")]


def _allowed_words(found: Json) -> str:
    """``Allowed: billing, outage`` or what an empty list means."""
    allowed = [clean(t, single_line=True) for t in found.get("allowed") or []]
    if not allowed:
        return "Allowed: any word (no allow-list)"
    return f"Allowed: {', '.join(allowed)} (only these may be put on tickets)"


def list_tags(ctx: typer.Context, as_json: AsJson = False) -> None:
    """List the tags in use, most used first, and the allow-list (staff)."""
    found = client(ctx).desk.tags()

    def draw() -> object:
        from rich.table import Table
        from rich.text import Text

        from padcom_cli.render import plain

        used = found.get("used") or []
        if not used:
            return [Text(_allowed_words(found)), Text("No ticket carries a tag yet.")]
        table = Table(box=None, pad_edge=False, header_style="bold")
        table.add_column("Tag", no_wrap=True)
        table.add_column("Tickets", justify="right", no_wrap=True)
        for row in used:
            table.add_row(plain(row["tag"], "cyan", single_line=True), Text(str(row["tickets"])))
        return [Text(_allowed_words(found)), table]

    emit(found, as_json, draw)


def allow(
    ctx: typer.Context,
    words: Words = None,
    any_word: Annotated[
        bool, typer.Option("--any", help="Empty the allow-list: any word may be a tag again.")
    ] = False,
    as_json: AsJson = False,
) -> None:
    """Put words on the allow-list of tags (administrators); the rest of it stays."""
    if any_word == bool(words):
        usage_error("name the words to allow, or --any (not both)")
    desk = client(ctx).desk
    found = desk.set_allowed_tags([]) if any_word else desk.change_allowed_tags(add=words)
    emit(found, as_json, lambda: _allowed_words(found))


def disallow(ctx: typer.Context, words: Words = None, as_json: AsJson = False) -> None:
    """Take words off the allow-list (administrators); tickets keep the tags they carry."""
    if not words:
        usage_error("name the words to take off the allow-list")
    found = client(ctx).desk.change_allowed_tags(remove=words)
    emit(found, as_json, lambda: _allowed_words(found))
