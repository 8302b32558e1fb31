"""Who may do what, endpoint by endpoint: customers of two organizations, an agent, an admin.

Another organization's ticket is a 404 exactly like a number that does not
exist, so ticket numbers leak nothing; staff-only endpoints refuse customers
with 403 and admin-only ones refuse agents with 403.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from tests.api.tickets_support import counts
from tests.support.live import Live, Person
from tests.support.tickets import file_ticket

ACTORS = ("customer_a", "customer_a2", "customer_b", "agent", "admin")


@dataclass
class World:
    people: dict[str, Person]
    ticket: int  # filed by customer_a
    other_org: int  # customer_b's organization
    b_user: int


@pytest.fixture(scope="module")
def world(live: Live) -> World:
    org_a = live.organization()
    people = {
        "customer_a": live.person("customer", org=org_a),
        "customer_a2": live.person("customer", org=org_a),
        "customer_b": live.person("customer"),
        "agent": live.person("agent"),
        "admin": live.person("admin"),
    }
    ticket = file_ticket(people["customer_a"].api(), "A's secret")["number"]
    b = people["customer_b"]
    assert b.user.organization_id is not None, "a customer belongs to an organization"
    return World(people, ticket, b.user.organization_id, b.id)


# every route about one ticket, with a body it would accept from A; {t} is A's ticket
TICKET_ROUTES: list[tuple[str, str, dict[str, Any] | None]] = [
    ("GET", "/tickets/{t}", None),
    ("PATCH", "/tickets/{t}", {"priority": "high"}),
    ("GET", "/tickets/{t}/messages", None),
    ("POST", "/tickets/{t}/messages", {"body": "hello"}),
    ("GET", "/tickets/{t}/events", None),
    ("DELETE", "/tickets/{t}", None),
]


@pytest.mark.parametrize(
    ("method", "path", "body"), TICKET_ROUTES, ids=[f"{m} {p}" for m, p, _ in TICKET_ROUTES]
)
def test_another_organizations_ticket_is_not_found(
    live: Live, world: World, method: str, path: str, body: Any
) -> None:
    api = world.people["customer_b"].api()
    before = counts()
    reply = api.request(method, path.format(t=world.ticket), json=body, headers={"If-Match": '"1"'})
    missing = api.request(method, path.format(t=2**31 - 1), json=body, headers={"If-Match": '"1"'})
    assert reply.status_code == missing.status_code == 404
    error, other = reply.json()["error"], missing.json()["error"]
    assert error["code"] == other["code"] == "not_found"
    assert error["message"].replace(str(world.ticket), "N") == other["message"].replace(
        str(2**31 - 1), "N"
    )
    assert counts() == before


def test_colleagues_and_staff_work_on_the_ticket(live: Live, world: World) -> None:
    for actor in ("customer_a", "customer_a2", "agent", "admin"):
        api = world.people[actor].api()
        number = world.ticket
        shown = api.get(f"/tickets/{number}")
        assert shown.status_code == 200, actor
        version = shown.json()["version"]
        patched = api.patch(
            f"/tickets/{number}",
            json={"subject": f"by {actor}"},
            headers={"If-Match": f'"{version}"'},
        )
        assert patched.status_code == 200, (actor, patched.text)
        assert api.post(f"/tickets/{number}/messages", json={"body": "hi"}).status_code == 201
        assert api.get(f"/tickets/{number}/messages").status_code == 200
        assert api.get(f"/tickets/{number}/events").status_code == 200


def test_lists_show_each_customer_only_their_organization(live: Live, world: World) -> None:
    for actor in ACTORS:
        api = world.people[actor].api()
        tickets = api.get("/tickets", params={"limit": 100}).json()["items"]
        events = api.get("/events", params={"limit": 500}).json()["items"]
        sees = world.ticket in {t["number"] for t in tickets}
        sees_events = world.ticket in {e["ticket"] for e in events}
        assert sees == sees_events == (actor != "customer_b"), actor


def test_only_customers_file_tickets(live: Live, world: World) -> None:
    for actor in ACTORS:
        reply = world.people[actor].api().post("/tickets", json={"subject": "s", "body": "b"})
        assert reply.status_code == (201 if actor.startswith("customer") else 403), actor


STAFF_READS = [
    "/users",
    "/users/{me}",
    "/organizations",
    "/organizations/{org}/services",
    "/tokens",
]


@pytest.mark.parametrize("path", STAFF_READS)
def test_staff_pages_refuse_customers(live: Live, world: World, path: str) -> None:
    for actor in ACTORS:
        person = world.people[actor]
        reply = person.api().get(path.format(me=person.id, org=world.other_org))
        expected = 403 if actor.startswith("customer") else 200
        assert reply.status_code == expected, (actor, reply.text)
        if expected == 403:
            assert reply.json()["error"]["code"] == "forbidden"


def _admin_writes(world: World, n: int) -> list[tuple[str, str, dict[str, Any] | None, int]]:
    """(method, path, body, status for an admin): each actor's attempt uses fresh names."""
    return [
        ("POST", "/organizations", {"name": f"New Org {n}", "customer_number": f"N{n}"}, 201),
        (
            "POST",
            f"/organizations/{world.other_org}/services",
            {"kind": "vps", "label": f"vps{n}.example"},
            201,
        ),
        (
            "POST",
            "/users",
            {
                "email": f"new{n}@example.com",
                "name": "New",
                "role": "agent",
                "password": "copper kettle on the stove",
            },
            201,
        ),
        ("PATCH", f"/users/{world.b_user}", {"name": f"Renamed {n}"}, 200),
        ("POST", f"/users/{world.people['agent'].id}/revoke-tokens", None, 204),
    ]


def test_administration_is_for_admins_only(live: Live, world: World) -> None:
    for n, actor in enumerate(ACTORS):  # the admin goes last: revoking tokens signs the agent out
        api = world.people[actor].api()
        for method, path, body, admin_status in _admin_writes(world, n):
            reply = api.request(method, path, json=body)
            expected = admin_status if actor == "admin" else 403
            assert reply.status_code == expected, (actor, method, path, reply.text)
    assert world.people["agent"].api().get("/me").status_code == 401
