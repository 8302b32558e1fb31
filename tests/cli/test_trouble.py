"""When things go wrong: hostile text, a server that is down, and someone else's change."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.cli.conftest import Padcom
from tests.cli.terminal import PADCOM
from tests.support.live import Live
from tests.support.ports import free_port
from tests.support.tickets import file_number

HOSTILE_SUBJECT = (
    "Help \x1b[2J\x1b]52;c;aGFja2Vk\x07 [bold]now[/bold] [link=https://evil.example]x[/link]"
)
HOSTILE_BODY = (
    "\x1b]8;;https://evil.example\x1b\\click\x1b]8;;\x1b\\ \x9b31m red \x07\x08 [red]x[/red]"
)
RAW_CONTROLS = ("\x1b", "\x9b", "\x07", "\x08")


def test_hostile_text_is_shown_literally_and_never_reaches_the_terminal(
    live: Live, padcom: Padcom
) -> None:
    org = live.organization()
    mallory, victim = live.person("customer", org=org), live.person("customer", org=org)
    number = file_number(mallory, HOSTILE_SUBJECT, HOSTILE_BODY)
    mallory.api().post(f"/tickets/{number}/messages", json={"body": HOSTILE_BODY})
    outputs = [
        padcom("ticket", "list", as_=victim, COLUMNS="250"),
        padcom("ticket", "show", str(number), "--history", as_=victim, COLUMNS="250"),
        padcom("ticket", "show", str(number), "--json", as_=victim),
        padcom("ticket", "list", "--json", as_=victim),
    ]
    for result in outputs:
        assert result.exit_code == 0, result.output
        for char in RAW_CONTROLS:
            assert char not in result.output, (repr(char), result.output)
    listing, shown = outputs[0].stdout, outputs[1].stdout
    assert "[bold]now[/bold]" in listing and "[link=https://evil.example]" in listing
    assert "␛[2J␛]52;c;aGFja2Vk␇" in listing
    assert "␛]8;;https://evil.example␛\\click" in shown and "<U+009B>31m" in shown
    assert "[red]x[/red]" in shown
    assert json.loads(outputs[2].stdout)["ticket"]["subject"] == HOSTILE_SUBJECT


def test_a_server_that_is_down_is_one_clear_line(padcom: Padcom) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    for args in (["ticket", "list"], ["ticket", "show", "1", "--json"], ["services"]):
        result = padcom(*args, PADCOM_URL=url, PADCOM_TOKEN="pdc_whatever")
        assert result.exit_code == 1
        assert result.stdout == ""
        assert result.stderr == f"padcom: cannot reach {url}: connection refused\n"


def test_a_server_that_is_down_as_a_real_process(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    done = subprocess.run(
        [PADCOM, "ticket", "list"],
        capture_output=True,
        text=True,
        timeout=60,
        env={"PADCOM_URL": url, "PADCOM_TOKEN": "pdc_x", "PADCOM_CONFIG": str(tmp_path / "c")},
    )
    assert done.returncode == 1
    assert done.stdout == ""
    assert done.stderr.splitlines() == [f"padcom: cannot reach {url}: connection refused"]


def test_not_signed_in_is_exit_4(padcom: Padcom) -> None:
    result = padcom("ticket", "list")
    assert result.exit_code == 4
    assert "not signed in" in result.stderr and "padcom login" in result.stderr


def test_json_pipes_into_json_tool(live: Live, tmp_path: Path) -> None:
    quinn = live.person("customer")
    file_number(quinn, "Pipe me \x1b[1m", "body")
    env = {
        "PADCOM_URL": live.url,
        "PADCOM_TOKEN": quinn.token,
        "PADCOM_CONFIG": str(tmp_path / "c"),
    }
    for command in ("ticket list --json", "whoami --json", "services --json"):
        done = subprocess.run(  # noqa: S602 - a fixed command line; the pipe is the point
            f"{PADCOM} {command} | {sys.executable} -m json.tool",
            shell=True,
            capture_output=True,
            text=True,
            timeout=60,
            env=env,
        )
        assert done.returncode == 0, done.stderr
        assert json.loads(done.stdout)


def test_a_stale_version_is_a_conflict_that_says_what_changed(live: Live, padcom: Padcom) -> None:
    rosa = live.person("customer")
    agent = live.person("agent")
    number = file_number(rosa, "Slow site")
    seen = json.loads(padcom("ticket", "show", str(number), "--json", as_=rosa).stdout)
    version = seen["ticket"]["version"]
    agent.api().patch(
        f"/tickets/{number}", json={"priority": "urgent"}, headers={"If-Match": f'"{version}"'}
    )
    agent.api().post(f"/tickets/{number}/messages", json={"body": "On it."})
    result = padcom(
        "ticket", "priority", str(number), "low", "--if-version", str(version), as_=rosa
    )
    assert result.exit_code == 5
    assert result.stdout == ""
    assert f"changed since version {version}" in result.stderr
    assert f"{agent.user.name}: priority: normal → urgent" in result.stderr
    assert f"{agent.user.name}: replied; status: new → open" in result.stderr
    assert "nothing was saved" in result.stderr
    assert rosa.api().get(f"/tickets/{number}").json()["priority"] == "urgent"


def test_a_change_made_while_editing_is_never_overwritten(
    live: Live, padcom: Padcom, tmp_path: Path
) -> None:
    sam = live.person("customer")
    agent = live.person("agent")
    number = file_number(sam, "Original", "Original text")
    editor = tmp_path / "slow_editor.py"
    editor.write_text(
        "import os, sys, httpx\n"
        "api = httpx.Client(base_url=os.environ['T_URL'], headers={'Authorization': 'Bearer ' + os.environ['T_TOKEN']})\n"
        "n = os.environ['T_NUMBER']\n"
        "v = api.get(f'/tickets/{n}').json()['version']\n"
        "api.patch(f'/tickets/{n}', json={'subject': 'Agent fixed it'}, headers={'If-Match': f'\"{v}\"'}).raise_for_status()\n"
        "text = open(sys.argv[1]).read()\n"
        "open(sys.argv[1], 'w').write('My subject\\n\\nMy text\\n' + text[text.index('# ---'):])\n"
    )
    result = padcom(
        "ticket", "edit", str(number), "--editor", as_=sam,
        VISUAL=f"{sys.executable} {editor}", T_URL=f"{live.url}/api/v1",
        T_TOKEN=agent.token, T_NUMBER=str(number),
    )  # fmt: skip
    assert result.exit_code == 5, result.output
    assert "subject: Original → Agent fixed it" in result.stderr
    ticket = sam.api().get(f"/tickets/{number}").json()
    assert (ticket["subject"], ticket["body"]) == ("Agent fixed it", "Original text")
