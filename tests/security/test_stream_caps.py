"""One customer cannot take everyone's live updates: streams are capped per account and
per address, over every server process, and the cap refuses with 429 and Retry-After."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from server.live.settings import StreamLimits
from tests.faults.seed import customer_token
from tests.live.sse import StreamReader
from tests.live.two_servers import two_servers
from tests.support.live import Live, Person, own_server

PER_USER = 2
PER_ADDRESS = 4
ELSEWHERE = "127.0.0.2"
"""Another loopback address: a client on another machine, as far as the server can tell."""


@pytest.fixture(scope="module")
def capped(database_url: str) -> Iterator[Live]:
    limits = StreamLimits(per_user=PER_USER, per_address=PER_ADDRESS)
    with own_server(database_url, streams=limits) as world:
        yield world


@pytest.fixture
def streams() -> Iterator[list[StreamReader]]:
    opened: list[StreamReader] = []
    yield opened
    for stream in opened:
        stream.close()


def _refusal(url: str, token: str, local_address: str | None = None) -> httpx.Response:
    """A stream request that is expected to be refused at once (so read whole)."""
    transport = httpx.HTTPTransport(local_address=local_address)
    with httpx.Client(base_url=url, transport=transport, timeout=10) as client:
        return client.get("/api/v1/events/stream", headers={"Authorization": f"Bearer {token}"})


def _assert_capped(reply: httpx.Response) -> None:
    assert reply.status_code == 429, reply.text
    assert int(reply.headers["Retry-After"]) > 0
    error = reply.json()["error"]
    assert error["code"] == "too_many_requests"
    assert "streams" in error["message"]


def test_a_customer_past_the_cap_is_refused_and_staff_still_hear_everything(
    capped: Live, streams: list[StreamReader]
) -> None:
    hoarder = capped.person("customer")
    agent = capped.person("agent")
    for _ in range(PER_USER):
        streams.append(StreamReader(capped.url, hoarder.token))
        assert streams[-1].status == 200
    _assert_capped(_refusal(capped.url, hoarder.token))

    watching = StreamReader(capped.url, agent.token)
    streams.append(watching)
    assert watching.status == 200
    number = hoarder.api().post("/tickets", json={"subject": "Down", "body": "-"}).json()["number"]
    assert watching.next()["ticket"] == number


def test_a_closed_stream_frees_its_place(capped: Live, streams: list[StreamReader]) -> None:
    customer = capped.person("customer")
    first = StreamReader(capped.url, customer.token)
    streams += [first, StreamReader(capped.url, customer.token)]
    first.close()
    for _ in range(100):  # bounded: the place is given back within moments
        again = StreamReader(capped.url, customer.token)
        streams.append(again)
        if again.status == 200:
            break
        threading.Event().wait(0.1)
    assert streams[-1].status == 200


def test_one_address_is_capped_whoever_signs_in_from_it(
    capped: Live, streams: list[StreamReader]
) -> None:
    people: list[Person] = [capped.person("customer") for _ in range(PER_ADDRESS + 1)]
    for person in people[:PER_ADDRESS]:
        streams.append(StreamReader(capped.url, person.token, local_address=ELSEWHERE))
        assert streams[-1].status == 200
    _assert_capped(_refusal(capped.url, people[-1].token, local_address=ELSEWHERE))
    # the same account from another address is welcome
    streams.append(StreamReader(capped.url, people[-1].token))
    assert streams[-1].status == 200


def test_the_cap_counts_streams_on_every_server_process(
    database_url: str, tmp_path: Path, streams: list[StreamReader]
) -> None:
    env = {"PADCOM_STREAMS_PER_USER": str(PER_USER)}
    with two_servers(database_url, tmp_path, env) as (a, b):
        token = customer_token(database_url)
        streams.append(StreamReader(a.url, token))
        streams.append(StreamReader(b.url, token))
        assert [s.status for s in streams] == [200, 200]
        _assert_capped(_refusal(a.url, token))
        _assert_capped(_refusal(b.url, token))
        for stream in streams:
            stream.close()
        streams.clear()
