"""An internal note leaves no trace a customer can see: not even in the ticket's metadata.

Before, a note moved the ticket's ``version`` and ``updated_at``: the customer
saw the ETag change with nothing visible changed, the ticket jump up the
``-updated`` list, and their next edit with the version they had seen failed
with 412. Now the customer's every view is byte-for-byte what it was, and their
``If-Match`` still works.
"""

from __future__ import annotations

from dataclasses import dataclass

import httpx
import pytest

from tests.security.sse import read_until
from tests.support.files import upload
from tests.support.live import Live, Person


@dataclass
class Desk:
    customer: Person
    agent: Person
    older: int
    newer: int


@pytest.fixture(scope="module")
def desk(live: Live) -> Desk:
    """A customer with two answered tickets; ``newer`` was updated last."""
    customer, agent = live.person("customer"), live.person("agent")
    api = customer.api()
    older = api.post("/tickets", json={"subject": "Older", "body": "a"}).json()["number"]
    newer = api.post("/tickets", json={"subject": "Newer", "body": "b"}).json()["number"]
    for number in (older, newer):
        agent.api().post(f"/tickets/{number}/messages", json={"body": "On it"})
    return Desk(customer, agent, older, newer)


def _seen(api: httpx.Client, desk: Desk) -> dict[str, tuple[bytes, str | None]]:
    """Every view of the customer's, raw: body and ETag."""
    views = {}
    for path, params in (
        (f"/tickets/{desk.older}", {}),  # the fast path
        (f"/tickets/{desk.older}", {"via": "route"}),  # a query string: the FastAPI route
        ("/tickets", {"sort": "-updated"}),
        ("/tickets", {"sort": "updated"}),
        ("/tickets", {}),
        ("/tickets", {"q": "Older"}),
        (f"/tickets/{desk.older}/messages", {}),
        (f"/tickets/{desk.older}/events", {}),
        (f"/tickets/{desk.older}/attachments", {}),
        ("/events", {"after": "0", "limit": "500"}),
        ("/events/latest", {}),
    ):
        reply = api.get(path, params=params)
        assert reply.status_code == 200, reply.text
        views[f"{path} {params}"] = (reply.content, reply.headers.get("etag"))
    return views


def test_a_note_changes_nothing_the_customer_sees(live: Live, desk: Desk) -> None:
    api = desk.customer.api()
    before = _seen(api, desk)
    assert [t["number"] for t in api.get("/tickets", params={"sort": "-updated"}).json()["items"]][
        :2
    ] == [desk.newer, desk.older]
    notes = []
    for i in range(2):
        staff = desk.agent.api()
        kept = upload(staff, f"contract-{i}.pdf", b"%PDF-1.4 confidential")
        note = staff.post(
            f"/tickets/{desk.older}/messages",
            json={"body": f"VIP? {i}", "internal": True, "attachments": [kept["id"]]},
        )
        assert note.status_code == 201
        notes.append(kept["id"])
    after = _seen(api, desk)
    for view, seen in before.items():
        assert after[view] == seen, view
    for file_id in notes:  # nor can the note's file be fetched by its id
        assert api.get(f"/tickets/{desk.older}/attachments/{file_id}").status_code == 404
    staff_messages = desk.agent.api().get(f"/tickets/{desk.older}/messages").json()
    assert [m["body"] for m in staff_messages][-2:] == ["VIP? 0", "VIP? 1"]


def test_the_customers_if_match_still_works_after_a_note(live: Live, desk: Desk) -> None:
    api = desk.customer.api()
    seen = api.get(f"/tickets/{desk.newer}")
    desk.agent.api().post(
        f"/tickets/{desk.newer}/messages", json={"body": "check billing", "internal": True}
    )
    edit = api.patch(
        f"/tickets/{desk.newer}",
        json={"priority": "high"},
        headers={"If-Match": seen.headers["etag"]},
    )
    assert edit.status_code == 200, edit.text
    assert edit.json()["version"] == seen.json()["version"] + 1


def test_the_stream_gives_the_customer_the_next_public_change_and_nothing_before(
    live: Live, desk: Desk
) -> None:
    api = desk.customer.api()
    latest = api.get("/events/latest").json()["id"]
    staff = desk.agent.api()
    kept = upload(staff, "ssh-keys.txt", b"root only")
    staff.post(
        f"/tickets/{desk.older}/messages",
        json={"body": "quiet", "internal": True, "attachments": [kept["id"]]},
    )
    public = staff.post(f"/tickets/{desk.older}/messages", json={"body": "Fixed"}).json()
    assert api.get("/events/latest").json()["id"] > latest
    seen = read_until(
        live.url,
        desk.customer.token,
        lambda e: e["changes"].get("message") == public["id"],
        after=latest,
    )
    assert [e["kind"] for e in seen] == ["replied"]
    shown = api.get(f"/tickets/{desk.older}").json()
    assert shown["updated_at"] == seen[0]["at"]
