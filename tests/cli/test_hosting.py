"""``padcom status``, ``padcom services`` and ``padcom incident`` as a customer and as staff."""

from __future__ import annotations

import json

from tests.cli.conftest import Padcom
from tests.cli.terminal import Terminal
from tests.hosting.support import hosted
from tests.support.live import Live


def test_a_customer_sees_an_outage_on_their_server_and_staff_run_it(
    live: Live, padcom: Padcom
) -> None:
    agent = live.person("agent")
    mine = hosted(live, agent, "web-61", "mine.example", datacenter="FRA-6")
    theirs = hosted(live, agent, "web-61", "theirs.example", datacenter="FRA-6")

    listed = padcom("services", as_=mine.customer)
    assert listed.exit_code == 0, listed.stderr
    assert (
        "mine.example" in listed.stdout and "web-61" in listed.stdout and "active" in listed.stdout
    )
    assert "All systems normal" in padcom("status", as_=mine.customer).stdout
    assert json.loads(padcom("status", "--json", as_=mine.customer).stdout) == []

    declared = padcom(
        "incident", "declare", "-t", "FRA-6 power", "--datacenter", "FRA-6",
        "--text", "A feed failed.", "--notes", "UPS 2 tripped", "--json", as_=agent,
    )  # fmt: skip
    assert declared.exit_code == 0, declared.stderr
    number = json.loads(declared.stdout)["number"]
    shown = padcom("status", as_=mine.customer)
    assert f"#{number} FRA-6 power" in shown.stdout and "A feed failed." in shown.stdout
    assert "mine.example" in shown.stdout
    assert "theirs.example" not in shown.stdout and "UPS 2" not in shown.stdout
    assert padcom("incident", "declare", "-t", "mine", as_=mine.customer).exit_code == 4

    subscribed = padcom(
        "ticket", "new", "-s", "Down", "-b", "x", "--subscribe", as_=theirs.customer
    )
    assert subscribed.exit_code == 0 and subscribed.stdout == ""  # no ticket was filed
    assert f"This looks like incident #{number} (FRA-6 power)" in subscribed.stderr
    assert json.loads(padcom("status", "--json", as_=theirs.customer).stdout)[0]["subscribed"]

    updated = padcom("incident", "update", str(number), "-b", "Feed is back", as_=agent)
    assert updated.exit_code == 0, updated.stderr
    assert "Feed is back" in padcom("status", as_=mine.customer).stdout
    listed_staff = padcom("incident", "list", as_=agent)
    assert "FRA-6 power" in listed_staff.stdout
    assert padcom("incident", "resolve", str(number), "-b", "Done.", as_=agent).exit_code == 0
    assert "All systems normal" in padcom("status", as_=mine.customer).stdout
    assert padcom("incident", "list", "--state", "bogus", as_=agent).exit_code == 2


def test_on_a_terminal_ticket_new_offers_the_incident_first(live: Live) -> None:
    agent = live.person("agent")
    one = hosted(live, agent, "web-62", "asked.example")
    made = agent.api().post("/incidents", json={"title": "web-62 down", "servers": ["web-62"]})
    number = made.json()["number"]
    env = {"PADCOM_URL": live.url, "PADCOM_TOKEN": one.customer.token}

    term = Terminal(["ticket", "new"], env)
    term.expect(f"This looks like incident #{number} (web-62 down), we are on it.")
    term.expect("Subscribe to its updates, or file anyway? (subscribe, file) [subscribe]: ")
    term.send("")  # the default: subscribe, before any text was typed
    assert term.finish() == 0, term.screen
    assert "Subscribed to incident" in term.screen
    assert one.customer.api().get("/tickets").json()["items"] == []

    term = Terminal(["ticket", "new"], env)
    term.expect("(subscribe, file) [subscribe]: ")
    term.send("file")
    term.expect("Subject: ")
    term.send("Still down")
    term.expect("finish with Ctrl-D")
    term.send("since noon")
    term.send_eof()
    term.expect("Category")
    term.send("")
    term.expect("Priority")
    term.send("")
    assert term.finish() == 0, term.screen
    [ticket] = one.customer.api().get("/tickets").json()["items"]
    assert ticket["incidents"] == [number]
