"""A customer secures their account from ``padcom``, and staff administer over the API.

Two-factor sign-in is turned on with ``padcom totp`` and from then on ``padcom
login`` needs ``--totp`` (or asks on a terminal); ``padcom password`` changes the
password and signs the other sessions out; ``padcom sessions`` lists and ends
them; ``padcom admin`` lets admins change and agents look.
"""

from __future__ import annotations

import json
import time

import pyotp

from tests.cli.conftest import Padcom
from tests.support.live import Live

PASSWORD = "copper kettle by the window"
NEW_PASSWORD = "seven swans over the harbour"


def test_a_customer_turns_on_two_factor_sign_in_and_then_signs_in_with_a_code(
    live: Live, padcom: Padcom
) -> None:
    anna = live.person("customer", password=PASSWORD)
    started = padcom("totp", "enrol", "--json", as_=anna)
    assert started.exit_code == 0, started.output
    secret = json.loads(started.stdout)["secret"]
    confirmed = padcom("totp", "confirm", pyotp.TOTP(secret).now(), "--json", as_=anna)
    assert confirmed.exit_code == 0, confirmed.output
    assert len(json.loads(confirmed.stdout)["recovery_codes"]) == 10
    status = json.loads(padcom("totp", "status", "--json", as_=anna).stdout)
    assert status["enabled"] is True

    without = padcom("login", "--email", anna.email, "--password-stdin", input=PASSWORD + "\n")
    assert without.exit_code == 2
    assert "add --totp CODE" in without.stderr
    code = pyotp.TOTP(secret).at(time.time() + 30)
    signed_in = padcom(
        "login", "--email", anna.email, "--password-stdin", "--totp", code, input=PASSWORD + "\n"
    )
    assert signed_in.exit_code == 0, signed_in.output
    again = padcom(
        "login", "--email", anna.email, "--password-stdin", "--totp", code, input=PASSWORD + "\n"
    )
    assert again.exit_code == 4  # the same code twice: refused


def test_a_customer_changes_the_password_and_ends_a_session(live: Live, padcom: Padcom) -> None:
    ben = live.person("customer", password=PASSWORD)
    lines = f"{PASSWORD}\n{NEW_PASSWORD}\n"
    changed = padcom("password", "--password-stdin", "--json", as_=ben, input=lines)
    assert changed.exit_code == 0, changed.output
    assert json.loads(changed.stdout) == {"changed": True}
    signed_in = padcom("login", "--email", ben.email, "--password-stdin", input=NEW_PASSWORD + "\n")
    assert signed_in.exit_code == 0, signed_in.output
    sessions = json.loads(padcom("sessions", "--json", as_=ben).stdout)
    other = next(s for s in sessions if not s["current"])
    ended = padcom("sessions", "--revoke", str(other["id"]), as_=ben)
    assert ended.exit_code == 0, ended.output
    assert padcom("whoami").exit_code == 4  # the saved token was the one ended
    wrong = padcom("password", "--password-stdin", as_=ben, input=f"not it at all\n{PASSWORD}\n")
    assert wrong.exit_code == 4


def test_a_forgotten_password_gets_the_same_answer_for_anyone(padcom: Padcom) -> None:
    asked = padcom("password", "--forgot", "--email", "nobody@example.com", "--json")
    assert asked.exit_code == 0, asked.output
    assert json.loads(asked.stdout)["requested"] is True


def test_admins_administer_over_the_api_and_agents_only_look(live: Live, padcom: Padcom) -> None:
    admin, agent = live.person("admin"), live.person("agent")
    made = padcom(
        "admin", "org", "add", "Nordlicht Media", "--customer-number", "CLI-1", "--json", as_=admin
    )
    assert made.exit_code == 0, made.output
    refused = padcom("admin", "org", "add", "Sneaky", "--customer-number", "CLI-2", as_=agent)
    assert refused.exit_code == 4
    invited = padcom("admin", "user", "invite", "jonas@nordlicht.example", "--name", "Jonas",
                     "--org", "CLI-1", "--json", as_=admin)  # fmt: skip
    assert invited.exit_code == 0, invited.output
    assert json.loads(invited.stdout)["invitation_pending"] is True
    listed = padcom("admin", "user", "list", "--q", "jonas@", "--json", as_=agent)
    assert [u["email"] for u in json.loads(listed.stdout)] == ["jonas@nordlicht.example"]
    off = padcom("admin", "user", "disable", "jonas@nordlicht.example", "--json", as_=admin)
    assert json.loads(off.stdout)["active"] is False
    trail = json.loads(padcom("admin", "audit", "--q", "nordlicht", "--json", as_=admin).stdout)
    assert [e["action"] for e in trail] == ["user.changed", "user.invited", "org.added"]
    assert padcom("admin", "audit", as_=agent).exit_code == 4
