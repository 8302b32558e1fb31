"""Writing to support: filing a ticket and replying on one."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from padcom_cli import text_input
from padcom_cli.client.jsontypes import Json
from padcom_cli.client.sanitize import clean
from padcom_cli.client.vocabulary import Category, Priority, SendAndSet
from padcom_cli.commands.files import Attach, AttachBody, fit_text, upload_all
from padcom_cli.options import (
    AsJson,
    Body,
    BodyFile,
    CategoryOption,
    Number,
    PriorityOption,
    Subject,
)
from padcom_cli.output import emit, emit_json, note, usage_error
from padcom_cli.session import client

NEW_TICKET_HELP = """\
# Describe the problem above this line: what happened, since when, and what
# you expected instead. Anything below the line is ignored; an empty text cancels."""
REPLY_HELP = """\
# Write your reply above this line. Anything below it is ignored; an empty text cancels."""


def _pick_service(choice: str | None, services: list[Json]) -> int | None:
    """The service id for ``--service`` (an id or a label), or asked for on a terminal."""
    if choice is not None:
        for item in services:
            if choice in (str(item["id"]), item["label"]):
                return int(item["id"])
        known = ", ".join(f"{s['id']} ({clean(s['label'], single_line=True)})" for s in services)
        usage_error(f"no service {clean(choice)!r} on this account; yours: {known or 'none'}")
    if len(services) <= 1 or not text_input.interactive():
        return None  # the server fills in the only service, or leaves it empty
    for index, item in enumerate(services, 1):
        note(f"  {index}) {clean(item['kind'])} {clean(item['label'], single_line=True)}")
    note("  0) none of these")
    picked = text_input.ask("Which service is it about?", default="0")
    if not picked.isdigit() or int(picked) > len(services):
        usage_error(f"no choice {clean(picked)!r}")
    return int(services[int(picked) - 1]["id"]) if int(picked) else None


def _body_name(body_file: str | None) -> str:
    """The name a text sent as a file goes by: its file's, or ``body.txt`` from stdin."""
    if body_file and body_file != "-":
        return body_file.replace("\\", "/").rsplit("/", 1)[-1]
    return "body.txt"


def new(
    ctx: typer.Context,
    subject: Subject = None,
    body: Body = None,
    body_file: BodyFile = None,
    category: CategoryOption = None,
    priority: PriorityOption = None,
    service: Annotated[
        str | None, typer.Option(help="The service's ID or label (see `padcom services`).")
    ] = None,
    attach: Attach = None,
    attach_body: AttachBody = False,
    as_json: AsJson = False,
) -> None:
    """File a new ticket.

    On a terminal, asks for what is missing (the text in $VISUAL or $EDITOR
    when set). Without one, --subject and --body (or --body-file, '-' for
    standard input) are required. Prints the new ticket's number. A text over
    the server's limit (a long log) can go as a file: --attach-body.
    """
    ask = text_input.interactive()
    subject = text_input.repaired(subject)
    if subject is None:
        if not ask:
            usage_error("missing --subject (no terminal to ask on)")
        subject = text_input.ask("Subject")
    if not subject.strip():
        usage_error("the subject is empty")
    text = text_input.need_body(body, body_file, NEW_TICKET_HELP)
    if category is None and ask:
        category = Category(
            text_input.choose("Category", [c.value for c in Category], Category.OTHER.value)
        )
    if priority is None and ask:
        priority = Priority(
            text_input.choose("Priority", [p.value for p in Priority], Priority.NORMAL.value)
        )
    api = client(ctx)
    text, as_file = fit_text(api, text, attach_body, _body_name(body_file))
    fields: Json = {"subject": subject, "body": text}
    if category is not None:
        fields["category"] = category.value
    if priority is not None:
        fields["priority"] = priority.value
    if service is not None or ask:
        service_id = _pick_service(service, api.my_services())
        if service_id is not None:
            fields["service"] = service_id
    files = upload_all(api, attach, as_file, _body_name(body_file))
    if files:
        fields["attachments"] = files
    ticket = api.create_ticket(fields)
    if as_json:
        emit_json(ticket)
        return
    sys.stdout.write(f"{ticket['number']}\n")
    note(f"Filed ticket #{ticket['number']}: {clean(ticket['subject'], single_line=True)}")


def reply(
    ctx: typer.Context,
    number: Number,
    body: Body = None,
    body_file: BodyFile = None,
    canned: Annotated[
        int | None,
        typer.Option(
            "--canned", min=1, help="Staff: send this canned reply, filled in for the ticket."
        ),
    ] = None,
    then: Annotated[
        SendAndSet | None,
        typer.Option("--set", help="Staff: set the ticket waiting or resolved with the reply."),
    ] = None,
    attach: Attach = None,
    attach_body: AttachBody = False,
    as_json: AsJson = False,
) -> None:
    """Add a reply to a ticket.

    The text comes from --body or --body-file ('-' reads standard input), or
    --canned ID; on a terminal without either, from $VISUAL/$EDITOR or typed in.
    -a attaches files.
    """
    api = client(ctx)
    if canned is not None:
        text = api.desk.rendered_reply(canned, number)
    else:
        text = text_input.need_body(body, body_file, REPLY_HELP)
    text, as_file = fit_text(api, text, attach_body, _body_name(body_file))
    files = upload_all(api, attach, as_file, _body_name(body_file))
    message = api.reply(number, text, status=then.value if then else None, attachments=files)

    def draw() -> object:
        from padcom_cli.render import message as render_message

        return render_message(message)

    emit(message, as_json, draw)
    if not as_json:
        note(f"Replied on ticket #{number}.")
