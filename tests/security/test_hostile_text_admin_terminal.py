"""Hostile ticket text on a staff member's real terminal: ``padcom-admin`` inside tmux.

tmux plays the staff member's terminal emulator: it obeys OSC 0 (window title)
and, with ``set-clipboard on``, OSC 52 (clipboard). The agent opens the queue
and the hostile ticket; afterwards the title is untouched, the clipboard is
empty, the screen was not cleared, and the markup and escapes are on screen as
visible characters.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.security.terminal import HOSTILE_BODY, HOSTILE_SUBJECT
from tests.support.live import Live

ADMIN = str(Path(sys.executable).parent / "padcom-admin")
pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")


@pytest.fixture
def tmux() -> Iterator[Callable[..., str]]:
    """Commands to a tmux server of this test's own (its socket), killed afterwards."""
    socket = f"padcom-sec-{uuid.uuid4().hex[:8]}"

    def run(*args: str) -> str:
        done = subprocess.run(["tmux", "-L", socket, *args], capture_output=True, timeout=20)
        return done.stdout.decode("utf-8", errors="replace")

    yield run
    run("kill-server")


def _wait_for(tmux: Callable[..., str], text: str, seconds: float = 60) -> str:
    deadline = time.monotonic() + seconds
    screen = ""
    while time.monotonic() < deadline:
        screen = tmux("capture-pane", "-p", "-t", "staff")
        if text in screen:
            return screen
        time.sleep(0.3)
    raise AssertionError(f"{text!r} never appeared on screen:\n{screen}")


def test_the_admin_app_shows_hostile_text_without_obeying_it(
    live: Live, tmux: Callable[..., str]
) -> None:
    customer, agent = live.person("customer"), live.person("agent")
    reply = customer.api().post("/tickets", json={"subject": HOSTILE_SUBJECT, "body": HOSTILE_BODY})
    assert reply.status_code == 201
    env = {"PADCOM_URL": live.url, "PADCOM_TOKEN": agent.token, "TEXTUAL_ANIMATIONS": "none"}
    command = " ".join(f"{k}={v}" for k, v in env.items()) + f" {ADMIN}"
    tmux("-f", os.devnull, "new-session", "-d", "-s", "staff", "-x", "160", "-y", "40", command)
    tmux("set-option", "-g", "set-clipboard", "on")
    tmux("select-pane", "-t", "staff", "-T", "staff desk")

    _wait_for(tmux, "[bold red]UR")  # the queue shows the markup as text (cut to the column)
    tmux("send-keys", "-t", "staff", "Enter")
    ticket = _wait_for(tmux, "Please run this")

    assert "[bold red]URGENT[/]" in ticket
    assert "[link=https://evil.example]docs[/link]" in ticket
    assert "[@click=app.quit]x[/]" in ticket
    assert "␛]52" in ticket and "␛[2J" in ticket and "␇" in ticket
    assert tmux("display-message", "-p", "-t", "staff", "#{pane_title}").strip() == "staff desk"
    assert tmux("list-buffers").strip() == "", "OSC 52 reached the clipboard"
    tmux("send-keys", "-t", "staff", "q")
