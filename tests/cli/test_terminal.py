"""``padcom`` on a real terminal: it asks for what is missing, and colours only there."""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path

from padcom_cli.client.config import config_path
from tests.cli.terminal import Terminal
from tests.support.live import Live
from tests.support.tickets import file_number


def test_login_asks_for_email_and_a_hidden_password(live: Live) -> None:
    tess = live.person("customer")
    term = Terminal(["login", "--url", live.url], {})
    term.expect("Email: ")
    term.send(tess.email)
    term.expect("Password: ")
    term.send(tess.password)
    assert term.finish() == 0, term.screen
    assert tess.password not in term.screen  # never echoed
    assert f"as {tess.user.name} <{tess.email}>" in term.screen
    assert tomllib.loads(config_path().read_text())["email"] == tess.email


def test_new_ticket_asks_for_everything_and_uses_the_editor(live: Live, tmp_path: Path) -> None:
    org = live.organization(services=2)
    uwe = live.person("customer", org=org)
    services = uwe.api().get("/me").json()["services"]
    editor = tmp_path / "editor.py"
    editor.write_text(
        "import sys\n"
        "text = open(sys.argv[1]).read()\n"
        "assert 'Describe the problem' in text\n"
        "open(sys.argv[1], 'w').write('The shop shows a 502.\\n' + text)\n"
    )
    term = Terminal(
        ["ticket", "new"],
        {"PADCOM_URL": live.url, "PADCOM_TOKEN": uwe.token, "VISUAL": f"{sys.executable} {editor}"},
    )
    # the service first: an open incident on it is said before anything is typed
    term.expect("Which service is it about? [0]: ")
    term.send("2")
    term.expect("Subject: ")
    term.send("Shop is down")
    term.expect("Category (hardware, software, usage, security, other) [other]: ")
    term.send("sofware")  # a typo is asked again
    term.expect("Please answer one of")
    term.send("software")
    term.expect("Priority (low, normal, high, urgent) [normal]: ")
    term.send("")
    assert term.finish() == 0, term.screen
    [ticket] = uwe.api().get("/tickets").json()["items"]
    assert (ticket["subject"], ticket["body"]) == ("Shop is down", "The shop shows a 502.")
    assert (ticket["category"], ticket["priority"]) == ("software", "normal")
    assert ticket["service"]["id"] == services[1]["id"]
    assert f"Filed ticket #{ticket['number']}" in term.screen


def test_without_an_editor_the_text_is_typed_until_ctrl_d(live: Live) -> None:
    vera = live.person("customer")
    term = Terminal(
        ["ticket", "reply", str(file_number(vera)), "--json"],
        {"PADCOM_URL": live.url, "PADCOM_TOKEN": vera.token},
    )
    term.expect("finish with Ctrl-D")
    term.send("first line")
    term.send("second line")
    term.send_eof()
    assert term.finish() == 0, term.screen
    [message] = vera.api().get("/tickets").json()["items"][:1]
    bodies = [m["body"] for m in vera.api().get(f"/tickets/{message['number']}/messages").json()]
    assert bodies == ["first line\nsecond line"]


def test_delete_asks_first_and_no_keeps_the_ticket(live: Live) -> None:
    walt = live.person("customer")
    number = file_number(walt, "Keep me")
    env = {"PADCOM_URL": live.url, "PADCOM_TOKEN": walt.token}
    term = Terminal(["ticket", "delete", str(number)], env)
    term.expect(f"Delete ticket #{number} (Keep me)? [y/N]: ")
    term.send("")
    assert term.finish() == 0
    assert "Nothing deleted." in term.screen
    assert walt.api().get(f"/tickets/{number}").status_code == 200
    term = Terminal(["ticket", "delete", str(number)], env)
    term.expect("[y/N]: ")
    term.send("y")
    assert term.finish() == 0
    assert walt.api().get(f"/tickets/{number}").status_code == 404


def test_colour_only_on_a_terminal_and_never_with_no_color(live: Live) -> None:
    xena = live.person("customer")
    file_number(xena, "Evil \x1b]52;c;aGk=\x07 subject [bold]x[/bold]")
    env = {"PADCOM_URL": live.url, "PADCOM_TOKEN": xena.token, "COLUMNS": "200"}
    coloured = Terminal(["ticket", "list"], env)
    assert coloured.finish() == 0
    assert "\x1b[" in coloured.screen  # Rich's own styles
    assert "\x1b]" not in coloured.screen and "\x07" not in coloured.screen
    plain = Terminal(["ticket", "list"], {**env, "NO_COLOR": "1"})
    assert plain.finish() == 0
    assert "\x1b" not in plain.screen  # no escape sequence at all
    assert "Evil ␛]52;c;aGk=␇ subject [bold]x[/bold]" in plain.screen
