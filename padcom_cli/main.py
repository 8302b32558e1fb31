"""``padcom``: the customers' command line, built so start-up stays fast.

How commands are registered: ``COMMANDS`` below is the one table. Each key is
a command's path (``"stats"``, ``"ticket watch"``), each value is
``("module:attribute", "one-line help")``. The attribute may be a plain function
(docstring = help, ``Annotated`` parameters = options), a ``typer.Typer`` app or
a Click command. Adding a command is one line; a two-word path puts it under
that group (``GROUPS`` holds each group's help). ``padcom_cli.app.LazyGroup``
imports a module only when its command runs, completes or shows its own help.
``tests/cli/test_help.py`` checks each one-line help against the command's own.

This module imports nothing heavy: ``padcom --help`` is printed from these
tables without importing Typer, and ``tests/cli/test_help.py`` proves it reads
exactly as Typer's own help. ``padcom ticket show N`` runs without Typer too
(``padcom_cli.fastpath``).
"""

from __future__ import annotations

import shutil
import sys
import textwrap
from typing import Any

from padcom_cli.client.errors import EXIT_CODES

COMMANDS: dict[str, tuple[str, str]] = {
    "login": ("padcom_cli.commands.account:login", "Sign in and keep a token for later commands."),
    "logout": ("padcom_cli.commands.account:logout", "Revoke the token on the server and forget it."),
    "whoami": ("padcom_cli.commands.account:whoami", "Show who you are signed in as, and where."),
    "services": ("padcom_cli.commands.services:services", "List the services your account rents."),
    "password": ("padcom_cli.commands.identity:password", "Change your password, or reset a forgotten one by mail."),
    "sessions": ("padcom_cli.commands.identity:sessions", "List where you are signed in, or end one session (--revoke ID)."),
    "totp": ("padcom_cli.commands.identity:totp", "Two-factor sign-in with an authenticator app."),
    "ticket new": ("padcom_cli.commands.ticket_new:new", "File a new ticket."),
    "ticket list": ("padcom_cli.commands.ticket_view:list_tickets", "List tickets, newest first."),
    "ticket show": ("padcom_cli.commands.ticket_view:show", "Show a ticket and its conversation."),
    "ticket edit": ("padcom_cli.commands.ticket_change:edit", "Change a ticket's subject, body, category or priority."),
    "ticket reply": ("padcom_cli.commands.ticket_new:reply", "Add a reply to a ticket."),
    "ticket attachments": ("padcom_cli.commands.files:attachments", "List the files on a ticket (each with the ID to download it by)."),
    "ticket download": ("padcom_cli.commands.files:download", "Download a file of a ticket (see `padcom ticket attachments N`)."),
    "ticket priority": ("padcom_cli.commands.ticket_change:priority", "Set a ticket's priority."),
    "ticket close": ("padcom_cli.commands.ticket_change:close", "Close a ticket."),
    "ticket reopen": ("padcom_cli.commands.ticket_change:reopen", "Reopen a resolved or closed ticket."),
    "ticket delete": ("padcom_cli.commands.ticket_change:delete", "Delete a ticket (asks first)."),
    "ticket merge": ("padcom_cli.commands.ticket_merge:merge", "Merge a duplicate ticket into another (staff)."),
    "ticket unmerge": ("padcom_cli.commands.ticket_merge:unmerge", "Undo the merge of a ticket (staff): it stands on its own again."),
    "ticket rate": ("padcom_cli.commands.ticket_merge:rate", "Rate how a resolved ticket of yours was handled."),
    "ticket watch": ("padcom_cli.commands.watch:watch", "Print updates to your tickets as they happen."),
    "status": ("padcom_cli.commands.status:status", "Show open incidents that affect your services, and public ones, with their updates."),
    "incident list": ("padcom_cli.commands.incident:list_incidents", "List incidents, newest first (open ones unless --state says otherwise)."),
    "incident show": ("padcom_cli.commands.incident:show", "Show an incident with its updates (and, for staff, its notes and tickets)."),
    "incident declare": ("padcom_cli.commands.incident:declare", "Declare an incident (staff): what is affected, how bad, what customers read."),
    "incident update": ("padcom_cli.commands.incident:update", "Post an update (staff): a public one reaches every linked ticket and subscriber."),
    "incident resolve": ("padcom_cli.commands.incident:resolve", "Resolve an incident (staff), and its linked tickets with the closing message."),
    "incident link": ("padcom_cli.commands.incident:link", "Link a ticket to an incident (staff)."),
    "incident unlink": ("padcom_cli.commands.incident:unlink", "Unlink a ticket from an incident (staff)."),
    "incident subscribe": ("padcom_cli.commands.incident:subscribe", "Get the incident's updates by mail instead of filing a ticket."),
    "admin org": ("padcom_cli.commands.admin:orgs", "List, add and change organizations."),
    "admin user": ("padcom_cli.commands.admin:users", "List, invite and change people; deactivate, sign out, reset 2FA."),
    "admin token": ("padcom_cli.commands.admin:tokens", "List and revoke API tokens."),
    "admin audit": ("padcom_cli.commands.admin:audit", "Show who changed what in administration, newest first."),
    "ticket tag": ("padcom_cli.commands.desk_ticket:tag", "Add tags to a ticket or remove them (staff)."),
    "ticket macro": ("padcom_cli.commands.desk_ticket:apply", "Apply a macro to a ticket (staff)."),
    "macros": ("padcom_cli.commands.desk_ticket:macros", "List the macros you can apply (shared ones first)."),
    "tags list": ("padcom_cli.commands.tags:list_tags", "List the tags in use, most used first, and the allow-list (staff)."),
    "tags allow": ("padcom_cli.commands.tags:allow", "Put words on the allow-list of tags (administrators); the rest of it stays."),
    "tags disallow": ("padcom_cli.commands.tags:disallow", "Take words off the allow-list (administrators); tickets keep the tags they carry."),
    "canned list": ("padcom_cli.commands.canned:list_replies", "List the canned replies you can use (shared ones first)."),
    "canned show": ("padcom_cli.commands.canned:show", "Show one canned reply and the placeholders it uses."),
    "canned add": ("padcom_cli.commands.canned:add", "Add a canned reply (yours, or --shared for everyone)."),
    "canned edit": ("padcom_cli.commands.canned:edit", "Rename or rewrite a canned reply."),
    "canned delete": ("padcom_cli.commands.canned:delete", "Delete a canned reply."),
    "mail triage": ("padcom_cli.commands.mail:triage", "List the mails from unknown senders waiting for staff, oldest first."),
    "mail link": ("padcom_cli.commands.mail:link", "File a mail from triage as a ticket of a customer (they are mailed that it was opened)."),
    "mail refuse": ("padcom_cli.commands.mail:refuse", "Refuse a mail from triage (spam, a wrong address): kept with the reason, never answered."),
    "stats": ("padcom_cli.commands.stats:stats", "Show your organization's open and solved tickets and typical response times."),
}  # fmt: skip
"""Every command: path → ("module:attribute", one-line help). Add a line to add a command."""

GROUPS: dict[str, str] = {
    "ticket": "File, read, answer and change tickets.",
    "incident": "Outages: staff declare, update and resolve them; customers subscribe.",
    "admin": "Administration for staff: organizations, people, tokens, the audit trail.",
    "canned": "Canned replies with placeholders, for staff.",
    "mail": "Mail from unknown senders, for staff: link it to a customer or refuse it.",
    "tags": "The staff's tags: the tags in use and the admins' allow-list.",
}
"""Help of each command group that ``COMMANDS`` names in its paths."""

ABOUT = "File and follow your hosting support tickets from the terminal."

EXIT_CODES_HELP = "\n".join(
    [
        "\b",
        "Exit codes:",
        *(f"  {code}  {meaning}" for code, meaning in EXIT_CODES.items()),
        "",
        "\b",
        "Environment: PADCOM_URL and PADCOM_TOKEN override the config file",
        "(PADCOM_CONFIG, default ~/.config/padcom/config.toml); NO_COLOR turns colour off.",
    ]
)


def children(path: str) -> dict[str, str]:
    """The direct sub-commands and sub-groups of the group at ``path`` ("" is the root)."""
    prefix = f"{path} " if path else ""
    found: dict[str, str] = {}
    for full in list(COMMANDS) + list(GROUPS):
        if not full.startswith(prefix):
            continue
        rest = full[len(prefix) :]
        if rest and " " not in rest:
            found[rest] = full
        elif " " in rest:
            head = rest.split(" ", 1)[0]
            found.setdefault(head, f"{prefix}{head}")
    return found


def summary(full: str) -> str:
    """The one-line help of the command or group at path ``full``."""
    return GROUPS[full] if full in GROUPS else COMMANDS[full][1]


ROOT_OPTIONS = [
    ("--version", "Show the version and exit."),
    ("--install-completion", "Install completion for the current shell."),
    (
        "--show-completion",
        "Show completion for the current shell, to copy it or customize the installation.",
    ),
    ("-h, --help", "Show this message and exit."),
]
"""The root's options as Typer words them (``tests/cli/test_help.py`` compares)."""


def _definitions(rows: list[tuple[str, str]], width: int) -> list[str]:
    """Rows laid out as Click's ``write_dl`` does (indent 2, column at most 30)."""
    first = min(max(len(term) for term, _ in rows), 30) + 2
    lines = []
    for term, text in rows:
        wrapped = textwrap.wrap(text, max(width - first - 2, 10)) or [""]
        if len(term) <= first - 2:
            lines.append(f"  {term:<{first}}{wrapped[0]}".rstrip())
        else:
            lines += [f"  {term}", f"  {'':<{first}}{wrapped[0]}"]
        lines += [f"  {'':<{first}}{more}" for more in wrapped[1:]]
    return lines


def quick_help() -> str:
    """``padcom --help`` as Typer prints it, from the tables alone: no Typer import (~80 ms)."""
    width = max(min(shutil.get_terminal_size().columns, 80) - 2, 50)
    lines = ["Usage: padcom [OPTIONS] COMMAND [ARGS]...", ""]
    lines += textwrap.wrap(ABOUT, width, initial_indent="  ", subsequent_indent="  ")
    lines += ["", "Options:", *_definitions(ROOT_OPTIONS, width), "", "Commands:"]
    lines += _definitions([(n, summary(f)) for n, f in children("").items()], width)
    lines.append("")
    for block in EXIT_CODES_HELP.split("\b\n"):
        lines += [f"  {line}" if line else "" for line in block.splitlines()]
    return "\n".join(lines).rstrip() + "\n"


def version_line() -> str:
    """``padcom 0.1.0``: the installed distribution's version, read only when asked for."""
    from importlib.metadata import version

    return f"padcom {version('padcom')}"


def main() -> None:
    """The ``padcom`` console script."""
    if sys.argv[1:] in (["--help"], ["-h"]):
        sys.stdout.write(quick_help())
        return
    if sys.argv[1:] == ["--version"]:
        sys.stdout.write(f"{version_line()}\n")
        return
    # httpx imports its own command line (rich, pygments, click) on import:
    # ~60 ms we never use. A None entry makes that optional import fail fast.
    sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]
    from padcom_cli import fastpath

    code = fastpath.run(sys.argv[1:])
    if code is not None:
        raise SystemExit(code)
    from padcom_cli.app import app

    app(args=sys.argv[1:], prog_name="padcom")


def __getattr__(name: str) -> Any:
    """``padcom_cli.main.app`` still works (the Typer app lives in ``padcom_cli.app``)."""
    if name == "app":
        from padcom_cli.app import app

        return app
    raise AttributeError(name)
