"""The Typer application behind ``padcom``: a group that loads commands from the table.

``padcom_cli.main.COMMANDS`` says where each command lives; ``LazyGroup``
imports a command's module only when that command is run, completed or asked
for its own help. Every ``PadcomError`` a command lets through becomes one
line on stderr and its exit code (see ``padcom_cli.client.errors``).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer.core import TyperGroup

from padcom_cli import fastparams
from padcom_cli.main import (
    ABOUT,
    COMMANDS,
    EXIT_CODES_HELP,
    GROUPS,
    ROOT_OPTIONS,
    children,
    summary,
    version_line,
)

if TYPE_CHECKING:
    from typer._click.core import Context


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
        return list(children(self.path))

    def get_command(self, ctx: Context, cmd_name: str) -> Any:
        full = children(self.path).get(cmd_name)
        if full is None:
            return None
        if full in COMMANDS:
            return _load(cmd_name, COMMANDS[full][0])
        return LazyGroup(name=cmd_name, path=full, help=GROUPS.get(full), no_args_is_help=True)

    def format_commands(self, ctx: Context, formatter: Any) -> None:
        """List commands with their one-line help; only the table is read, nothing imported."""
        rows = [(name, summary(full)) for name, full in children(self.path).items()]
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)

    def invoke(self, ctx: Context) -> Any:
        from padcom_cli.client.errors import PadcomError

        try:
            return super().invoke(ctx)
        except PadcomError as error:
            from padcom_cli.output import fail

            fail(error)


def _show_version(wanted: bool) -> None:
    if wanted:
        typer.echo(version_line())
        raise typer.Exit()


def _root_callback(
    ctx: typer.Context,
    version: Annotated[
        bool,
        typer.Option("--version", help=ROOT_OPTIONS[0][1], is_eager=True, callback=_show_version),
    ] = False,
) -> None:
    """The root does nothing itself (kept so one command never collapses the group)."""


fastparams.install()
app = typer.Typer(
    cls=LazyGroup,
    name="padcom",
    help=ABOUT,
    epilog=EXIT_CODES_HELP,
    no_args_is_help=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)
app.callback()(_root_callback)
