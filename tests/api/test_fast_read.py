"""GET /tickets/{n} answered by the fast path (server/http/fast_read.py) is the route's answer.

A query string sends the same request through FastAPI's route (unknown parameters
are ignored there), so each case is asked both ways and must get the same status,
body and headers. Errors are always the route's: the fast path only answers success.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from fastapi import Response

from server.http import fast_read
from server.http import ticket_response as answers
from server.storage.models import User
from tests.support.live import Live
from tests.support.tickets import file_ticket

COMPARED_HEADERS = (
    "content-type",
    "etag",
    "cache-control",
    "x-content-type-options",
    "x-frame-options",
    "content-security-policy",
    "www-authenticate",
)


@pytest.fixture
def fast_answers(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """The ticket numbers the fast path answered during the test."""
    answered: list[int] = []
    original = answers.ticket_response  # what the fast path calls, under this name

    def counted(user: User, number: int) -> Response:
        response = original(user, number)
        answered.append(number)
        return response

    monkeypatch.setattr(fast_read, "ticket_response", counted)
    yield answered


def _both_ways(api: httpx.Client, number: int) -> tuple[httpx.Response, httpx.Response]:
    return api.get(f"/tickets/{number}"), api.get(f"/tickets/{number}", params={"via": "route"})


def _same(fast: httpx.Response, route: httpx.Response) -> None:
    assert fast.status_code == route.status_code
    assert fast.content == route.content
    for name in COMPARED_HEADERS:
        assert fast.headers.get(name) == route.headers.get(name), name


def test_a_ticket_reads_the_same_through_the_fast_path_and_the_route(
    live: Live, fast_answers: list[int]
) -> None:
    alice = live.person("customer")
    number = file_ticket(alice.api(), "Fast and slow")["number"]
    for api in (alice.api(), live.person("agent").api()):
        fast, route = _both_ways(api, number)
        assert fast.status_code == 200 and fast.headers["cache-control"] == "no-store"
        _same(fast, route)
    assert fast_answers == [number, number]


def test_errors_are_the_routes_own(live: Live, fast_answers: list[int]) -> None:
    alice = live.person("customer")
    number = file_ticket(alice.api(), "Not yours")["number"]
    stranger = live.person("customer").api()
    for api, wanted in ((stranger, 404), (live.anonymous(), 401)):
        fast, route = _both_ways(api, number)
        assert fast.status_code == wanted
        _same(fast, route)
    bad = httpx.Client(base_url=live.anonymous().base_url, headers={"Authorization": "Bearer x"})
    _same(*_both_ways(bad, number))
    assert fast_answers == []


def test_a_revoked_token_is_refused_on_the_next_read(live: Live) -> None:
    bob = live.person("customer")
    api = bob.api()
    number = file_ticket(api, "Then I leave")["number"]
    assert api.get(f"/tickets/{number}").status_code == 200
    assert api.post("/auth/logout").status_code == 204
    refused = api.get(f"/tickets/{number}")
    assert refused.status_code == 401
    assert refused.json()["error"]["code"] == "unauthorized"
