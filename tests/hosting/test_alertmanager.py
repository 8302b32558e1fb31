"""The issue's story with the real things: Debian's Alertmanager, ``padcom`` as a subprocess.

An alert for web-07 goes into Alertmanager, which notifies Padcom: an incident
opens. The three customers hosted on web-07 see it in ``padcom status``; two
subscribe from ``padcom ticket new`` (the script's ``--subscribe``), one files
anyway and the ticket joins the incident. Staff post one update with
``padcom incident update``: it reaches all three. The alert resolves in
Alertmanager: the incident and its ticket are resolved, each customer told
once; ``/stats`` counts it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.hosting.alertmanager import Alertmanager
from tests.hosting.support import BEARER, Hosted, hosted, hosting_helpdesk
from tests.live.mailbox import Mailbox
from tests.live.outbox_support import fresh_mailbox
from tests.support.live import Live, Person

PADCOM = str(Path(sys.executable).parent / "padcom")
mailbox = pytest.fixture(scope="module", name="mailbox")(fresh_mailbox)


@pytest.fixture(scope="module")
def helpdesk(database_url: str, mailbox: Mailbox) -> Iterator[Live]:
    with hosting_helpdesk(database_url, mailbox) as world:
        yield world


@pytest.fixture
def alertmanager(helpdesk: Live, tmp_path: Path) -> Iterator[Alertmanager]:
    manager = Alertmanager(tmp_path, helpdesk.url, BEARER).start()
    yield manager
    manager.stop()


def padcom(person: Person, live: Live, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PADCOM_URL": live.url, "PADCOM_TOKEN": person.token, "NO_COLOR": "1"}
    return subprocess.run(
        [PADCOM, *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )


def _wait(what: Any, timeout: float = 30) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = what()
        if found:
            return found
        time.sleep(0.2)
    raise AssertionError("timed out")


def test_an_alert_from_alertmanager_becomes_one_incident_told_once(
    helpdesk: Live, mailbox: Mailbox, alertmanager: Alertmanager
) -> None:
    agent = helpdesk.person("agent")
    on_web07: list[Hosted] = [
        hosted(helpdesk, agent, "web-07", label)
        for label in ("baeckerei-huber.example", "nordlicht.example", "kanzlei-berg.example")
    ]
    neighbour = hosted(helpdesk, agent, "web-08", "neighbour.example")
    labels = {"alertname": "HostDown", "instance": "web-07:9100", "severity": "critical"}
    annotations = {"summary": "Web server web-07 does not answer; sites on it are down."}

    alertmanager.inject(labels, annotations)
    incidents = _wait(lambda: agent.api().get("/incidents").json())
    assert len(incidents) == 1
    number = incidents[0]["number"]
    assert incidents[0]["servers"] == ["web-07"] and incidents[0]["source"] == "prometheus"

    for one in on_web07:
        shown = padcom(one.customer, helpdesk, "status")
        assert shown.returncode == 0, shown.stderr
        assert f"#{number} HostDown on web-07" in shown.stdout
        assert one.service["label"] in shown.stdout
        others = {o.service["label"] for o in on_web07} - {one.service["label"]}
        assert not any(label in shown.stdout for label in others)  # never other customers
        as_json = json.loads(padcom(one.customer, helpdesk, "status", "--json").stdout)
        assert [i["number"] for i in as_json] == [number]
        assert "internal_notes" not in as_json[0] or as_json[0]["internal_notes"] is None
    assert "All systems normal" in padcom(neighbour.customer, helpdesk, "status").stdout

    for one in on_web07[1:]:
        asked = padcom(
            one.customer, helpdesk, "ticket", "new", "-s", "Site down", "-b", "502", "--subscribe"
        )
        assert asked.returncode == 0, asked.stderr
        assert (
            f"This looks like incident #{number} (HostDown on web-07), we are on it."
            in asked.stderr
        )
        assert "Subscribed" in asked.stderr
    filed = padcom(
        on_web07[0].customer, helpdesk, "ticket", "new", "-s", "Shop down", "-b", "Since 10:00",
        "--file-anyway", "--json",
    )  # fmt: skip
    assert filed.returncode == 0, filed.stderr
    ticket = json.loads(filed.stdout)["number"]
    assert [t["number"] for t in agent.api().get(f"/incidents/{number}").json()["tickets"]] == [
        ticket
    ]
    queue = agent.api().get("/tickets", params={"incident": number}).json()["items"]
    assert [t["number"] for t in queue] == [ticket]

    posted = padcom(
        agent, helpdesk, "incident", "update", str(number), "-b", "The disk controller is replaced."
    )
    assert posted.returncode == 0, posted.stderr
    for one in on_web07:
        first = mailbox.wait_for(one.customer.email, 1)
        assert "The disk controller is replaced." in first[0].get_content()

    alertmanager.inject(labels, annotations, resolved=True)
    _wait(lambda: agent.api().get(f"/incidents/{number}").json()["state"] == "resolved")
    assert on_web07[0].customer.api().get(f"/tickets/{ticket}").json()["status"] == "resolved"
    for one in on_web07:
        mails = mailbox.wait_for(one.customer.email, 2)
        assert "working again" in mails[1].get_content()
    time.sleep(2)  # Alertmanager might repeat itself: nothing more arrives
    for one in on_web07:
        assert len(mailbox.to(one.customer.email)) == 2
    assert mailbox.to(neighbour.customer.email) == []
    assert "All systems normal" in padcom(on_web07[1].customer, helpdesk, "status").stdout

    figures = agent.api().get("/stats").json()["incidents"]
    counted = [i for i in figures["incidents"] if i["number"] == number]
    assert counted == [
        {"number": number, "title": "HostDown on web-07", "state": "resolved", "tickets": 1}
    ]
    assert figures["resolve"]["count"] >= 1
