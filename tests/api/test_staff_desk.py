"""The staff desk's lists: no system account offered as a person, deleted tickets out of the
work but findable, every filter a comma list, and a sort by any column that pages right."""

from __future__ import annotations

from typing import Any

import pytest

from server.helpdesk.sla_watch import clock_user
from server.storage.db import db
from tests.support.live import Live, Person
from tests.support.tickets import file_number


@pytest.fixture(scope="module")
def admin(live: Live) -> Person:
    return live.person("admin")


def _clock_id() -> int:
    """The SLA clock's account, made the way the breach watcher makes it."""
    with db.connection_context(), db.atomic():
        return int(clock_user().id)


def test_the_sla_clock_is_never_offered_as_a_person(live: Live, admin: Person) -> None:
    agent, customer = live.person("agent"), live.person("customer")
    clock = _clock_id()
    for role in (None, "staff", "agent"):
        params = {"role": role} if role else {}
        listed = admin.api().get("/users", params={**params, "limit": 500}).json()
        assert clock not in [u["id"] for u in listed], role
        assert agent.id in [u["id"] for u in listed] or role is None
    assert admin.api().get(f"/users/{clock}").status_code == 404
    renamed = admin.api().patch(f"/users/{clock}", json={"name": "Mallory"})
    assert renamed.status_code == 404
    assert admin.api().post(f"/users/{clock}/revoke-tokens").status_code == 404
    number = file_number(customer)
    assign = agent.api().patch(
        f"/tickets/{number}", json={"assignee": clock}, headers={"If-Match": '"1"'}
    )
    assert assign.status_code == 422, assign.text
    assert agent.api().get(f"/tickets/{number}").json()["assignee"] is None


def _numbers(person: Person, **params: Any) -> list[int]:
    page = person.api().get("/tickets", params={"limit": 100, **params})
    assert page.status_code == 200, page.text
    return [t["number"] for t in page.json()["items"]]


def test_a_ticket_its_customer_deleted_leaves_the_queue_and_the_counts(live: Live) -> None:
    agent, customer = live.person("agent"), live.person("customer")
    org = customer.api().get("/me").json()["organization"]["id"]
    kept = file_number(customer, "Mail bounces")
    gone = file_number(customer, "Never mind, found it")
    before = agent.api().get("/stats", params={"organization": org}).json()
    assert customer.api().delete(f"/tickets/{gone}").status_code == 204

    assert gone not in _numbers(agent, status="new,open,waiting")
    assert kept in _numbers(agent, status="new,open,waiting")
    assert _numbers(agent, deleted="true", organization=str(org)) == [gone]
    assert gone in _numbers(agent, deleted="any", organization=str(org))
    shown = agent.api().get(f"/tickets/{gone}").json()
    assert shown["deleted_at"] is not None  # staff still read it, and see that it was deleted
    kinds = [e["kind"] for e in agent.api().get(f"/tickets/{gone}/events").json()]
    assert kinds == ["created", "deleted"]

    after = agent.api().get("/stats", params={"organization": org}).json()
    assert after["now"]["open"] == before["now"]["open"] - 1
    assert after["deleted"] == before["deleted"] + 1  # the work happened: counted as deleted
    assert customer.api().get(f"/tickets/{gone}").status_code == 404


def test_every_filter_takes_a_comma_list(live: Live) -> None:
    agent, other = live.person("agent"), live.person("agent")
    one, two = live.person("customer"), live.person("customer")
    first, second = file_number(one, "From one"), file_number(two, "From two")
    third = file_number(one, "Assigned elsewhere")
    agent.api().patch(
        f"/tickets/{third}", json={"assignee": other.id}, headers={"If-Match": '"1"'}
    ).raise_for_status()
    orgs = [p.api().get("/me").json()["organization"]["id"] for p in (one, two)]
    both = _numbers(agent, organization=f"{orgs[0]},{orgs[1]}", sort="number")
    assert both == [first, second, third]
    assert _numbers(agent, requester=f"{one.id}, {two.id}", sort="number") == both
    assert _numbers(agent, organization=str(orgs[0]), assignee=f"none,{other.id}") == [
        third,
        first,
    ]
    for wrong in ({"assignee": "me,nobody"}, {"requester": "none"}, {"organization": "1,x"}):
        assert agent.api().get("/tickets", params=wrong).status_code == 422, wrong


@pytest.mark.parametrize(
    "column", ["subject", "status", "category", "priority", "assignee", "due", "created"]
)
def test_any_column_sorts_both_ways_and_pages_without_gaps(live: Live, column: str) -> None:
    agent, customer = live.person("agent"), live.person("customer")
    org = str(customer.api().get("/me").json()["organization"]["id"])
    subjects = ["delta", "Alpha", "charlie", "bravo", "echo", "alpha"]
    for i, subject in enumerate(subjects):
        number = file_number(
            customer,
            subject,
            priority=("low", "urgent", "normal")[i % 3],
            category=("usage", "hardware", "security")[i % 3],
        )
        if i % 2:
            agent.api().patch(
                f"/tickets/{number}",
                json={"status": "waiting", "assignee": agent.id},
                headers={"If-Match": '"1"'},
            ).raise_for_status()
    for sort in (column, f"-{column}"):
        whole = agent.api().get("/tickets", params={"organization": org, "sort": sort}).json()
        paged: list[dict[str, Any]] = []
        cursor = None
        while True:
            params: dict[str, str | int] = {"organization": org, "sort": sort, "limit": 2}
            if cursor:
                params["cursor"] = cursor
            page = agent.api().get("/tickets", params=params)
            assert page.status_code == 200, page.text
            paged += page.json()["items"]
            cursor = page.json()["next_cursor"]
            if not cursor:
                break
        assert [t["number"] for t in paged] == [t["number"] for t in whole["items"]]
        assert len(paged) == len(subjects)
        if column == "subject":
            shown = [t["subject"].lower() for t in paged]
            assert shown == sorted(shown, reverse=sort.startswith("-"))
        if column == "status":
            order = {"new": 0, "waiting": 2}
            ranks = [order[t["status"]] for t in paged]
            assert ranks == sorted(ranks, reverse=sort.startswith("-"))
    assert agent.api().get("/tickets", params={"sort": "password"}).status_code == 422
