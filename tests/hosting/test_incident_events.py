"""An incident is news on the stream before any ticket joins it: staff hear of every change
(internal notes included), a customer hit by it hears of its public changes and reads it as
a customer may, a customer elsewhere hears nothing — live, in ``GET /events``, and resuming
with Last-Event-ID. On SQLite and PostgreSQL, over real HTTP.
"""

from __future__ import annotations

import json
from typing import Any

from server.storage.db import db
from server.storage.models import Organization
from tests.hosting.support import hosted
from tests.security.sse import read_data_until, read_until
from tests.support.live import Live, Person

SECRET = "root cause: the upstream BGP session at FRA-1 flapped"


def _latest(person: Person) -> int:
    return int(person.api().get("/events/latest").json()["id"])


def _resolved(number: int) -> Any:
    return lambda e: e["kind"] == "incident_resolved" and e["incident"] == number


def _outage(agent: Person) -> int:
    """Declare an incident on web-07, note, update, edit (notes, then public text), resolve."""
    api = agent.api()
    reply = api.post("/incidents", json={"title": "web-07 unreachable", "servers": ["web-07"]})
    assert reply.status_code == 201, reply.text
    number = int(reply.json()["number"])
    steps = [
        api.post(f"/incidents/{number}/updates", json={"body": SECRET, "internal": True}),
        api.post(f"/incidents/{number}/updates", json={"body": "We are rebooting web-07."}),
        api.patch(f"/incidents/{number}", json={"internal_notes": SECRET}),
        api.patch(f"/incidents/{number}", json={"public_text": "web-07 does not answer."}),
        api.patch(f"/incidents/{number}", json={"public_text": "web-07 does not answer."}),
        api.post(f"/incidents/{number}/resolve", json={"body": "Back."}),
    ]
    assert [r.status_code for r in steps] == [201, 201, 200, 200, 200, 200], steps[-1].text
    return number


def test_staff_and_the_customers_hit_hear_of_an_incident_nobody_filed_about(live: Live) -> None:
    agent = live.person("agent")
    bakery = hosted(live, agent, "web-07", "baeckerei.example")
    florist = hosted(live, agent, "web-07", "blumen.example")
    elsewhere = hosted(live, agent, "web-08", "elsewhere.example")
    with db.connection_context():
        florist_name = Organization.get_by_id(florist.customer.user.organization_id).name
    after = _latest(agent)

    number = _outage(agent)

    staff_seen = read_until(live.url, agent.token, _resolved(number), after=after)
    assert [(e["kind"], e["internal"]) for e in staff_seen] == [
        ("incident_declared", False),
        ("incident_updated", True),
        ("incident_updated", False),
        ("incident_changed", True),
        ("incident_changed", False),  # the same text again changed nothing: no event
        ("incident_resolved", False),
    ]
    assert all(e["ticket"] is None and e["ticket_now"] is None for e in staff_seen)
    assert staff_seen[0]["changes"]["title"] == "web-07 unreachable"
    assert staff_seen[3]["changes"]["fields"] == ["internal_notes"]
    assert staff_seen[-1]["incident_now"]["internal_notes"] == SECRET
    assert staff_seen[-1]["incident_now"]["state"] == "resolved"

    raw = read_data_until(live.url, bakery.customer.token, _resolved(number), after=after)
    seen = [json.loads(data) for data in raw]
    assert [e["kind"] for e in seen] == [
        "incident_declared",
        "incident_updated",
        "incident_changed",
        "incident_resolved",
    ]
    assert [e["id"] for e in seen] == [e["id"] for e in staff_seen if not e["internal"]]
    now = seen[-1]["incident_now"]
    assert "internal_notes" not in now and "affected_organizations" not in now
    assert [s["label"] for s in now["affected_services"]] == ["baeckerei.example"]
    everything = "\n".join(raw)
    assert SECRET not in everything
    assert "blumen.example" not in everything
    assert florist_name not in everything and florist.customer.user.name not in everything

    # the same events in the history, and resuming after the first one misses nothing
    listed = bakery.customer.api().get("/events", params={"after": after}).json()["items"]
    assert [e["id"] for e in listed] == [e["id"] for e in seen]
    resumed = read_until(
        live.url, bakery.customer.token, _resolved(number), after=int(seen[0]["id"])
    )
    assert [e["id"] for e in resumed] == [e["id"] for e in seen[1:]]

    # a customer on another server hears nothing of it: their own new ticket comes first
    mine = elsewhere.customer.api().post("/tickets", json={"subject": "Mail", "body": "-"})
    assert mine.status_code == 201, mine.text
    theirs = read_until(
        live.url, elsewhere.customer.token, lambda e: e["kind"] == "created", after=after
    )
    assert [(e["kind"], e["ticket"]) for e in theirs] == [("created", mine.json()["number"])]
    assert _latest(elsewhere.customer) == theirs[0]["id"]


def test_a_public_incident_reaches_every_customer(live: Live) -> None:
    agent = live.person("agent")
    elsewhere = hosted(live, agent, "web-08", "anywhere.example")
    after = _latest(agent)
    reply = agent.api().post(
        "/incidents",
        json={"title": "Support phones down", "public": True, "internal_notes": SECRET},
    )
    assert reply.status_code == 201, reply.text
    number = int(reply.json()["number"])

    seen = read_until(
        live.url,
        elsewhere.customer.token,
        lambda e: e["kind"] == "incident_declared" and e["incident"] == number,
        after=after,
    )
    assert seen[-1]["incident_now"]["title"] == "Support phones down"
    assert SECRET not in json.dumps(seen)
