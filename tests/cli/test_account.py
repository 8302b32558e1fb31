"""Signing in and out with ``padcom``: the token is kept privately, revoked on logout."""

from __future__ import annotations

import json
import os
import stat
import tomllib
from pathlib import Path

from padcom_cli.client.config import config_path
from tests.cli.conftest import Padcom
from tests.support.live import Live


def test_login_with_password_on_stdin_keeps_a_private_token(live: Live, padcom: Padcom) -> None:
    anna = live.person("customer")
    result = padcom("login", "--email", anna.email, "--password-stdin", input=anna.password + "\n")
    assert result.exit_code == 0, result.output
    assert f"Signed in to {live.url} as {anna.user.name} <{anna.email}>" in result.stdout
    path = config_path()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) & 0o077 == 0
    saved = tomllib.loads(path.read_text())
    assert saved["url"] == live.url and saved["email"] == anna.email
    assert saved["token"].startswith("pdc_") and saved["token"] not in result.output
    # later commands use the saved token (no PADCOM_TOKEN in the environment)
    whoami = padcom("whoami", "--json")
    assert whoami.exit_code == 0
    assert json.loads(whoami.stdout)["email"] == anna.email


def test_login_json_never_prints_the_token(live: Live, padcom: Padcom) -> None:
    ben = live.person("customer")
    result = padcom(
        "login", "--email", ben.email, "--password-stdin", "--json", input=ben.password + "\n"
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["user"]["email"] == ben.email and data["url"] == live.url
    assert "token" not in data and "pdc_" not in result.stdout


def test_a_wrong_password_is_exit_4_and_saves_nothing(live: Live, padcom: Padcom) -> None:
    cleo = live.person("customer")
    result = padcom("login", "--email", cleo.email, "--password-stdin", input="nope\n")
    assert result.exit_code == 4
    assert result.stdout == ""
    assert "wrong email or password" in result.stderr
    assert not config_path().exists()


def test_login_without_a_terminal_does_not_hang_on_prompts(live: Live, padcom: Padcom) -> None:
    no_email = padcom("login", "--password-stdin", input="x\n")
    assert no_email.exit_code == 2 and "--email" in no_email.stderr
    no_password = padcom("login", "--email", "a@example.com")
    assert no_password.exit_code == 2 and "--password-stdin" in no_password.stderr


def test_logout_revokes_the_token_on_the_server_and_forgets_it(live: Live, padcom: Padcom) -> None:
    dora = live.person("customer")
    padcom("login", "--email", dora.email, "--password-stdin", input=dora.password + "\n")
    token = tomllib.loads(config_path().read_text())["token"]
    result = padcom("logout")
    assert result.exit_code == 0, result.output
    assert "Signed out" in result.stdout
    assert "token" not in tomllib.loads(config_path().read_text())
    with live.anonymous() as anon:
        assert anon.get("/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    again = padcom("whoami")
    assert again.exit_code == 4
    assert "not signed in" in again.stderr


def test_whoami_in_words_and_json(live: Live, padcom: Padcom) -> None:
    emil = live.person("customer")
    human = padcom("whoami", as_=emil)
    assert human.exit_code == 0
    assert f"{emil.user.name} <{emil.email}> (customer)" in human.stdout
    data = json.loads(padcom("whoami", "--json", as_=emil).stdout)
    assert data["role"] == "customer" and data["services"][0]["kind"] == "webhosting"


def test_environment_overrides_the_config_file(live: Live, padcom: Padcom, tmp_path: Path) -> None:
    fay, gus = live.person("customer"), live.person("customer")
    padcom("login", "--email", fay.email, "--password-stdin", input=fay.password + "\n")
    as_gus = padcom("whoami", "--json", PADCOM_TOKEN=gus.token)
    assert json.loads(as_gus.stdout)["email"] == gus.email
    elsewhere = padcom("whoami", PADCOM_URL="http://127.0.0.1:9")
    assert elsewhere.exit_code == 1
    assert "cannot reach http://127.0.0.1:9" in elsewhere.stderr


def test_a_revoked_token_is_exit_4_with_advice(live: Live, padcom: Padcom) -> None:
    hana = live.person("customer")
    admin = live.person("admin")
    assert admin.api().post(f"/users/{hana.id}/revoke-tokens").status_code == 204
    result = padcom("ticket", "list", as_=hana)
    assert result.exit_code == 4
    assert result.stdout == ""
    assert "padcom login" in result.stderr and "Traceback" not in result.output


def test_services_lists_what_the_account_rents(live: Live, padcom: Padcom) -> None:
    org = live.organization(services=2)
    ida = live.person("customer", org=org)
    human = padcom("services", as_=ida)
    assert human.exit_code == 0
    assert "site0." in human.stdout and "site1." in human.stdout and "webhosting" in human.stdout
    data = json.loads(padcom("services", "--json", as_=ida).stdout)
    assert [s["label"] for s in data] == [s["label"] for s in sorted(data, key=lambda s: s["id"])]
    assert len(data) == 2
    assert os.environ.get("PADCOM_TOKEN") is None  # the runner's env never leaks out


def test_logout_with_padcom_token_revokes_that_token_and_keeps_the_file(
    live: Live, padcom: Padcom
) -> None:
    jo, kai = live.person("customer"), live.person("customer")
    padcom("login", "--email", jo.email, "--password-stdin", input=jo.password + "\n")
    result = padcom("logout", PADCOM_TOKEN=kai.token)
    assert result.exit_code == 0 and "unset the variable" in result.stderr
    assert kai.api().get("/me").status_code == 401
    still = padcom("whoami", "--json")
    assert json.loads(still.stdout)["email"] == jo.email
