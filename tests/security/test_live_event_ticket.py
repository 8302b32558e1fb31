"""The ticket a live event carries is the customer's own view of it, never staff's.

Each stream event brings the ticket as it is now, and the message it added, so
a client need not ask again (server/reads/live_event.py). For a customer that
embedded ticket must hide exactly what GET /tickets/{n} hides (staff addresses,
other organizations), an internal note must not ride along on any event, and
another organization's customer must not hear of the ticket at all.
"""

from __future__ import annotations

import json

from tests.security.sse import read_until
from tests.support.live import Live


def test_a_customers_event_carries_what_their_get_shows_and_no_note(live: Live) -> None:
    customer, agent = live.person("customer"), live.person("agent")
    stranger = live.person("customer")  # another organization
    number = (
        customer.api()
        .post("/tickets", json={"subject": "Mail bounces", "body": "x"})
        .json()["number"]
    )
    staff = agent.api()
    staff.patch(
        f"/tickets/{number}", json={"assignee": agent.id}, headers={"If-Match": '"1"'}
    ).raise_for_status()
    staff.post(
        f"/tickets/{number}/messages", json={"body": "VIP, bill extra", "internal": True}
    ).raise_for_status()
    staff.post(f"/tickets/{number}/messages", json={"body": "Fixed the MX."}).raise_for_status()

    theirs = customer.api().get(f"/tickets/{number}").json()
    assert theirs["assignee"]["email"] is None  # GET hides the agent's address
    events = read_until(
        customer.base_url,
        customer.token,
        lambda e: e["ticket"] == number and e["kind"] == "replied",
    )
    mine = [e for e in events if e["ticket"] == number]
    assert [e["kind"] for e in mine] == ["created", "assigned", "replied"]  # no note
    for event in mine:
        assert event["ticket_now"] == theirs
        assert "bill extra" not in json.dumps(event)
        assert agent.email not in json.dumps(event)
    reply = mine[-1]["message"]
    assert (reply["body"], reply["internal"], reply["author"]["email"]) == (
        "Fixed the MX.",
        False,
        None,
    )

    staff_events = read_until(
        agent.base_url, agent.token, lambda e: e["ticket"] == number and e["kind"] == "replied"
    )
    note = next(e for e in staff_events if e["ticket"] == number and e["kind"] == "note")
    assert note["message"]["body"] == "VIP, bill extra"  # staff do get the note with its event
    assert note["ticket_now"]["assignee"]["email"] == agent.email

    own = stranger.api().post("/tickets", json={"subject": "Mine", "body": "y"}).json()["number"]
    heard = read_until(stranger.base_url, stranger.token, lambda e: e["ticket"] == own)
    assert [e["ticket"] for e in heard] == [own]
    assert heard[0]["ticket_now"]["number"] == own
