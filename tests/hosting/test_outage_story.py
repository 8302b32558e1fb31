"""An outage told once: an alert for web-07 opens an incident, its three customers see it,
one files anyway and is linked, one update reaches all three, the recovery resolves it all.

Over the real HTTP API and a real SMTP mailbox, on SQLite and PostgreSQL; the
same story through a real Alertmanager is tests/hosting/test_alertmanager.py.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.hosting.support import BEARER, alertmanager_body, hosted, hosting_helpdesk
from tests.live.mailbox import Mailbox
from tests.live.outbox_support import fresh_mailbox, until
from tests.support.live import Live, Person

mailbox = pytest.fixture(scope="module", name="mailbox")(fresh_mailbox)


@pytest.fixture(scope="module")
def helpdesk(database_url: str, mailbox: Mailbox) -> Iterator[Live]:
    with hosting_helpdesk(database_url, mailbox) as world:
        yield world


def _alert(live: Live, status: str, server: str = "web-07") -> dict[str, Any]:
    with live.anonymous() as api:
        reply = api.post(
            "/alerts/alertmanager",
            json=alertmanager_body(status, server, fingerprint=f"fp-{server}"),
            headers={"Authorization": f"Bearer {BEARER}"},
        )
    assert reply.status_code == 200, reply.text
    result: dict[str, Any] = reply.json()
    return result


def test_one_outage_one_conversation(helpdesk: Live, mailbox: Mailbox) -> None:
    agent = helpdesk.person("agent")
    bakery, florist, garage = (
        hosted(helpdesk, agent, "web-07", label)
        for label in ("baeckerei.example", "blumen.example", "garage.example")
    )
    elsewhere = hosted(helpdesk, agent, "web-08", "elsewhere.example")

    opened = _alert(helpdesk, "firing")
    assert opened["results"][0]["action"] == "opened"
    number = opened["results"][0]["incident"]
    assert _alert(helpdesk, "firing")["results"][0] == {  # Alertmanager repeats: no second one
        "fingerprint": "fp-web-07", "incident": number, "action": "repeated",
    }  # fmt: skip

    for one in (bakery, florist, garage):
        seen = one.customer.api().get("/incidents").json()
        assert [i["number"] for i in seen] == [number]
        assert seen[0]["title"] == "HostDown on web-07"
        assert "internal_notes" not in seen[0] or seen[0]["internal_notes"] is None
        assert [s["label"] for s in seen[0]["affected_services"]] == [one.service["label"]]
    assert elsewhere.customer.api().get("/incidents").json() == []
    assert elsewhere.customer.api().get(f"/incidents/{number}").status_code == 404

    for one in (florist, garage):
        assert one.customer.api().post(f"/incidents/{number}/subscribe").status_code == 200
    filed = bakery.customer.api().post(
        "/tickets",
        json={"subject": "Shop is down", "body": "502 since ten.", "service": bakery.service["id"]},
    )
    assert filed.status_code == 201, filed.text
    ticket = filed.json()["number"]
    links = bakery.customer.api().get(f"/tickets/{ticket}/links").json()
    assert [(link["incident"]["number"], link["automatic"]) for link in links] == [(number, True)]

    staff_view = agent.api().get(f"/incidents/{number}").json()
    assert [t["number"] for t in staff_view["tickets"]] == [ticket]
    assert staff_view["affected_organizations"] == 3
    assert (
        agent.api()
        .patch(f"/incidents/{number}", json={"internal_notes": "RAID controller of web-07 failed"})
        .status_code
        == 200
    )

    update = agent.api().post(
        f"/incidents/{number}/updates", json={"body": "A disk controller failed; replacing it."}
    )
    assert update.status_code == 201, update.text
    assert update.json()["state"] == "acknowledged"
    for one in (bakery, florist, garage):
        mails = mailbox.wait_for(one.customer.email, 1)
        assert "A disk controller failed" in mails[0].get_content()
    conversation = bakery.customer.api().get(f"/tickets/{ticket}/messages").json()
    assert "A disk controller failed" in conversation[-1]["body"]

    resolved = _alert(helpdesk, "resolved")
    assert resolved["results"][0]["action"] == "resolved"
    assert bakery.customer.api().get(f"/tickets/{ticket}").json()["status"] == "resolved"
    for one in (bakery, florist, garage):
        mails = mailbox.wait_for(one.customer.email, 2)
        assert "working again" in mails[1].get_content()
    until(lambda: all(len(mailbox.to(o.customer.email)) >= 2 for o in (bakery, florist, garage)))
    import time

    time.sleep(1.0)  # any extra mail would have arrived by now
    for one in (bakery, florist, garage):
        assert len(mailbox.to(one.customer.email)) == 2, one.customer.email  # told once each time
    everything = "".join(mail.get_content() for _, mail in mailbox.mails)
    assert "RAID controller" not in everything
    assert mailbox.to(elsewhere.customer.email) == []

    stats = agent.api().get("/stats").json()["incidents"]
    assert stats["declared"] >= 1 and stats["by_monitoring"] >= 1
    assert {
        "number": number,
        "title": "HostDown on web-07",
        "state": "resolved",
        "tickets": 1,
    } in stats["incidents"]
    assert {"name": "web-07", "tickets": 1} in stats["tickets_per_server"]
    assert bakery.customer.api().get("/stats").json()["incidents"] is None


def _customer_json(person: Person, path: str) -> Any:
    return person.api().get(path).json()


def test_a_customer_never_sees_internal_notes_nor_other_customers(helpdesk: Live) -> None:
    agent = helpdesk.person("agent")
    mine = hosted(helpdesk, agent, "web-11", "mine.example")
    theirs = hosted(helpdesk, agent, "web-11", "theirs-secret-name.example")
    declared = agent.api().post(
        "/incidents",
        json={
            "title": "Network trouble in FRA-1",
            "servers": ["web-11"],
            "public_text": "Packet loss on web-11.",
            "internal_notes": "Upstream carrier X broke the BGP session",
        },
    )
    assert declared.status_code == 201, declared.text
    number = declared.json()["number"]
    assert (
        agent.api()
        .post(f"/incidents/{number}/updates", json={"body": "Called carrier X", "internal": True})
        .status_code
        == 201
    )
    seen = _customer_json(mine.customer, f"/incidents/{number}")
    text = str(seen)
    assert "carrier X" not in text and "BGP" not in text
    assert "theirs-secret-name" not in text
    assert seen["affected_services"][0]["organization"] is None
    assert seen.get("affected_organizations") is None
    assert (
        theirs.customer.api()
        .post(f"/incidents/{number}/updates", json={"body": "I am staff now"})
        .status_code
        == 403
    )


def test_staff_link_and_unlink_tickets_shown_on_both(helpdesk: Live) -> None:
    agent = helpdesk.person("agent")
    one = hosted(helpdesk, agent, "web-21", "one.example")
    other = hosted(helpdesk, agent, "web-22", "other.example")
    first = one.customer.api().post("/tickets", json={"subject": "Mail slow", "body": "x"}).json()
    second = one.customer.api().post("/tickets", json={"subject": "Mail down", "body": "y"}).json()
    foreign = other.customer.api().post("/tickets", json={"subject": "DNS", "body": "z"}).json()

    assert (
        one.customer.api()
        .post(
            f"/tickets/{first['number']}/links",
            json={"ticket": second["number"], "kind": "same_outage"},
        )
        .status_code
        == 403
    )
    made = agent.api().post(
        f"/tickets/{first['number']}/links", json={"ticket": second["number"], "kind": "caused_by"}
    )
    assert made.status_code == 201, made.text
    again = agent.api().post(f"/tickets/{second['number']}/links", json={"ticket": first["number"]})
    assert again.status_code == 409
    assert (
        agent.api()
        .post(f"/tickets/{first['number']}/links", json={"ticket": foreign["number"]})
        .status_code
        == 201
    )
    both = [
        one.customer.api().get(f"/tickets/{n}/links").json()
        for n in (first["number"], second["number"])
    ]
    assert [link["ticket"]["number"] for link in both[0]] == [
        second["number"]
    ]  # not the foreign one
    assert [link["ticket"]["number"] for link in both[1]] == [first["number"]]
    kinds = [
        e["kind"] for e in one.customer.api().get(f"/tickets/{second['number']}/events").json()
    ]
    assert "linked" in kinds
    foreign_events = one.customer.api().get(f"/tickets/{first['number']}/events").json()
    assert all(e["changes"].get("ticket") != foreign["number"] for e in foreign_events)

    link_id = made.json()[0]["id"]
    assert agent.api().delete(f"/tickets/{second['number']}/links/{link_id}").status_code == 204
    assert one.customer.api().get(f"/tickets/{second['number']}/links").json() == []
    assert agent.api().delete(f"/tickets/{second['number']}/links/{link_id}").status_code == 404
