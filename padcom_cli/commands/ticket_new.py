"""Writing to support: filing a ticket and replying on one."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from padcom_cli import text_input
from padcom_cli.client.api import PadcomClient
from padcom_cli.client.errors import Conflict
from padcom_cli.client.jsontypes import Json
from padcom_cli.client.sanitize import clean
from padcom_cli.client.vocabulary import Category, Priority, SendAndSet
from padcom_cli.commands.files import Attach, AttachBody, fit_text, upload_all
from padcom_cli.commands.ticket_change import what_changed
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


def _only(services: list[Json]) -> int | None:
    """The service the server fills in by itself: the account's only one."""
    return int(services[0]["id"]) if len(services) == 1 else None


def _known_outage(
    api: PadcomClient, service_id: int, subscribe: bool, ask: bool, as_json: bool
) -> bool:
    """Say so when an open incident hits the service; True when the customer subscribed instead.

    On a terminal the customer chooses; a script subscribes with --subscribe and
    files otherwise (the note goes to stderr either way).
    """
    from padcom_cli.client.hosting import Hosting

    hosting = Hosting(api)
    found = hosting.service_incidents(service_id)
    if not found:
        return False
    incident = found[0]
    title = clean(incident["title"], single_line=True)
    note(f"This looks like incident #{incident['number']} ({title}), we are on it.")
    if incident.get("public_text"):
        note(f"  {clean(incident['public_text'], single_line=True)}")
    if not subscribe and ask:
        choice = text_input.choose(
            "Subscribe to its updates, or file anyway?", ["subscribe", "file"], "subscribe"
        )
        subscribe = choice == "subscribe"
    if not subscribe:
        return False
    subscribed = hosting.subscribe(int(incident["number"]))
    if as_json:
        emit_json(subscribed)
    note(
        f"Subscribed to incident #{incident['number']}: its updates come by mail (`padcom status`)."
    )
    return True


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
    for_customer: Annotated[
        str | None,
        typer.Option(
            "--for",
            metavar="EMAIL",
            help="Staff: file it for this customer (who phoned); they are told by mail.",
        ),
    ] = None,
    attach: Attach = None,
    attach_body: AttachBody = False,
    subscribe: Annotated[
        bool,
        typer.Option(
            "--subscribe", help="If an open incident affects the service, subscribe instead."
        ),
    ] = False,
    file_anyway: Annotated[
        bool,
        typer.Option("--file-anyway", help="File even if an open incident affects the service."),
    ] = False,
    as_json: AsJson = False,
) -> None:
    """File a new ticket.

    On a terminal, asks for what is missing (the text in $VISUAL or $EDITOR
    when set). Without one, --subject and --body (or --body-file, '-' for
    standard input) are required. Prints the new ticket's number. A text over
    the server's limit (a long log) can go as a file: --attach-body. When an open
    incident already affects the service, says so and offers to subscribe to
    its updates instead (on a terminal; scripts: --subscribe or --file-anyway).
    Staff file for a customer with --for EMAIL (the service: by ID, or the
    customer's only one).
    """
    ask = text_input.interactive()
    subject = text_input.repaired(subject)
    if subject is None and not ask:
        usage_error("missing --subject (no terminal to ask on)")
    api = client(ctx)
    service_id = None
    if for_customer is None:  # staff filing for a caller name the service by its ID
        services = api.my_services()
        service_id = _pick_service(service, services) if service is not None or ask else None
        about = service_id if service_id is not None else _only(services)
        if (
            about is not None
            and not file_anyway
            and _known_outage(api, about, subscribe, ask, as_json)
        ):
            return  # subscribed instead of filing
    if subject is None:
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
    text, as_file = fit_text(api, text, attach_body, _body_name(body_file))
    fields: Json = {"subject": subject, "body": text}
    if category is not None:
        fields["category"] = category.value
    if priority is not None:
        fields["priority"] = priority.value
    if for_customer is not None:
        fields["requester"] = for_customer.strip()
        if service is not None:
            if not service.isdigit():
                usage_error("with --for, name the service by its ID")
            fields["service"] = int(service)
    elif service_id is not None:
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
    if for_customer is not None:
        who = ticket["requester"]
        name = clean(str(who.get("name") or who.get("email")), single_line=True)
        note(f"Filed for {name}; they get a mail about it.")


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
    if_version: IfVersion = None,
    as_json: AsJson = False,
) -> None:
    """Add a reply to a ticket.

    The text comes from --body or --body-file ('-' reads standard input), or
    --canned ID; on a terminal without either, from $VISUAL/$EDITOR or typed in.
    -a attaches files. With --if-version, a ticket that moved on since (someone
    replied meanwhile) is not answered: exit 5, saying what changed.
    """
    api = client(ctx)
    if canned is not None:
        text = api.desk.rendered_reply(canned, number)
    else:
        text = text_input.need_body(body, body_file, REPLY_HELP)
    text, as_file = fit_text(api, text, attach_body, _body_name(body_file))
    files = upload_all(api, attach, as_file, _body_name(body_file))
    try:
        message = api.reply(
            number,
            text,
            status=then.value if then else None,
            attachments=files,
            if_version=if_version,
        )
    except Conflict as error:
        if if_version is None:
            raise
        raise Conflict(
            what_changed(api, number, None, if_version), status=error.status, details=error.details
        ) from error

    def draw() -> object:
        from padcom_cli.render import message as render_message

        return render_message(message)

    emit(message, as_json, draw)
    if not as_json:
        note(f"Replied on ticket #{number}.")
