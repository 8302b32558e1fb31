"""A customer who files, replies or changes priorities in a flood is stopped with a 429.

Each limit counts per user and per organization; a refused write stores nothing
(no ticket, message, event, mail) and says when to try again; other
organizations and staff carry on. The count lives in the database, so two
server processes on one database share it.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from server.helpdesk.limits import Limit, WriteLimits
from tests.api.tickets_support import counts
from tests.faults.seed import customer_token
from tests.support.live import Live, own_server
from tests.support.process import ServerProcess

LIMITS = WriteLimits(
    creates_per_user=Limit(3, 600),
    creates_per_org=Limit(5, 600),
    replies_per_user=Limit(2, 600),
    replies_per_org=Limit(10, 600),
    changes_per_user=Limit(2, 600),
    changes_per_org=Limit(10, 600),
)
TICKET = {"subject": "Site down", "body": "again", "priority": "urgent"}


@pytest.fixture(scope="module")
def limited(database_url: str) -> Iterator[Live]:
    with own_server(database_url, write_limits=LIMITS) as world:
        yield world


def _refused(reply: httpx.Response) -> int:
    """The Retry-After of a 429 (checked to be a sensible number of seconds)."""
    assert reply.status_code == 429, reply.text
    assert reply.json()["error"]["code"] == "too_many_requests"
    wait = int(reply.headers["Retry-After"])
    assert 1 <= wait <= 600
    return wait


def test_a_customer_filing_past_the_limit_is_refused_and_nothing_is_stored(limited: Live) -> None:
    flooder = limited.person("customer").api()
    filed = [flooder.post("/tickets", json=TICKET) for _ in range(3)]
    assert [r.status_code for r in filed] == [201, 201, 201]
    before = counts()
    for _ in range(5):
        _refused(flooder.post("/tickets", json=TICKET))
    assert counts() == before
    assert "your account" in flooder.post("/tickets", json=TICKET).json()["error"]["message"]
    bystander = limited.person("customer").api()  # another organization
    assert bystander.post("/tickets", json=TICKET).status_code == 201


def test_the_organization_limit_counts_all_its_customers(limited: Live) -> None:
    org = limited.organization()
    ann, ben = (limited.person("customer", org=org).api() for _ in range(2))
    assert [ann.post("/tickets", json=TICKET).status_code for _ in range(3)] == [201] * 3
    assert [ben.post("/tickets", json=TICKET).status_code for _ in range(2)] == [201] * 2
    refused = ben.post("/tickets", json=TICKET)  # ben has filed 2 of his 3, the org 5 of 5
    _refused(refused)
    assert "your organization" in refused.json()["error"]["message"]


def test_replies_past_the_limit_are_refused_and_not_stored(limited: Live) -> None:
    api = limited.person("customer").api()
    number = api.post("/tickets", json=TICKET).json()["number"]
    path = f"/tickets/{number}/messages"
    assert [api.post(path, json={"body": f"r{i}"}).status_code for i in range(2)] == [201] * 2
    before = counts()
    _refused(api.post(path, json={"body": "one more"}))
    assert counts() == before
    assert [m["body"] for m in api.get(path).json()] == ["r0", "r1"]


def test_priority_changes_past_the_limit_are_refused_and_change_nothing(limited: Live) -> None:
    api = limited.person("customer").api()
    ticket = api.post("/tickets", json=TICKET).json()
    number, version = ticket["number"], ticket["version"]
    for priority in ("low", "urgent"):
        changed = api.patch(
            f"/tickets/{number}", json={"priority": priority}, headers={"If-Match": f'"{version}"'}
        )
        assert changed.status_code == 200, changed.text
        version = changed.json()["version"]
    before = counts()
    refused = api.patch(
        f"/tickets/{number}", json={"priority": "low"}, headers={"If-Match": f'"{version}"'}
    )
    _refused(refused)
    assert counts() == before
    assert api.get(f"/tickets/{number}").json()["priority"] == "urgent"


def test_staff_are_not_limited(limited: Live) -> None:
    customer = limited.person("customer").api()
    number = customer.post("/tickets", json=TICKET).json()["number"]
    agent = limited.person("agent").api()
    path = f"/tickets/{number}/messages"
    assert [agent.post(path, json={"body": f"a{i}"}).status_code for i in range(5)] == [201] * 5


def test_two_server_processes_share_one_count(database_url: str, tmp_path: Path) -> None:
    env = {"PADCOM_RATE_CREATES_PER_USER": "4/10m"}
    servers = [
        ServerProcess(database_url, tmp_path, tmp_path / f"server{n}.log", env=env).start()
        for n in range(2)
    ]
    try:
        token = customer_token(database_url)
        auth = {"Authorization": f"Bearer {token}"}
        statuses = []
        for attempt in range(8):  # alternate between the two processes
            url = servers[attempt % 2].url
            reply = httpx.post(f"{url}/api/v1/tickets", json=TICKET, headers=auth, timeout=30)
            statuses.append(reply.status_code)
            if reply.status_code == 429:
                _refused(reply)
    finally:
        for server in servers:
            server.stop()
    assert statuses == [201] * 4 + [429] * 4
