"""Changing a ticket: edit, priority, close, reopen, delete.

Every change is sent with the version it was based on (``If-Match``). When the
ticket moved on meanwhile the server refuses it, nothing is overwritten, and
the command exits 5 saying what changed since.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from padcom_cli import text_input
from padcom_cli.client.conflict_words import UNSEEN, event_line, first_line, headline
from padcom_cli.client.errors import Conflict
from padcom_cli.client.jsontypes import Json
from padcom_cli.client.sanitize import clean
from padcom_cli.client.time_words import local, parse
from padcom_cli.client.vocabulary import PRIORITIES, Priority, Status, spelled
from padcom_cli.options import (
    AsJson,
    Body,
    BodyFile,
    CategoryOption,
    IfVersion,
    Number,
    PriorityOption,
    Subject,
)
from padcom_cli.output import emit, emit_json, note, usage_error
from padcom_cli.session import client

if TYPE_CHECKING:
    from padcom_cli.client.api import PadcomClient


EDIT_HELP = """\
# The first line is the subject, the rest the description. Anything below the
# line is ignored; leave it unchanged to change nothing."""


def _later(value: str, than: str) -> bool:
    first, second = parse(value), parse(than)
    return first is not None and second is not None and first > second


def _groups_since(events: list[Json], behind: int) -> list[Json]:
    """The events of the last ``behind`` changes (one change's events share a time)."""
    times = sorted({e["at"] for e in events if e.get("kind") != "created"})  # ISO UTC: sortable
    recent = set(times[-behind:]) if behind > 0 else set()
    return [e for e in events if e["at"] in recent]


def _messages_of(api: PadcomClient, number: int, events: list[Json]) -> dict[Any, str]:
    """Message id → body, for the events that added one (a reply, a note); none asked otherwise."""
    if not any("message" in (e.get("changes") or {}) for e in events):
        return {}
    return {m["id"]: str(m.get("body") or "") for m in api.messages(number)}


def what_changed(api: PadcomClient, number: int, seen: Json | None, version: int) -> str:
    """Words for a refused change: the ticket's current version and every change since."""
    current = api.get_ticket(number)
    events = api.history(number)
    if seen is not None:
        since = seen["updated_at"]
        newer = [e for e in events if _later(e["at"], since)]
    else:
        newer = _groups_since(events, current["version"] - version)
    lines = [f"{headline(number, version, current['version'])}. What changed:"]
    said = _messages_of(api, number, newer)
    for event in newer:
        at = parse(event["at"])
        words = said.get((event.get("changes") or {}).get("message"))
        quoted = f' — "{first_line(words)}"' if words else ""
        lines.append(f"  {local(at) if at else '-'}  {event_line(event)}{quoted}")
    if not newer:
        lines.append(f"  {UNSEEN}")
    lines.append(f"See it with `padcom ticket show {number}`, then try again.")
    return "\n".join(lines)


def _update(api: PadcomClient, number: int, fields: Json, seen: Json | None, version: int) -> Json:
    """Send the change based on ``version``; a refusal becomes a Conflict saying what changed."""
    try:
        return api.update_ticket(number, version, fields)
    except Conflict as error:
        raise Conflict(
            what_changed(api, number, seen, version), status=error.status, details=error.details
        ) from error


def _change(
    ctx: typer.Context,
    number: int,
    fields: Json,
    if_version: int | None,
    as_json: bool,
) -> None:
    """Apply ``fields`` to the ticket unless they are already so, then show the outcome."""
    api = client(ctx)
    seen = None if if_version else api.get_ticket(number)
    if seen is not None and all(seen.get(k) == v for k, v in fields.items()):
        if as_json:
            emit_json(seen)
            return
        described = ", ".join(f"{k} {clean(str(v))}" for k, v in fields.items())
        note(f"Ticket #{number} already has {described}; nothing to change.")
        return
    version = if_version or int(seen["version"])  # type: ignore[index]
    ticket = _update(api, number, fields, seen, version)
    described = ", ".join(  # as stored: a reopened untouched ticket is "new" again
        f"{k}: {clean(str(ticket.get(k, v)), single_line=True)}" for k, v in fields.items()
    )
    emit(ticket, as_json, lambda: f"Ticket #{number} updated ({described}).")


def edit(
    ctx: typer.Context,
    number: Number,
    subject: Subject = None,
    body: Body = None,
    body_file: BodyFile = None,
    category: CategoryOption = None,
    priority: PriorityOption = None,
    editor: Annotated[
        bool, typer.Option("--editor", "-e", help="Edit subject and text in $VISUAL/$EDITOR.")
    ] = False,
    if_version: IfVersion = None,
    as_json: AsJson = False,
) -> None:
    """Change a ticket's subject, body, category or priority.

    With no options on a terminal (or with --editor), opens the subject and
    text in your editor. If someone changed the ticket meanwhile, nothing is
    saved: exit 5 and a list of what changed.
    """
    fields: Json = {
        "subject": text_input.repaired(subject),
        "category": category,
        "priority": priority,
    }
    fields["body"] = text_input.read_body(body, body_file)
    fields = {k: (v.value if hasattr(v, "value") else v) for k, v in fields.items() if v}
    if fields and not editor:
        _change(ctx, number, fields, if_version, as_json)
        return
    if not editor and not text_input.interactive():
        usage_error(
            "nothing to change: give --subject, --body, --body-file, --category or --priority"
        )
    api = client(ctx)
    seen = api.get_ticket(number)
    version = if_version or int(seen["version"])
    subject_now = fields.get("subject", seen["subject"])
    body_now = fields.get("body", seen["body"])
    text = text_input.edit_text(f"{subject_now}\n\n{body_now}", EDIT_HELP)
    first, _, rest = text.partition("\n")
    edited = {**fields, "subject": first.strip(), "body": rest.strip("\n")}
    wanted = {k: v for k, v in edited.items() if v != seen.get(k)}
    if not edited["subject"] or not edited["body"].strip():
        usage_error("the subject or the text is empty; nothing was saved")
    if not wanted:
        note(f"Ticket #{number} unchanged.")
        return
    ticket = _update(api, number, wanted, seen, version)
    emit(ticket, as_json, lambda: f"Ticket #{number} updated ({', '.join(sorted(wanted))}).")


def priority(
    ctx: typer.Context,
    number: Number,
    level: Annotated[Priority, typer.Argument(help=f"{spelled(PRIORITIES)}.")],
    if_version: IfVersion = None,
    as_json: AsJson = False,
) -> None:
    """Set a ticket's priority."""
    _change(ctx, number, {"priority": level.value}, if_version, as_json)


def close(
    ctx: typer.Context, number: Number, if_version: IfVersion = None, as_json: AsJson = False
) -> None:
    """Close a ticket.

    Replying on it later reopens it.
    """
    _change(ctx, number, {"status": Status.CLOSED}, if_version, as_json)


def reopen(
    ctx: typer.Context, number: Number, if_version: IfVersion = None, as_json: AsJson = False
) -> None:
    """Reopen a resolved or closed ticket."""
    _change(ctx, number, {"status": Status.OPEN}, if_version, as_json)


def delete(
    ctx: typer.Context,
    number: Number,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask first.")] = False,
    as_json: AsJson = False,
) -> None:
    """Delete a ticket (asks first).

    It disappears for you and your organization; support keeps its record.
    Without a terminal, --yes is required.
    """
    api = client(ctx)
    if not yes:
        if not text_input.interactive():
            usage_error("deleting needs --yes when there is no terminal to ask on")
        ticket = api.get_ticket(number)
        subject = clean(ticket["subject"], single_line=True)
        if not text_input.confirm(f"Delete ticket #{number} ({subject})?"):
            note("Nothing deleted.")
            return
    api.delete_ticket(number)
    emit({"number": number, "deleted": True}, as_json, lambda: f"Deleted ticket #{number}.")
