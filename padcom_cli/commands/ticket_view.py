"""Reading tickets: the list, and one ticket with its conversation."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from padcom_cli.client.vocabulary import CATEGORIES, OPEN_WORK, PRIORITIES, STATUSES
from padcom_cli.options import AsJson, Number
from padcom_cli.output import emit, usage_error
from padcom_cli.session import client
from padcom_cli.showing import show as show_ticket


def _words(value: str | None, allowed: tuple[str, ...], option: str) -> str | None:
    """A comma-separated filter checked against the API's words (exit 2 on a typo)."""
    if value is None:
        return None
    words = [w.strip().lower() for w in value.split(",") if w.strip()]
    wrong = [w for w in words if w not in allowed]
    if wrong or not words:
        usage_error(f"{option} takes {', '.join(allowed)} (comma-separated), not {value!r}")
    return ",".join(words)


def list_tickets(
    ctx: typer.Context,
    status: Annotated[
        str | None,
        typer.Option("--status", "-s", help="Only these statuses, comma-separated, e.g. new,open."),
    ] = None,
    priority: Annotated[
        str | None,
        typer.Option("--priority", "-p", help="Only these priorities: low, normal, high, urgent."),
    ] = None,
    category: Annotated[
        str | None,
        typer.Option(
            "--category", "-c", help="Only these: hardware, software, usage, security, other."
        ),
    ] = None,
    search: Annotated[
        str | None,
        typer.Option(
            "--search",
            "-q",
            help="Words in any subject, description or reply (staff: notes too), or a "
            "customer, organization or service; best hits first, every status.",
        ),
    ] = None,
    tag: Annotated[
        str | None,
        typer.Option(
            "--tag", "-t", help="Staff: only tickets with any of these tags, comma-separated."
        ),
    ] = None,
    everything: Annotated[
        bool, typer.Option("--all", "-a", help="Include resolved and closed tickets.")
    ] = False,
    deleted: Annotated[
        bool,
        typer.Option("--deleted", help="Staff: only the tickets their customers deleted."),
    ] = False,
    limit: Annotated[
        int, typer.Option("--limit", "-L", min=1, max=1000, help="At most this many.")
    ] = 30,
    as_json: AsJson = False,
) -> None:
    """List tickets, newest first.

    With --search, the best hits first, each with where it matched. Only open ones (new, open or waiting) unless you pass --all, --status or --search.
    """
    every_status = everything or bool(search)
    filters: dict[str, Any] = {
        "status": _words(status, STATUSES, "--status") or (None if every_status else OPEN_WORK),
        "priority": _words(priority, PRIORITIES, "--priority"),
        "category": _words(category, CATEGORIES, "--category"),
        "q": search,
        "tag": tag,
    }
    if deleted:
        filters["deleted"] = "true"
        if status is None:
            filters["status"] = None  # a deleted ticket is out of the work, whatever its status
    tickets = list(client(ctx).iter_tickets(limit=limit, **filters))

    def draw() -> object:
        from rich.text import Text

        from padcom_cli.render import hits_table, ticket_table

        if not tickets:
            narrowed = any((status, priority, category, search, deleted, tag))
            return Text("No tickets match." if narrowed else "No open tickets.")
        return hits_table(tickets) if search else ticket_table(tickets)

    emit(tickets, as_json, draw)


def show(
    ctx: typer.Context,
    number: Number,
    history: Annotated[
        bool, typer.Option("--history", help="Also show every change, oldest first.")
    ] = False,
    as_json: AsJson = False,
) -> None:
    """Show a ticket and its conversation.

    The properties, the description, then every reply oldest first. --json
    prints {"ticket", "messages"} (and "events" with --history).
    """
    show_ticket(client(ctx), number, history=history, as_json=as_json)
