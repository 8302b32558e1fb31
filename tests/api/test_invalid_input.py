"""Bad input gets a clear 4xx error in the usual shape and writes nothing."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.tickets_support import counts, stored
from tests.support.live import Live
from tests.support.tickets import file_ticket

GOOD = {"subject": "Site slow", "body": "Since noon."}
BAD_CREATES: list[tuple[str, dict[str, Any]]] = [
    ("empty subject", dict(GOOD, subject="")),
    ("blank subject", dict(GOOD, subject="   ")),
    ("null subject", dict(GOOD, subject=None)),
    ("subject of 201 characters", dict(GOOD, subject="x" * 201)),
    ("body over 64 KiB", dict(GOOD, body="x" * (64 * 1024 + 1))),
    ("empty body", dict(GOOD, body="")),
    ("no body", {"subject": "only"}),
    ("unknown priority", dict(GOOD, priority="asap")),
    ("unknown category", dict(GOOD, category="billing")),
    ("subject not a string", dict(GOOD, subject=["a"])),
    ("service not a number", dict(GOOD, service="one")),
    ("service out of range", dict(GOOD, service=2**40)),
    ("an assignee", dict(GOOD, assignee=1)),
    ("a requester that is no id", dict(GOOD, requester=[1])),
    ("an organization", dict(GOOD, organization=1)),
    ("a version", dict(GOOD, version=9)),
    ("a timestamp", dict(GOOD, created_at="2020-01-01T00:00:00Z")),
    ("a status", dict(GOOD, status="closed")),
]
BAD_PATCHES: list[tuple[str, dict[str, Any]]] = [
    ("empty subject", {"subject": ""}),
    ("null subject", {"subject": None}),
    ("null priority", {"priority": None}),
    ("subject of 201 characters", {"subject": "x" * 201}),
    ("unknown status", {"status": "done"}),
    ("an assignee", {"assignee": 1}),
    ("a requester", {"requester": 1}),
    ("an organization", {"organization": 2}),
    ("a version", {"version": 5}),
    ("a timestamp", {"created_at": "2020-01-01T00:00:00Z"}),
    ("a deletion time", {"deleted_at": None}),
    ("status resolved", {"status": "resolved"}),
    ("status waiting", {"status": "waiting"}),
    ("reopening an open ticket", {"status": "open"}),
]


@pytest.fixture(scope="module")
def customer_and_ticket(live: Live) -> tuple[Any, int]:
    person = live.person("customer")
    return person, file_ticket(person.api())["number"]


def _is_refused(reply: Any, statuses: tuple[int, ...] = (422,)) -> None:
    assert reply.status_code in statuses, reply.text
    error = reply.json()["error"]
    assert set(error) >= {"code", "message"} and error["message"]
    assert "Traceback" not in reply.text and ".py" not in reply.text


@pytest.mark.parametrize("body", [b for _, b in BAD_CREATES], ids=[n for n, _ in BAD_CREATES])
def test_a_bad_create_is_refused_and_files_nothing(
    live: Live, customer_and_ticket: tuple[Any, int], body: dict[str, Any]
) -> None:
    person, _ = customer_and_ticket
    before = counts()
    _is_refused(person.api().post("/tickets", json=body))
    assert counts() == before


@pytest.mark.parametrize("body", [b for _, b in BAD_PATCHES], ids=[n for n, _ in BAD_PATCHES])
def test_a_bad_customer_edit_is_refused_and_changes_nothing(
    live: Live, customer_and_ticket: tuple[Any, int], body: dict[str, Any]
) -> None:
    person, number = customer_and_ticket
    before, row = counts(), stored(number)
    _is_refused(person.api().patch(f"/tickets/{number}", json=body, headers={"If-Match": '"1"'}))
    assert (counts(), stored(number)) == (before, row)


def test_malformed_requests_change_nothing(
    live: Live, customer_and_ticket: tuple[Any, int]
) -> None:
    person, number = customer_and_ticket
    api = person.api()
    before, row = counts(), stored(number)
    _is_refused(
        api.patch(f"/tickets/{number}", json={"subject": "x"}, headers={"If-Match": "banana"}),
        (400,),
    )
    _is_refused(
        api.post("/tickets", content=b"{not json", headers={"Content-Type": "application/json"})
    )
    _is_refused(api.post("/tickets", json=["a", "list"]))
    _is_refused(api.post(f"/tickets/{number}/messages", json={"body": ""}))
    _is_refused(api.post(f"/tickets/{number}/messages", json={"body": "x", "internal": True}))
    _is_refused(api.post("/tickets", content=b"x" * (300 * 1024)), (413,))
    _is_refused(api.get("/tickets", params={"cursor": "!!!not-base64"}), (400, 422))
    _is_refused(
        api.get("/tickets", params={"cursor": "WyJudW1iZXIiLDFd", "sort": "-number"}), (400, 422)
    )
    _is_refused(api.get("/tickets/0"))
    _is_refused(api.get("/tickets/abc"))
    assert (counts(), stored(number)) == (before, row)
