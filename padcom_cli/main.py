"""``padcom``: the customers' command line, built so start-up stays fast.

How commands are registered: ``COMMANDS`` below is the one table. Each key is
a command's path (``"stats"``, ``"ticket watch"``), each value is
``("module:attribute", "one-line help")``. The attribute may be a plain function
(docstring = help, ``Annotated`` parameters = options), a ``typer.Typer`` app or
a Click command. Adding a command is one line; a two-word path puts it under
that group (``GROUPS`` holds each group's help). Modules are imported only when
their command runs (or its own ``--help`` is asked for): ``padcom --help`` lists
commands from the table alone, so it imports nothing but Typer.
``tests/cli/test_help.py`` checks the one-line help against each command's own.

Errors: every ``PadcomError`` a command lets through becomes one line on
stderr and its exit code (see ``padcom_cli.errors``); never a traceback.
"""

from __future__ import annotations

import importlib
import sys
from typing import TYPE_CHECKING, Any

import typer
from typer.core import TyperGroup

from padcom_cli import fastparams

if TYPE_CHECKING:
    from typer._click.core import Context

COMMANDS: dict[str, tuple[str, str]] = {
    "login": ("padcom_cli.commands.account:login", "Sign in and keep a token for later commands."),
    "logout": ("padcom_cli.commands.account:logout", "Revoke the token on the server and forget it."),
    "whoami": ("padcom_cli.commands.account:whoami", "Show who you are signed in as, and where."),
    "services": ("padcom_cli.commands.services:services", "List the services your account rents."),
    "ticket new": ("padcom_cli.commands.ticket_new:new", "File a new ticket."),
    "ticket list": ("padcom_cli.commands.ticket_view:list_tickets", "List tickets, newest first."),
    "ticket show": ("padcom_cli.commands.ticket_view:show", "Show a ticket and its conversation."),
    "ticket edit": ("padcom_cli.commands.ticket_change:edit", "Change a ticket's subject, body, category or priority."),
    "ticket reply": ("padcom_cli.commands.ticket_new:reply", "Add a reply to a ticket."),
    "ticket priority": ("padcom_cli.commands.ticket_change:priority", "Set a ticket's priority."),
    "ticket close": ("padcom_cli.commands.ticket_change:close", "Close a ticket."),
    "ticket reopen": ("padcom_cli.commands.ticket_change:reopen", "Reopen a resolved or closed ticket."),
    "ticket delete": ("padcom_cli.commands.ticket_change:delete", "Delete a ticket (asks first)."),
    "ticket watch": ("padcom_cli.commands.watch:watch", "Print updates to your tickets as they happen."),
}  # fmt: skip
"""Every command: path → ("module:attribute", one-line help). Add a line to add a command."""

GROUPS: dict[str, str] = {
    "ticket": "File, read, answer and change tickets.",
}
"""Help of each command group that ``COMMANDS`` names in its paths."""

EXIT_CODES_HELP = "\n".join(
    [
        "\b",
        "Exit codes:",
        "  0  success",
        "  1  server or network error",
        "  2  usage error, or input the server refused",
        "  3  not found",
        "  4  not signed in, token expired or revoked, or not allowed",
        "  5  conflict: someone else changed the ticket (nothing was overwritten)",
        "",
        "\b",
        "Environment: PADCOM_URL and PADCOM_TOKEN override the config file",
        "(PADCOM_CONFIG, default ~/.config/padcom/config.toml); NO_COLOR turns colour off.",
    ]
)


def _children(path: str) -> dict[str, str]:
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


def _load(name: str, target: str) -> Any:
    """Import ``module:attribute`` and make it a Click command called ``name``."""
    module_name, _, attribute = target.partition(":")
    obj = getattr(importlib.import_module(module_name), attribute)
    if isinstance(obj, typer.Typer):
        command = typer.main.get_command(obj)
    elif callable(obj) and not hasattr(obj, "invoke"):
        wrapper = typer.Typer(rich_markup_mode=None, add_completion=False)
        wrapper.command(name=name)(obj)
        command = typer.main.get_command(wrapper)
    else:
        command = obj
    command.name = name
    return command


class LazyGroup(TyperGroup):
    """A group whose commands come from ``COMMANDS`` and are imported only when used."""

    def __init__(self, *args: Any, path: str = "", **kwargs: Any) -> None:
        kwargs.setdefault("rich_markup_mode", None)
        super().__init__(*args, **kwargs)
        self.path = path

    def list_commands(self, ctx: Context) -> list[str]:
        return list(_children(self.path))

    def get_command(self, ctx: Context, cmd_name: str) -> Any:
        full = _children(self.path).get(cmd_name)
        if full is None:
            return None
        if full in COMMANDS:
            return _load(cmd_name, COMMANDS[full][0])
        return LazyGroup(name=cmd_name, path=full, help=GROUPS.get(full), no_args_is_help=True)

    def format_commands(self, ctx: Context, formatter: Any) -> None:
        """List commands with their one-line help; only the table is read, nothing imported."""
        rows = [(name, _summary(full)) for name, full in _children(self.path).items()]
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)

    def invoke(self, ctx: Context) -> Any:
        from padcom_cli.errors import PadcomError

        try:
            return super().invoke(ctx)
        except PadcomError as error:
            from padcom_cli.output import fail

            fail(error)


def _summary(full: str) -> str:
    return GROUPS[full] if full in GROUPS else COMMANDS[full][1]


def _root_callback(ctx: typer.Context) -> None:
    """File and follow your hosting support tickets from the terminal."""


fastparams.install()
app = typer.Typer(
    cls=LazyGroup,
    name="padcom",
    help="File and follow your hosting support tickets from the terminal.",
    epilog=EXIT_CODES_HELP,
    no_args_is_help=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)
app.callback()(_root_callback)


def main() -> None:
    """The ``padcom`` console script."""
    # httpx imports its own command line (rich, pygments, click) on import:
    # ~60 ms we never use. A None entry makes that optional import fail fast.
    sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]
    app(args=sys.argv[1:], prog_name="padcom")
