"""Saved views follow the agent to any machine; a bulk change applies each ticket's change
through its own version check and names every refusal."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.live import Live, Person
from tests.support.tickets import file_number


@pytest.fixture(scope="module")
def admin(live: Live) -> Person:
    return live.person("admin")


def _views(person: Person) -> list[dict[str, Any]]:
    reply = person.api().get("/views")
    assert reply.status_code == 200, reply.text
    return list(reply.json())


def test_a_new_agent_starts_with_the_shared_default_views(live: Live) -> None:
    names = [v["name"] for v in _views(live.person("agent"))]
    assert names[:4] == ["mine", "unassigned urgent", "waiting > 3 days", "security"]
    assert all(v["shared"] and not v["mine"] for v in _views(live.person("agent"))[:4])


def test_an_agents_own_view_is_theirs_alone_and_lists_what_it_says(live: Live) -> None:
    kim, sam, customer = live.person("agent"), live.person("agent"), live.person("customer")
    urgent = file_number(customer, "Everything is down", priority="urgent")
    low = file_number(customer, "A typo on the invoice", priority="low")
    made = kim.api().post(
        "/views",
        json={"name": "Urgent new", "filters": {"priority": "urgent,high", "status": "new"}},
    )
    assert made.status_code == 201, made.text
    view = made.json()
    assert view["mine"] and not view["shared"] and view["sort"] == "urgency"
    assert view["id"] in [v["id"] for v in _views(kim)]  # from any machine: it is on the server
    assert view["id"] not in [v["id"] for v in _views(sam)]
    assert sam.api().patch(f"/views/{view['id']}", json={"name": "Mine now"}).status_code == 404
    assert sam.api().delete(f"/views/{view['id']}").status_code == 404

    listed = kim.api().get("/tickets", params={**view["filters"], "sort": view["sort"]}).json()
    numbers = [t["number"] for t in listed["items"]]
    assert urgent in numbers and low not in numbers

    renamed = kim.api().patch(f"/views/{view['id']}", json={"name": "Fires", "sort": "-updated"})
    assert renamed.json()["name"] == "Fires" and renamed.json()["sort"] == "-updated"
    assert kim.api().delete(f"/views/{view['id']}").status_code == 204
    assert view["id"] not in [v["id"] for v in _views(kim)]


def test_only_an_admin_shares_or_changes_a_shared_view(live: Live, admin: Person) -> None:
    agent = live.person("agent")
    assert agent.api().post("/views", json={"name": "All", "shared": True}).status_code == 403
    shared = _views(agent)[0]
    assert agent.api().patch(f"/views/{shared['id']}", json={"name": "x"}).status_code == 403
    assert agent.api().delete(f"/views/{shared['id']}").status_code == 403
    made = admin.api().post(
        "/views", json={"name": "Outage", "filters": {"category": "hardware"}, "shared": True}
    )
    assert made.status_code == 201, made.text
    assert made.json()["id"] in [v["id"] for v in _views(agent)]


@pytest.mark.parametrize(
    "body",
    [
        {"name": "x", "filters": {"status": "bogus"}},
        {"name": "x", "filters": {"password_hash": "1"}},
        {"name": "x", "filters": {"idle": "forever"}},
        {"name": "x", "sort": "password"},
        {"name": "two\nlines"},
        {"name": ""},
        {"name": "x", "filters": {"status": ["new"]}},
    ],
)
def test_a_view_with_bad_filters_is_refused_and_nothing_is_stored(
    live: Live, body: dict[str, Any]
) -> None:
    agent = live.person("agent")
    before = _views(agent)
    assert agent.api().post("/views", json=body).status_code == 422
    assert _views(agent) == before


def test_a_bulk_change_applies_each_ticket_as_of_its_version_and_names_refusals(
    live: Live,
) -> None:
    agent, other, customer = live.person("agent"), live.person("agent"), live.person("customer")
    numbers = [file_number(customer, f"Outage report {i}") for i in range(4)]
    moved = numbers[2]  # a colleague changes it while the agent selects
    other.api().patch(
        f"/tickets/{moved}", json={"priority": "low"}, headers={"If-Match": '"1"'}
    ).raise_for_status()
    body = {
        "tickets": [{"number": n, "version": 1} for n in [*numbers, 2**31 - 1]],
        "changes": {"assignee": agent.id, "status": "open", "priority": "urgent"},
    }
    reply = agent.api().post("/tickets/bulk", json=body)
    assert reply.status_code == 200, reply.text
    result = reply.json()
    assert sorted(t["number"] for t in result["changed"]) == sorted(set(numbers) - {moved})
    assert all(t["assignee"]["id"] == agent.id for t in result["changed"])
    refused = {r["number"]: r["status"] for r in result["refused"]}
    assert refused == {moved: 412, 2**31 - 1: 404}
    still = agent.api().get(f"/tickets/{moved}").json()
    assert still["priority"] == "low" and still["assignee"] is None  # left as the colleague left it
    history = agent.api().get(f"/tickets/{numbers[0]}/events").json()
    assert [e["kind"] for e in history] == ["created", "updated", "status", "assigned"]


def test_a_bulk_change_is_staff_only_and_checks_what_it_sets(live: Live) -> None:
    agent, customer = live.person("agent"), live.person("customer")
    number = file_number(customer, "Mine")
    one = {"tickets": [{"number": number, "version": 1}], "changes": {"priority": "high"}}
    assert customer.api().post("/tickets/bulk", json=one).status_code == 403
    to_customer = {**one, "changes": {"assignee": customer.id}}
    reply = agent.api().post("/tickets/bulk", json=to_customer).json()
    assert reply["changed"] == [] and reply["refused"][0]["status"] == 422
    bad_bodies: list[dict[str, Any]] = [
        {"tickets": [], "changes": {}},
        {**one, "changes": {"subject": "renamed"}},
        {"tickets": [{"number": number, "version": 1}] * 201, "changes": {}},
    ]
    for bad in bad_bodies:
        assert agent.api().post("/tickets/bulk", json=bad).status_code == 422
    assert agent.api().get(f"/tickets/{number}").json()["version"] == 1
