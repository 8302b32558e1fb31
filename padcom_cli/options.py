"""Options several commands share, so each means the same everywhere."""

from __future__ import annotations

from typing import Annotated

import typer

from padcom_cli.client.vocabulary import CATEGORIES, PRIORITIES, Category, Priority, spelled

AsJson = Annotated[
    bool, typer.Option("--json", help="Print the result as one JSON document on stdout.")
]
Number = Annotated[
    int, typer.Argument(min=1, max=2**31 - 1, metavar="N", help="The ticket number.")
]
Body = Annotated[str | None, typer.Option("--body", "-b", help="The text.")]
BodyFile = Annotated[
    str | None,
    typer.Option(
        "--body-file", "-F", help="Read the text from this file ('-' reads standard input)."
    ),
]
IfVersion = Annotated[
    int | None,
    typer.Option(
        "--if-version",
        min=1,
        help="Change it only if it is still at this version (from `show --json`); else exit 5.",
    ),
]


Subject = Annotated[str | None, typer.Option("--subject", "-s", help="One line.")]
CategoryOption = Annotated[
    Category | None,
    typer.Option("--category", "-c", help=f"{spelled(CATEGORIES)}."),
]
PriorityOption = Annotated[
    Priority | None, typer.Option("--priority", "-p", help=f"{spelled(PRIORITIES)}.")
]
