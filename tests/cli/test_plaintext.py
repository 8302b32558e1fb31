"""``padcom`` never sends a password or a token over plain http to another host unasked.

It used to send both to any ``http://`` URL without a word. Now a plain-http
URL to a host other than this machine is refused before anything is sent —
at sign-in, and for every command with a saved token (a URL saved earlier or
set in ``PADCOM_URL`` included) — unless the user accepted it with
``padcom login --insecure``; then each send warns. ``0.0.0.0`` stands for
"another host" in the accepting stories: it is not a loopback address, yet
Linux delivers it to this machine, so the tests stay on loopback.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from padcom_cli.client.config import ClientConfig, config_path, load_config, save_config
from tests.support.live import Live

PADCOM = str(Path(sys.executable).parent / "padcom")
FAR_AWAY = "http://203.0.113.5:8000"  # TEST-NET-3: never reached, the CLI refuses first


def padcom(*args: str, stdin: str = "", **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [PADCOM, *args],
        env={**os.environ, **env},
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_login_refuses_to_send_a_password_over_plain_http_to_another_host() -> None:
    result = padcom("login", "--url", FAR_AWAY, "--email", "a@example.com", "--password-stdin",
                    stdin="plum-orchard-under-rain-62\n")  # fmt: skip
    assert result.returncode == 2
    assert "refusing to send your password unencrypted" in result.stderr
    assert "--insecure" in result.stderr
    assert not config_path().exists()


@pytest.mark.parametrize(
    "command",
    [("whoami",), ("ticket", "list"), ("ticket", "show", "1"), ("ticket", "watch"), ("logout",)],
)
def test_a_saved_plain_http_url_gets_no_token(command: tuple[str, ...]) -> None:
    save_config(ClientConfig(url=FAR_AWAY, token="a-secret-token", email="a@example.com"))
    result = padcom(*command)
    assert result.returncode == 2, result.stderr
    assert "refusing to send your token unencrypted" in result.stderr


def test_a_plain_http_url_from_the_environment_gets_no_token() -> None:
    result = padcom("whoami", PADCOM_URL=FAR_AWAY, PADCOM_TOKEN="a-secret-token")
    assert result.returncode == 2
    assert "refusing to send your token" in result.stderr


def test_with_insecure_the_user_signs_in_warned_and_later_commands_follow(live: Live) -> None:
    anna = live.person("customer")
    url = f"http://0.0.0.0:{live.thread.port}"
    login = ("login", "--url", url, "--email", anna.email, "--password-stdin")
    refused = padcom(*login, stdin=anna.password + "\n")
    assert refused.returncode == 2 and load_config().token is None
    accepted = padcom(*login, "--insecure", stdin=anna.password + "\n")
    assert accepted.returncode == 0, accepted.stderr
    assert "warning: your password goes unencrypted" in accepted.stderr
    whoami = padcom("whoami", "--json")
    assert whoami.returncode == 0, whoami.stderr
    assert anna.email in whoami.stdout
    assert "warning: your token goes unencrypted" in whoami.stderr
    elsewhere = padcom("whoami", PADCOM_URL=f"http://0.0.0.0:{live.thread.port}/")
    assert elsewhere.returncode == 0  # the same URL, written with a trailing slash
    other = padcom("whoami", PADCOM_URL=FAR_AWAY)
    assert other.returncode == 2  # the consent was for one URL only


def test_http_to_this_machine_needs_no_flag_and_no_warning(live: Live) -> None:
    bo = live.person("customer")
    login = padcom("login", "--url", live.url, "--email", bo.email, "--password-stdin",
                   stdin=bo.password + "\n")  # fmt: skip
    assert login.returncode == 0, login.stderr
    assert "warning" not in login.stderr
