"""``padcom ticket watch [N]``: updates to your tickets, printed the moment they happen.

One line per change for a person (a reply's text follows, indented); with
``--json`` one compact JSON object (the Event) per line, for ``| jq``. The
stream resumes by itself after a network drop; Ctrl-C ends it. Without a ticket
number the incidents' events come too (declared, updated, resolved); ``follow``
is shared with ``padcom status --watch``, which keeps only those.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from typing import Annotated

import typer

from padcom_cli.client.jsontypes import Json
from padcom_cli.client.sanitize import clean
from padcom_cli.output import note
from padcom_cli.session import client, credentials


def print_json(event: Json) -> None:
    sys.stdout.write(json.dumps(event, ensure_ascii=True, separators=(",", ":")) + "\n")
    sys.stdout.flush()


class _Printer:
    """Human lines: time, ticket, who, what; a public reply's text below it."""

    def __init__(self, ctx: typer.Context) -> None:
        from padcom_cli.output import console

        self.ctx = ctx
        self.out = console()

    def __call__(self, event: Json) -> None:
        from rich.padding import Padding
        from rich.text import Text

        from padcom_cli.client.event_words import actor, changes
        from padcom_cli.client.time_words import local, parse
        from padcom_cli.render import plain

        moment = parse(event.get("at"))
        line = Text(f"{local(moment) if moment else '-'}  ", style="dim")
        if event.get("ticket") is not None:  # an incident's event names its incident itself
            line.append(f"#{event['ticket']}  ", style="bold")
        line.append_text(plain(actor(event), "bold"))
        line.append("  ")
        line.append_text(plain(changes(event)))
        self.out.print(line)
        body = self._message_body(event)
        if body is not None:
            self.out.print(Padding(plain(body), (0, 0, 0, 4)))

    def _message_body(self, event: Json) -> str | None:
        if event.get("kind") == "incident_updated":
            return _update_body(event)
        message_id = (event.get("changes") or {}).get("message")
        if event.get("kind") != "replied" or message_id is None:
            return None
        for message in client(self.ctx).messages(int(event["ticket"])):
            if message.get("id") == message_id:
                return str(message.get("body") or "")
        return None


def _update_body(event: Json) -> str | None:
    """The text of the update an incident event posted, as the event's incident shows it."""
    wanted = (event.get("changes") or {}).get("update")
    for update in (event.get("incident_now") or {}).get("updates") or []:
        if update.get("id") == wanted:
            return str(update.get("body") or "")
    return None


def printer(ctx: typer.Context, as_json: bool) -> Callable[[Json], None]:
    """How each event is shown: one JSON line, or a line of words (and the text added)."""
    return print_json if as_json else _Printer(ctx)


def follow(since: int | None, keep: Callable[[Json], bool], show: Callable[[Json], None]) -> None:
    """Show the stream's events that ``keep`` wants until Ctrl-C, saying when the connection
    drops and comes back (on stderr)."""
    from padcom_cli.client.live import iter_events

    config = credentials()
    last = ["starting"]  # say so once per outage, not at every retry

    def status(state: str) -> None:
        if state == "reconnecting" and last[0] != "reconnecting":
            lost = "Connection lost" if last[0] == "connected" else f"Cannot reach {config.url}"
            note(f"{clean(lost)}; retrying...")
        elif state == "connected" and last[0] == "reconnecting":
            note("Connected again.")
        elif state == "reload":
            note(
                "Away too long: some updates are no longer replayed "
                "(`padcom ticket list` shows where things stand). Following from now."
            )
            return
        last[0] = state

    try:
        for event in iter_events(config.url, config.token or "", since, on_status=status):
            if keep(event):
                show(event)
    except KeyboardInterrupt:
        raise typer.Exit(0) from None


def watch(
    ctx: typer.Context,
    number: Annotated[
        int | None,
        typer.Argument(min=1, max=2**31 - 1, help="Only this ticket (default: all you can see)."),
    ] = None,
    since: Annotated[
        int | None,
        typer.Option("--since", min=0, help="Also print what happened after this event id."),
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print each update as one JSON object per line.")
    ] = False,
) -> None:
    """Print updates to your tickets as they happen.

    Runs until Ctrl-C; reconnects by itself after a network drop. With --json,
    each update is one JSON object (an Event) on its own line.
    """
    if number is not None:
        client(ctx).get_ticket(number)  # not found (exit 3) before waiting for nothing
    note(f"Watching {f'ticket #{number}' if number else 'your tickets'}; Ctrl-C stops.")
    follow(
        since,
        lambda event: number is None or event.get("ticket") == number,
        printer(ctx, as_json),
    )
