"""``padcom ticket show N`` skips Typer (``padcom_cli.fastpath``): same meaning, same output.

Every argv the fast path takes must mean to Typer exactly what it means there,
and the real process must print and exit as the Typer-run command does (the
other tests run commands through Typer's CliRunner).
"""

from __future__ import annotations

import os
import subprocess

import pytest
import typer

from padcom_cli import fastpath
from padcom_cli.app import app
from tests.cli.conftest import Padcom
from tests.cli.terminal import PADCOM
from tests.support.live import Live
from tests.support.tickets import file_number

ARGVS = [
    ["ticket", "show", "7"],
    ["ticket", "show", "7", "--json"],
    ["ticket", "show", "--json", "7"],
    ["ticket", "show", "--history", "7", "--json"],
    ["ticket", "show", "2147483647"],
    ["ticket", "show", "007"],
    ["ticket", "show", "#7"],  # as people write a ticket number
    ["ticket", "show", "#7", "--json"],
    ["ticket", "show", "##7"],
    ["ticket", "show", "#"],
    ["ticket", "show", " #7"],
    ["ticket", "show", "2147483648"],
    ["ticket", "show", "0"],
    ["ticket", "show", "-7"],
    ["ticket", "show", "+7"],
    ["ticket", "show", "7", "8"],
    ["ticket", "show", "\u0667"],  # an Arabic-Indic seven: int() takes it, the fast path does not
    ["ticket", "show", "7", "--json", "--json"],
    ["ticket", "show", "7", "--json=1"],
    ["ticket", "show", "7", "--help"],
    ["ticket", "show", "7", "--"],
    ["ticket", "show", "7", "-h"],
    ["ticket", "show"],
    ["ticket", "list", "7"],
    ["ticket"],
    [],
]


def typer_params(argv: list[str]) -> dict[str, object]:
    """What Typer parses ``argv`` (a ``ticket show`` call) into."""
    group = typer.main.get_command(app)
    ticket = group.get_command(typer.Context(group), argv[0])  # type: ignore[attr-defined]
    command = ticket.get_command(typer.Context(ticket), argv[1])
    return dict(command.make_context(argv[1], list(argv[2:])).params)


@pytest.mark.parametrize("argv", ARGVS, ids=" ".join)
def test_what_the_fast_path_takes_means_the_same_to_typer(argv: list[str]) -> None:
    found = fastpath.parse(argv)
    if found is None:
        return
    target, number, flags = found
    assert target == fastpath.FAST[(argv[0], argv[1])][0]
    assert typer_params(argv) == {"number": number, **flags}


def test_the_fast_path_takes_the_plain_calls_and_leaves_the_rest() -> None:
    taken = [argv for argv in ARGVS if fastpath.parse(argv) is not None]
    assert taken == ARGVS[:8]  # the plain calls, "#7" among them


def test_shell_completion_goes_to_typer(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(fastpath.COMPLETE_VAR, "complete_bash")
    assert fastpath.parse(["ticket", "show", "7"]) is None


def test_every_fast_flag_is_the_typer_commands_own() -> None:
    for path, (_, flags) in fastpath.FAST.items():
        group = typer.main.get_command(app)
        parent = group.get_command(typer.Context(group), path[0])  # type: ignore[attr-defined]
        command = parent.get_command(typer.Context(parent), path[1])
        options = {p.name: p for p in command.params if isinstance(p, typer.core.TyperOption)}
        for flag, keyword in flags.items():
            assert options[keyword].is_flag and flag in options[keyword].opts


def run_process(live: Live, token: str | None, *args: str) -> tuple[str, str, int]:
    env = {k: v for k, v in os.environ.items() if k not in ("PADCOM_TOKEN", "FORCE_COLOR")}
    env.update(PADCOM_URL=live.url, PADCOM_CONFIG="/nonexistent/c.toml", COLUMNS="100")
    if token is not None:
        env["PADCOM_TOKEN"] = token
    done = subprocess.run([PADCOM, *args], env=env, capture_output=True, text=True, timeout=60)
    return done.stdout, done.stderr, done.returncode


def test_the_process_prints_what_typer_prints(live: Live, padcom: Padcom) -> None:
    ida = live.person("customer")
    agent = live.person("agent")
    number = file_number(ida, "Backup [bold]missing[/]", "Where is \x1b[2J last night's backup?")
    agent.api().post(f"/tickets/{number}/messages", json={"body": "Looking into it."})
    cases: list[tuple[str | None, list[str]]] = [
        (ida.token, [str(number)]),
        (ida.token, [str(number), "--json"]),
        (ida.token, ["--history", str(number)]),
        (ida.token, ["999999"]),
        (None, [str(number)]),
        ("not-a-token", [str(number), "--json"]),
    ]
    for token, args in cases:
        fast = run_process(live, token, "ticket", "show", *args)
        env = {"PADCOM_CONFIG": "/nonexistent/c.toml", "COLUMNS": "100"}
        if token is not None:
            env["PADCOM_TOKEN"] = token
        typed = padcom("ticket", "show", *args, **env)
        assert fast == (typed.stdout, typed.stderr, typed.exit_code), args


def test_a_server_that_is_down_is_one_line_and_exit_1() -> None:
    env = dict(os.environ, PADCOM_URL="http://127.0.0.1:9", PADCOM_TOKEN="x")
    done = subprocess.run(
        [PADCOM, "ticket", "show", "7"], env=env, capture_output=True, text=True, timeout=60
    )
    assert (done.stdout, done.returncode) == ("", 1)
    assert done.stderr == "padcom: cannot reach http://127.0.0.1:9: connection refused\n"


def test_a_reader_that_went_away_ends_it_quietly_with_1(live: Live) -> None:
    ida = live.person("customer")
    number = file_number(ida)
    env = dict(os.environ, PADCOM_URL=live.url, PADCOM_TOKEN=ida.token)
    process = subprocess.Popen(
        [PADCOM, "ticket", "show", str(number), "--json"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None
    process.stdout.close()  # like `| head -0`: gone before the ticket is printed
    _, errors = process.communicate(timeout=60)
    assert (process.returncode, errors) == (1, b"")
