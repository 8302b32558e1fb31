"""The one way ``padcom`` writes: results to stdout, everything else to stderr.

With ``--json`` a command prints one JSON document (``json.dump``, never Rich,
which would parse brackets as markup and wrap long lines) and nothing else.
Without it, Rich renders for a person; colour only on a terminal, never with
``NO_COLOR``. Errors and notes go to stderr as plain lines, cleaned of control
characters, and the process ends with the error's exit code.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, NoReturn

from padcom_cli.client.errors import NotAuthorized, PadcomError
from padcom_cli.client.sanitize import clean

if TYPE_CHECKING:
    from rich.console import Console


def console(stderr: bool = False) -> Console:
    """A Rich console that colours only a terminal and honours ``NO_COLOR`` fully."""
    from rich.console import Console

    no_color = os.environ.get("NO_COLOR", "") != ""
    return Console(
        stderr=stderr,
        highlight=False,
        emoji=False,
        markup=False,
        color_system=None if no_color else "auto",
    )


def emit_json(data: Any) -> None:
    """Print ``data`` as one JSON document; ASCII-only, so no raw control byte can escape."""
    json.dump(data, sys.stdout, indent=2, ensure_ascii=True)
    sys.stdout.write("\n")
    sys.stdout.flush()


def emit(data: Any, as_json: bool, render: Callable[[], Any]) -> None:
    """The result of a command: ``data`` as JSON, or what ``render`` draws for a person.

    ``render`` returns a Rich renderable (or a list of them) and runs only
    without ``--json``, so JSON output never imports the rendering code.
    """
    if as_json:
        emit_json(data)
        return
    from rich.text import Text

    drawn = render()
    out = console()
    for part in [drawn] if isinstance(drawn, str) or not isinstance(drawn, Iterable) else drawn:
        # a line of words is left for the terminal to wrap (and stays whole in a pipe)
        out.print(part, soft_wrap=isinstance(part, str | Text))


def note(message: str) -> None:
    """A line for the person at the terminal (stderr, so stdout stays the result)."""
    sys.stderr.write(f"{message}\n")
    sys.stderr.flush()


def describe(error: PadcomError) -> str:
    """The words for an error: the server's message cleaned, plus what to do next."""
    text = clean(error.message)
    if isinstance(error, NotAuthorized) and error.status == 401:
        text += " (sign in again with `padcom login`)"
    return text


def report(error: PadcomError) -> int:
    """Say what went wrong on stderr; returns the exit code for it."""
    note(f"padcom: {describe(error)}")
    return error.exit_code


def fail(error: PadcomError) -> NoReturn:
    """Report ``error`` on stderr and end with its exit code."""
    import typer  # here, not at the top: the fast path (``padcom_cli.fastpath``) runs without it

    raise typer.Exit(report(error))


def usage_error(message: str) -> NoReturn:
    """A mistake in how the command was called: exit 2, like Click's own usage errors."""
    import typer

    note(f"padcom: {message}")
    raise typer.Exit(2)
