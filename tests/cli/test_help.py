"""Every command explains itself, and the command list matches the table it comes from."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator

import typer
from typer.testing import CliRunner

from padcom_cli.app import app
from padcom_cli.main import COMMANDS, GROUPS
from tests.cli.terminal import PADCOM


def walk(command: object, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], object]]:
    """Every command and group under ``command``, loading lazy ones as Click would."""
    yield path, command
    group_ctx = typer.Context(command)  # type: ignore[arg-type]
    list_commands = getattr(command, "list_commands", None)
    if list_commands is None:
        return
    for name in list_commands(group_ctx):
        child = command.get_command(group_ctx, name)  # type: ignore[attr-defined]
        assert child is not None, f"{' '.join((*path, name))} is listed but cannot be loaded"
        yield from walk(child, (*path, name))


def every_command() -> list[tuple[tuple[str, ...], object]]:
    return list(walk(typer.main.get_command(app)))


def test_every_registered_command_is_reachable() -> None:
    found = {" ".join(path) for path, _ in every_command()}
    assert set(COMMANDS) | set(GROUPS) <= found


def test_every_command_and_option_has_help() -> None:
    for path, command in every_command():
        name = " ".join(path) or "padcom"
        assert (command.help or "").strip(), f"{name} has no help"  # type: ignore[attr-defined]
        for param in command.params:  # type: ignore[attr-defined]
            if isinstance(param, typer.core.TyperOption) and not param.hidden:
                assert (param.help or "").strip(), f"{name} {param.opts[0]} has no help"


def test_the_listed_summary_is_the_commands_own_first_line() -> None:
    commands = dict(every_command())
    for path, (_, summary) in COMMANDS.items():
        command = commands[tuple(path.split())]
        first_line = (command.help or "").strip().splitlines()[0]  # type: ignore[attr-defined]
        assert first_line == summary, f"{path}: table says {summary!r}, docstring {first_line!r}"


def test_help_of_every_command_prints_and_exits_0() -> None:
    runner = CliRunner()
    for path, _ in every_command():
        result = runner.invoke(app, [*path, "--help"])
        assert result.exit_code == 0, (path, result.output)
        assert "Usage: padcom" in result.stdout


def test_top_level_help_lists_commands_and_exit_codes() -> None:
    result = CliRunner().invoke(app, ["--help"])
    assert result.exit_code == 0
    for name in ("login", "logout", "whoami", "services", "ticket"):
        assert f"\n  {name} " in result.stdout
    for code, words in [(0, "success"), (3, "not found"), (4, "not signed in"), (5, "conflict")]:
        assert f"{code}  {words}" in result.stdout
    assert "PADCOM_TOKEN" in result.stdout and "NO_COLOR" in result.stdout


def test_no_arguments_shows_help_and_a_typo_is_a_usage_error() -> None:
    runner = CliRunner()
    bare = runner.invoke(app, ["ticket"])
    assert "new" in bare.output and "show" in bare.output
    typo = runner.invoke(app, ["ticket", "shwo", "1"])
    assert typo.exit_code == 2
    assert "No such command 'shwo'" in typo.stderr


def complete(words: str) -> list[str]:
    """What bash completion offers for ``words`` (the last one being typed)."""
    done = subprocess.run(
        [PADCOM],
        capture_output=True,
        text=True,
        timeout=60,
        env={
            **os.environ,
            "_PADCOM_COMPLETE": "complete_bash",
            "COMP_WORDS": words,
            "COMP_CWORD": str(len(words.split()) - 1),
        },
    )
    return done.stdout.split()


def test_shell_completion_knows_lazy_commands_and_their_options() -> None:
    assert complete("padcom tic") == ["ticket"]
    assert complete("padcom ticket sh") == ["show"]
    assert "--status" in complete("padcom ticket list --st")


def test_the_quick_top_level_help_reads_exactly_as_typers() -> None:
    typer_help = "from padcom_cli.app import app; app(['--help'], prog_name='padcom')"
    for columns in ("50", "80", "132"):
        env = {**os.environ, "COLUMNS": columns}
        quick = subprocess.run([PADCOM, "--help"], capture_output=True, text=True, env=env)
        full = subprocess.run(
            [sys.executable, "-c", typer_help], capture_output=True, text=True, env=env
        )
        assert quick.returncode == full.returncode == 0
        assert quick.stdout == full.stdout, columns
