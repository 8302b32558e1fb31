"""``padcom`` does what its help and the README say, run as a real process.

The version, signing in with the email as the argument, the exit code of
signing out when nobody is signed in, one-line subjects, the period that
``padcom stats`` reports, what "open" means in ``ticket list``, and counts
in words ("1 day", not "1 days").
"""

from __future__ import annotations

import json
import re
import subprocess
from importlib.metadata import version
from pathlib import Path

from padcom_cli.client.errors import EXIT_CODES
from tests.cli.terminal import PADCOM, Terminal
from tests.support.live import Live, Person
from tests.support.tickets import file_number

LINE_BREAKS = ["\n", "\r\n", "\r", "\x0b", "\x0c", "\x1c", "\x85", "\u2028", "\u2029"]
"""Every line boundary ``str.splitlines`` knows."""


def padcom(
    *args: str, url: str, config: Path, token: str | None = None, stdin: str = ""
) -> subprocess.CompletedProcess[str]:
    env = {"PADCOM_URL": url, "PADCOM_CONFIG": str(config)}
    if token:
        env["PADCOM_TOKEN"] = token
    return subprocess.run(
        [PADCOM, *args], input=stdin, capture_output=True, text=True, timeout=60, env=env
    )


def test_version_prints_the_installed_version(tmp_path: Path) -> None:
    done = padcom("--version", url="http://127.0.0.1:9", config=tmp_path / "c.toml")
    assert done.returncode == 0, done.stderr
    assert done.stdout == f"padcom {version('padcom')}\n"
    listed = padcom("--help", url="http://127.0.0.1:9", config=tmp_path / "c.toml")
    assert "--version" in listed.stdout


def test_the_exit_codes_read_as_in_the_readme(tmp_path: Path) -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    rows = dict(re.findall(r"^\| (\d) \| (.+?) \|$", readme, flags=re.MULTILINE))
    listed = padcom("--help", url="http://127.0.0.1:9", config=tmp_path / "c.toml").stdout
    for code, meaning in EXIT_CODES.items():
        assert rows[str(code)].startswith(meaning), (code, rows[str(code)])
        assert f"  {code}  {meaning}\n" in listed


def test_login_takes_the_email_as_its_argument(live: Live, tmp_path: Path) -> None:
    anna = live.person("customer")
    config = tmp_path / "c.toml"
    done = padcom(
        "login", anna.email, "--password-stdin", url=live.url, config=config, stdin=anna.password
    )
    assert done.returncode == 0, done.stderr
    assert f"<{anna.email}>" in done.stdout
    whoami = padcom("whoami", "--json", url=live.url, config=config)
    assert json.loads(whoami.stdout)["email"] == anna.email


def test_login_on_a_terminal_asks_only_for_the_password(live: Live, tmp_path: Path) -> None:
    ben = live.person("customer")
    config = tmp_path / "c.toml"
    terminal = Terminal(
        ["login", ben.email], {"PADCOM_URL": live.url, "PADCOM_CONFIG": str(config)}
    )
    terminal.expect("Password: ")  # the space comes once echo is off
    terminal.send(ben.password)
    assert terminal.finish() == 0, terminal.screen
    assert "Email" not in terminal.screen and f"<{ben.email}>" in terminal.screen


def test_login_refuses_two_different_emails(live: Live, tmp_path: Path) -> None:
    done = padcom(
        "login",
        "a@example.com",
        "--email",
        "b@example.com",
        "--password-stdin",
        url=live.url,
        config=tmp_path / "c.toml",
        stdin="x",
    )
    assert done.returncode == 2 and "once" in done.stderr
    assert not (tmp_path / "c.toml").exists()


def test_logout_when_not_signed_in_is_exit_4(live: Live, tmp_path: Path) -> None:
    done = padcom("logout", url=live.url, config=tmp_path / "c.toml")
    assert done.returncode == 4  # README: 4 means "not signed in"
    assert "not signed in" in done.stderr and "padcom login" in done.stderr


def test_a_subject_with_a_line_break_is_refused_and_nothing_is_filed(
    live: Live, tmp_path: Path
) -> None:
    cleo = live.person("customer")
    config = tmp_path / "c.toml"
    for brk in LINE_BREAKS:
        done = padcom(
            "ticket", "new", "-s", f"Mail{brk}bounces", "-b", "Since Monday.",
            url=live.url, config=config, token=cleo.token,
        )  # fmt: skip
        assert done.returncode == 2, (repr(brk), done.stderr)
        assert "subject" in done.stderr and "one line" in done.stderr
    filed = padcom(
        "ticket", "list", "--all", "--json", url=live.url, config=config, token=cleo.token
    )
    assert json.loads(filed.stdout) == []
    # a trailing newline (as `$(cat file)` or an editor leaves) is no second line
    ok = padcom("ticket", "new", "-s", "Mail bounces\n", "-b", "B", url=live.url, config=config, token=cleo.token)  # fmt: skip
    assert ok.returncode == 0, ok.stderr


def test_an_edited_subject_with_a_line_break_is_refused_and_the_old_one_kept(
    live: Live, tmp_path: Path
) -> None:
    dora = live.person("customer")
    number = file_number(dora, "Disk full")
    config = tmp_path / "c.toml"
    done = padcom(
        "ticket", "edit", str(number), "-s", "Disk\u2028full",
        url=live.url, config=config, token=dora.token,
    )  # fmt: skip
    assert done.returncode == 2 and "one line" in done.stderr
    assert dora.api().get(f"/tickets/{number}").json()["subject"] == "Disk full"


def test_stats_reports_the_days_asked_for(live: Live, tmp_path: Path) -> None:
    emil = live.person("customer")
    config = tmp_path / "c.toml"
    for days in (1, 7, 30):
        done = padcom(
            "stats", "--days", str(days), "--json", url=live.url, config=config, token=emil.token
        )
        assert done.returncode == 0, done.stderr
        report = json.loads(done.stdout)
        assert report["period"]["days"] == days
        # the chart has a row for each UTC date the period touches
        assert len(report["daily"]) in (days, days + 1)
    one = padcom("stats", "--days", "1", url=live.url, config=config, token=emil.token)
    assert "Your tickets, last day\n" in one.stdout  # not "last 1 day(s)"
    thirty = padcom("stats", url=live.url, config=config, token=emil.token)
    assert "Your tickets, last 30 days\n" in thirty.stdout


def test_the_period_of_the_api_is_its_length_wherever_it_starts(live: Live) -> None:
    agent = live.person("agent")
    ragged = {"from": "2026-01-01T10:30:00Z", "to": "2026-01-08T10:30:00Z"}
    body = agent.api().get("/stats", params=ragged).json()
    assert body["period"]["days"] == 7
    assert [d["day"] for d in body["daily"]][0::7] == ["2026-01-01", "2026-01-08"]
    default = agent.api().get("/stats").json()
    assert default["period"]["days"] == 30


def test_ticket_list_shows_open_tickets_as_stats_counts_them(live: Live, tmp_path: Path) -> None:
    fay = live.person("customer")
    agent = live.person("agent")
    numbers = {
        status: file_number(fay, f"A {status} one") for status in ("new", "resolved", "closed")
    }
    for status in ("resolved", "closed"):
        _set_status(agent, numbers[status], status)
    config = tmp_path / "c.toml"
    listed = padcom("ticket", "list", "--json", url=live.url, config=config, token=fay.token)
    assert [t["number"] for t in json.loads(listed.stdout)] == [numbers["new"]]
    stats = padcom("stats", "--json", url=live.url, config=config, token=fay.token)
    assert json.loads(stats.stdout)["now"]["open"] == 1
    everything = padcom("ticket", "list", "--all", "--json", url=live.url, config=config, token=fay.token)  # fmt: skip
    assert len(json.loads(everything.stdout)) == 3


def _set_status(agent: Person, number: int, status: str) -> None:
    version_now = agent.api().get(f"/tickets/{number}").json()["version"]
    reply = agent.api().patch(
        f"/tickets/{number}", json={"status": status}, headers={"If-Match": f'"{version_now}"'}
    )
    assert reply.status_code == 200, reply.text
