"""A customer cannot set what only the system or staff decide, by adding fields to a request."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.live import Live, Person


@pytest.fixture(scope="module")
def people(live: Live) -> dict[str, Person]:
    return {
        "customer": live.person("customer"),
        "neighbour": live.person("customer"),
        "agent": live.person("agent"),
    }


def _forged(people: dict[str, Person]) -> list[dict[str, Any]]:
    neighbour, agent = people["neighbour"], people["agent"]
    return [
        {"assignee": agent.id},
        {"requester": neighbour.id},
        {"organization": neighbour.user.organization_id},
        {"version": 99},
        {"number": 1},
        {"created_at": "2001-01-01T00:00:00Z"},
        {"resolved_at": "2001-01-01T00:00:00Z"},
        {"first_response_due": "2099-01-01T00:00:00Z"},
        {"deleted_at": None},
        {"internal": True},
    ]


def test_a_new_ticket_takes_no_field_beyond_what_a_customer_may_say(
    live: Live, people: dict[str, Person]
) -> None:
    api = people["customer"].api()
    before = len(api.get("/tickets").json()["items"])
    for extra in [*_forged(people), {"status": "closed"}]:
        refused = api.post("/tickets", json={"subject": "Hi", "body": "there", **extra})
        # ``requester`` is a field, for staff filing for a customer: a customer is refused it
        want = (403, "forbidden") if "requester" in extra else (422, "invalid")
        assert (refused.status_code, refused.json()["error"]["code"]) == want, extra
    assert len(api.get("/tickets").json()["items"]) == before


def test_a_customer_edit_cannot_touch_staff_or_system_fields(
    live: Live, people: dict[str, Person]
) -> None:
    api = people["customer"].api()
    ticket = api.post("/tickets", json={"subject": "Hi", "body": "there"}).json()
    forged = [*_forged(people), {"status": "resolved"}, {"status": "open"}]
    for extra in forged:
        refused = api.patch(
            f"/tickets/{ticket['number']}",
            json=extra,
            headers={"If-Match": f'"{ticket["version"]}"'},
        )
        assert refused.status_code == 422, extra
    assert api.get(f"/tickets/{ticket['number']}").json() == ticket


def test_a_customer_cannot_file_against_another_organizations_service(
    live: Live, people: dict[str, Person]
) -> None:
    staff = people["agent"].api()
    org = people["neighbour"].user.organization_id
    their_service = staff.get(f"/organizations/{org}/services").json()[0]["id"]
    refused = (
        people["customer"]
        .api()
        .post("/tickets", json={"subject": "Hi", "body": "x", "service": their_service})
    )
    assert refused.status_code == 422


def test_a_reply_cannot_name_its_author_or_ticket(live: Live, people: dict[str, Person]) -> None:
    api = people["customer"].api()
    number = api.post("/tickets", json={"subject": "Hi", "body": "there"}).json()["number"]
    for extra in (
        {"author": people["agent"].id},
        {"ticket": 1},
        {"created_at": "2001-01-01T00:00:00Z"},
    ):
        assert (
            api.post(f"/tickets/{number}/messages", json={"body": "x", **extra}).status_code == 422
        )
    assert api.get(f"/tickets/{number}/messages").json() == []


def test_a_customer_cannot_make_themselves_staff(live: Live, people: dict[str, Person]) -> None:
    me = people["customer"]
    api = me.api()
    assert (
        api.post(
            "/me/password",
            json={
                "current_password": me.password,
                "new_password": "quiet-orchid-88-lantern",
                "role": "admin",
            },
        ).status_code
        == 422
    )
    assert api.patch(f"/users/{me.id}", json={"role": "admin"}).status_code == 403
    assert api.get("/me").json()["role"] == "customer"
