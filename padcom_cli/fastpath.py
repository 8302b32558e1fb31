"""``padcom ticket show N`` without Typer: the hottest read starts ~55 ms sooner.

Importing Typer (and the Click inside it) takes ~55 ms, over a third of the
150 ms a whole ``ticket show`` may take. Called the plain way — the command's
path, one ticket number, each of its flags at most once — the command needs
none of Click's parsing, so ``padcom_cli.main`` hands such an argv to ``run``.
Anything else (``--help``, a bad or missing number, an unknown, repeated or
``--flag=value`` option, shell completion) gets None back and goes to Typer,
which handles it exactly as before. The command itself is the same function
both ways, and failures end as Typer's ``main`` ends them.
``tests/cli/test_fastpath.py`` checks that every argv taken here means to
Typer what it means here, and that the process prints the same.
"""

from __future__ import annotations

import gc
import importlib
import os
import sys

from padcom_cli.client.ticket_number import ticket_number

FAST: dict[tuple[str, str], tuple[str, dict[str, str]]] = {
    ("ticket", "show"): ("padcom_cli.showing:show", {"--history": "history", "--json": "as_json"}),
}
"""Command path → ("module:function", flag → keyword); the function takes (client, number, **flags)."""


COMPLETE_VAR = "_PADCOM_COMPLETE"
"""Set by the shell completion scripts: then Typer must answer."""


def parse(argv: list[str]) -> tuple[str, int, dict[str, bool]] | None:
    """``(target, number, flags)`` for a plain call of a fast command; None for anything else."""
    spec = FAST.get((argv[0], argv[1])) if len(argv) >= 2 else None
    if spec is None or os.environ.get(COMPLETE_VAR):
        return None
    target, flags = spec
    given = dict.fromkeys(flags.values(), False)
    number: int | None = None
    for word in argv[2:]:
        if word in flags and not given[flags[word]]:
            given[flags[word]] = True
        elif number is None and word == word.strip() and ticket_number(word) is not None:
            number = ticket_number(word)  # 401, or #401 as people write it
        else:
            return None
    return None if number is None else (target, number, given)


def run(argv: list[str]) -> int | None:
    """Run ``argv`` if it is a plain call of a fast command: its exit code; else None."""
    found = parse(argv)
    if found is None:
        return None
    # Importing httpx and Rich allocates tens of thousands of objects and no
    # garbage worth a cycle hunt; the collector's passes over them cost ~8 ms of
    # a ``ticket show``. Reference counting still frees what the command drops.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _run(*found)
    finally:
        if collecting:
            gc.enable()


def _run(target: str, number: int, flags: dict[str, bool]) -> int:
    """Import and run the command; failures end as in Typer's ``main``."""
    module, _, name = target.partition(":")
    command = getattr(importlib.import_module(module), name)
    from padcom_cli.client.errors import PadcomError
    from padcom_cli.output import report
    from padcom_cli.session import signed_in

    try:
        with signed_in() as api:
            command(api, number, **flags)
    except PadcomError as error:
        return report(error)
    except KeyboardInterrupt:
        return 130  # as Typer: quietly
    except BrokenPipeError:
        # The reader went away (``| head``): exit 1 quietly, as Typer does, and let
        # the interpreter's last flush write nowhere instead of complaining.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    return 0
