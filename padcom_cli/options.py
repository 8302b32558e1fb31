"""Options several commands share, so each means the same everywhere."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer

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


class Category(StrEnum):
    """What kind of problem a ticket is about (the API's words)."""

    hardware = "hardware"
    software = "software"
    usage = "usage"
    security = "security"
    other = "other"


class Priority(StrEnum):
    """How urgent a ticket is (the API's words)."""

    low = "low"
    normal = "normal"
    high = "high"
    urgent = "urgent"


Subject = Annotated[str | None, typer.Option("--subject", "-s", help="One line.")]
CategoryOption = Annotated[
    Category | None,
    typer.Option("--category", "-c", help="hardware, software, usage, security or other."),
]
PriorityOption = Annotated[
    Priority | None, typer.Option("--priority", "-p", help="low, normal, high or urgent.")
]
