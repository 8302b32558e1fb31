"""The client's copy of the list rules agrees with the server, filter by filter and in order.

The admin app's queue applies live events itself: for each ticket an event
brings, ``padcom_cli.client.ticket_rules`` decides whether the server would list
it under the filters shown and where ``sort=urgency`` puts it. Here a desk of
tickets in every state is listed by the server under many filters and the
answers are compared, numbers and order, with the client's rule on the same tickets.
"""

from __future__ import annotations

from typing import Any

import pytest

from padcom_cli.client.ticket_rules import matches, next_deadline, urgency_key
from tests.support.live import Live, Person

FILTERS: list[dict[str, str]] = [
    {},
    {"status": "new,open,waiting"},
    {"status": " open , waiting,"},
    {"status": "resolved"},
    {"priority": "urgent,high"},
    {"category": "security"},
    {"priority": "low", "status": "new"},
    {"assignee": "me"},
    {"assignee": "none"},
    {"assignee": "OTHER"},
    {"q": "DISK"},
    {"q": "quota"},
    {"q": "50%"},
    {"q": "a_b"},
    {"q": "disk", "status": "new,open,waiting", "assignee": "me"},
    {"assignee": "me,none"},
    {"assignee": "OTHER, me"},
    {"deleted": "true"},
    {"deleted": "any", "status": "new"},
    {"deleted": "false", "priority": "urgent,low"},
]


def _desk(live: Live) -> tuple[Person, Person]:
    """Tickets of every priority, category and status, assigned to two agents or nobody."""
    customer, me, other = live.person("customer"), live.person("agent"), live.person("agent")
    subjects = ["Disk full", "Mailbox quota", "50% packet loss", "ab testing", "a_b variant"]
    for i in range(20):
        filed = customer.api().post(
            "/tickets",
            json={
                "subject": subjects[i % len(subjects)],
                "body": "The quota is reached" if i % 3 == 0 else "help",
                "priority": ("low", "normal", "high", "urgent")[i % 4],
                "category": ("hardware", "software", "usage", "security", "other")[i % 5],
            },
        )
        assert filed.status_code == 201, filed.text
        number = filed.json()["number"]
        change: dict[str, Any] = {}
        if i % 3:
            change["assignee"] = (me.id, other.id)[i % 2]
        if i % 7 == 3:
            change["status"] = "resolved"
        elif i % 7 == 5:
            change["status"] = "waiting"
        if change:
            me.api().patch(
                f"/tickets/{number}", json=change, headers={"If-Match": '"1"'}
            ).raise_for_status()
        if i % 6 == 4:  # the customer took it back: out of the staff's lists unless asked for
            customer.api().delete(f"/tickets/{number}").raise_for_status()
    return me, other


def _listed(person: Person, **params: str) -> list[dict[str, Any]]:
    page = person.api().get("/tickets", params={**params, "sort": "urgency", "limit": 100})
    assert page.status_code == 200, page.text
    assert page.json()["next_cursor"] is None
    return list(page.json()["items"])


@pytest.fixture(scope="module")
def desk(live: Live) -> tuple[Person, Person]:
    return _desk(live)


@pytest.mark.parametrize("filters", FILTERS, ids=[repr(f) for f in FILTERS])
def test_the_client_lists_what_the_server_lists_in_its_order(
    desk: tuple[Person, Person], filters: dict[str, str]
) -> None:
    me, other = desk
    asked = {k: v.replace("OTHER", str(other.id)) for k, v in filters.items()}
    everything = _listed(me, deleted="any")
    server = [t["number"] for t in _listed(me, **asked)]
    client = [t["number"] for t in sorted(everything, key=urgency_key) if matches(asked, t, me.id)]
    if "q" in asked:  # a search answers its hits ranked; the client keeps them in its own order
        server = sorted(server, key=client.index if set(server) == set(client) else int)
    assert client == server
    assert len(everything) == 20
    assert len(_listed(me)) == 20 - 3  # three deleted by their customer


SORTS = ["status", "-status", "subject", "-subject", "priority", "-assignee", "due", "-number"]


@pytest.mark.parametrize("sort", SORTS)
def test_the_client_sorts_by_any_column_as_the_server_does(
    desk: tuple[Person, Person], sort: str
) -> None:
    from padcom_cli.client.ticket_rules import sort_key

    me, _other = desk
    page = me.api().get("/tickets", params={"sort": sort, "limit": 100}).json()
    server = [t["number"] for t in page["items"]]
    client = [t["number"] for t in sorted(page["items"], key=sort_key(sort))]
    assert client == server


def test_the_next_deadline_is_the_first_response_until_someone_answers(live: Live) -> None:
    customer, agent = live.person("customer"), live.person("agent")
    filed = customer.api().post("/tickets", json={"subject": "Site down", "body": "500s"})
    assert filed.status_code == 201, filed.text
    number = filed.json()["number"]
    waiting_for_an_answer = agent.api().get(f"/tickets/{number}").json()
    assert next_deadline(waiting_for_an_answer) == waiting_for_an_answer["first_response_due"]

    agent.api().post(f"/tickets/{number}/messages", json={"body": "Looking."}).raise_for_status()
    answered = agent.api().get(f"/tickets/{number}").json()
    assert answered["first_response_at"] is not None
    assert next_deadline(answered) == answered["resolution_due"] is not None
