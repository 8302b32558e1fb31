"""Hostile ticket text through the real ``padcom`` CLI: nothing raw reaches the terminal.

A ticket whose subject and body carry Rich markup, OSC 0/8/52, CSI, the 8-bit
CSI byte and bells is shown with ``padcom ticket show`` and ``ticket list``,
plain (a pipe) and in colour (FORCE_COLOR, as on a terminal). The output holds
no control character or escape other than colour, and the markup is printed
as the literal text the customer typed.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.security.terminal import (
    EMOJI_TEXT,
    HOSTILE_BODY,
    HOSTILE_SUBJECT,
    INVISIBLE_BODY,
    INVISIBLE_VISIBLE,
    LITERAL_MARKUP,
    hidden_characters,
    raw_controls,
)
from tests.support.live import Live

PADCOM = str(Path(sys.executable).parent / "padcom")


@pytest.fixture(scope="module")
def hostile(live: Live) -> tuple[str, int]:
    author = live.person("customer")
    reply = author.api().post("/tickets", json={"subject": HOSTILE_SUBJECT, "body": HOSTILE_BODY})
    assert reply.status_code == 201
    number = reply.json()["number"]
    author.api().post(f"/tickets/{number}/messages", json={"body": HOSTILE_BODY})
    return author.token, number


def _padcom(live: Live, token: str, *args: str, colour: bool) -> str:
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    env.update({"PADCOM_URL": live.url, "PADCOM_TOKEN": token, "COLUMNS": "200"})
    if colour:
        env["FORCE_COLOR"] = "1"
    done = subprocess.run([PADCOM, *args], env=env, capture_output=True, timeout=60)
    assert done.returncode == 0, done.stderr.decode(errors="replace")
    return done.stdout.decode("utf-8")


@pytest.mark.parametrize("colour", [False, True], ids=["pipe", "colour"])
@pytest.mark.parametrize("command", [["ticket", "show"], ["ticket", "list"]], ids=" ".join)
def test_hostile_text_reaches_the_terminal_only_as_visible_characters(
    live: Live, hostile: tuple[str, int], command: list[str], colour: bool
) -> None:
    token, number = hostile
    args = [*command, str(number)] if command[-1] == "show" else command
    output = _padcom(live, token, *args, colour=colour)
    assert raw_controls(output) == [], output
    assert "[bold red]URGENT[/]" in output
    if command[-1] == "show":
        for markup in LITERAL_MARKUP:
            assert markup in output


def test_json_output_carries_the_text_exactly_for_scripts(
    live: Live, hostile: tuple[str, int]
) -> None:
    import json

    token, number = hostile
    shown = json.loads(_padcom(live, token, "ticket", "show", str(number), "--json", colour=False))
    ticket = shown.get("ticket", shown)
    assert ticket["subject"] == HOSTILE_SUBJECT.strip()
    assert ticket["body"] == HOSTILE_BODY


def test_invisible_and_reordering_characters_are_shown_by_ticket_show(live: Live) -> None:
    """Zero-width characters, bidi marks, tags and private use reach the terminal as stand-ins."""
    author = live.person("customer")
    api = author.api()
    number = api.post("/tickets", json={"subject": "Invoice", "body": INVISIBLE_BODY}).json()[
        "number"
    ]
    api.post(f"/tickets/{number}/messages", json={"body": f"{INVISIBLE_BODY}\n{EMOJI_TEXT}"})
    for colour in (False, True):
        output = _padcom(live, author.token, "ticket", "show", str(number), colour=colour)
        assert hidden_characters(output) == [], output
        flat = output.replace("\n", "")
        for visible in INVISIBLE_VISIBLE:
            assert visible in flat, (visible, output)
        assert EMOJI_TEXT in output
