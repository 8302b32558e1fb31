"""``make run`` as a new user meets it: on a terminal, copying every line it prints.

Each run is ``scripts/run_demo.py`` on a pseudo-terminal, with a demo folder
and a loopback port of the test's own (``make run`` itself uses ``.padcom/``
and port 8000). The customer's lines are typed into a real bash on a second
pseudo-terminal while the first run is still going.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import sqlite3
import sys
import tomllib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.cli.terminal import Terminal
from tests.support.ports import free_port, taken_port

ROOT = Path(__file__).resolve().parents[2]
DEMO = (sys.executable, str(ROOT / "scripts" / "run_demo.py"))
READY = "Press Enter to open padcom-admin"


Start = Callable[[Path, int], Terminal]


@pytest.fixture
def start() -> Iterator[Start]:
    """``start(data, port)``: ``make run`` on a terminal, waiting at its "Press Enter".

    At the end every run's process group (the run and its server) is killed,
    so a failing test leaves no server behind.
    """
    runs: list[Terminal] = []

    def run(data: Path, port: int) -> Terminal:
        terminal = Terminal(["--data", str(data), "--port", str(port)], {}, program=DEMO)
        runs.append(terminal)
        terminal.expect(READY, timeout=120)  # the first run seeds the demo company first
        return terminal

    yield run
    for terminal in runs:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(terminal.process.pid, signal.SIGKILL)


def printed(run: Terminal) -> tuple[str, list[str], str]:
    """The URL, the customer's command lines and the password, as the run printed them."""
    text = run.screen.replace("\r", "")
    url = re.search(r"Padcom is running at (\S+) \(", text)
    block = re.search(r"A customer, in a second terminal[^\n]*\n((?:  [^\n]*\n)+)", text)
    password = re.search(r"The customer's password: (\S+)", text)
    assert url and block and password, text
    lines = [line.strip() for line in block.group(1).splitlines()]
    return url.group(1), lines, password.group(1)


def stop(run: Terminal) -> None:
    """Ctrl-C at the prompt; the server stops with the run."""
    run.interrupt()
    assert run.finish() in (0, 130), run.screen
    assert "padcom-server stopped." in run.screen


class CustomerShell:
    """A customer's second terminal: bash on a pty; ``type`` a copied line like a person,
    who waits for the prompt before typing the next one (typeahead can be flushed)."""

    def __init__(self) -> None:
        self.terminal = Terminal(["--norc", "--noprofile"], {"PS1": r"cmd-\#> "}, program=("bash",))
        self.number = 1
        self.terminal.expect("cmd-1> ")

    def _enter(self, line: str) -> None:
        self.terminal.send(line)
        self.number += 1
        self.terminal.expect(f"cmd-{self.number}> ", timeout=60)

    def type(self, line: str, password: str) -> None:
        """Run ``line`` (answering a password prompt); it must exit 0."""
        if line.startswith("padcom login"):
            self.terminal.send(line)
            self.terminal.expect("Password: ")  # the space comes once echo is off
            self.number += 1
            self.terminal.send(password)
            self.terminal.expect(f"cmd-{self.number}> ", timeout=60)
        else:
            self._enter(line)
        self._enter(f'echo "status""-{self.number}-$?"')
        assert f"status-{self.number - 1}-0" in self.terminal.screen, self.terminal.screen

    def close(self) -> None:
        self.terminal.send("exit")
        self.terminal.finish()


def open_make_run_tokens(data: Path) -> int:
    with sqlite3.connect(data / "padcom.db") as db:
        (count,) = db.execute(
            "SELECT count(*) FROM token WHERE name = 'make run' AND revoked_at IS NULL"
        ).fetchone()
    return int(count)


def test_every_printed_line_works_and_a_second_run_keeps_port_and_token(
    start: Start, tmp_path: Path
) -> None:
    data, port = tmp_path / "demo", free_port()
    first = start(data, port)
    url, lines, password = printed(first)
    assert url == f"http://127.0.0.1:{port}"
    assert (data / "customer.sh").read_text().count(lines[0]) == 1  # kept for later, too

    shell = CustomerShell()
    for line in lines:
        shell.type(line, password)
    assert "Signed in to" in shell.terminal.screen
    assert "customer@padcom.test" in shell.terminal.screen

    first.send("")  # Enter: the admin app opens, signed in as the demo agent
    first.expect("open work", timeout=60)
    first.send("q")
    assert first.finish() == 0, first.screen
    assert "padcom-server stopped." in first.screen
    token = tomllib.loads((data / "agent.toml").read_text())["token"]

    again = start(data, port)  # right away: the first run's sockets may linger in TIME_WAIT
    assert printed(again)[0] == url and "taken" not in again.screen
    shell.type("padcom ticket list", password)  # the customer's terminal still works
    stop(again)
    shell.close()
    assert tomllib.loads((data / "agent.toml").read_text())["token"] == token
    assert open_make_run_tokens(data) == 1


@contextmanager
def time_wait_on(port: int) -> Iterator[None]:
    """A connection closed by the server side of ``port``, so it lingers there in TIME_WAIT."""
    with socket.socket() as listener:
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", port))
        listener.listen()
        client = socket.create_connection(("127.0.0.1", port), timeout=5)
        accepted, _ = listener.accept()
        accepted.close()  # the server side closes first: TIME_WAIT is on its port
        client.recv(1)
        client.close()
    yield


def test_a_port_in_time_wait_is_kept(start: Start, tmp_path: Path) -> None:
    port = free_port()
    with time_wait_on(port):
        with socket.socket() as plain, pytest.raises(OSError):
            plain.bind(("127.0.0.1", port))  # a probe without SO_REUSEADDR calls it busy
        run = start(tmp_path / "demo", port)
        assert printed(run)[0] == f"http://127.0.0.1:{port}"
        stop(run)


def test_a_port_another_program_holds_moves_and_the_customer_is_told(
    start: Start, tmp_path: Path
) -> None:
    data = tmp_path / "demo"
    with taken_port() as taken:
        run = start(data, taken)
        url = printed(run)[0]
        stop(run)
    assert url != f"http://127.0.0.1:{taken}"
    assert f"Port {taken} is taken by another program" in run.screen
    kept = (data / "customer.sh").read_text()
    assert f"Port {taken} is taken" in kept and url in kept
    # a customer terminal set up by an earlier run reads the address from its config
    assert tomllib.loads((data / "customer.toml").read_text())["url"] == url
