"""The live event stream, as people holding it see it: against a real server, on both databases."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from contextlib import AsyncExitStack
from typing import Any

import httpx
from httpx_sse import EventSource, aconnect_sse

from tests.live.sse import StreamReader
from tests.support.live import Live, Person
from tests.support.tickets import file_ticket

Opener = Callable[..., StreamReader]


def _file(person: Person, subject: str = "Disk full on web01") -> dict[str, Any]:
    return file_ticket(person, subject, "Nothing can be written.", category="hardware")


def _reply(person: Person, number: int, body: str, internal: bool = False) -> dict[str, Any]:
    response = person.api().post(
        f"/tickets/{number}/messages", json={"body": body, "internal": internal}
    )
    assert response.status_code == 201, response.text
    message: dict[str, Any] = response.json()
    return message


def test_an_agent_sees_a_new_ticket_the_moment_it_is_filed(live: Live, open_stream: Opener) -> None:
    agent = live.person("agent")
    customer = live.person("customer")
    stream = open_stream(agent)
    assert stream.status == 200

    ticket = _file(customer, "Mail bounces since noon")

    event = stream.next()
    assert event["kind"] == "created"
    assert event["ticket"] == ticket["number"]
    assert event["changes"]["subject"] == "Mail bounces since noon"
    assert event["actor"]["email"] == customer.email


def test_a_reconnecting_client_resumes_without_gap_or_repeat(
    live: Live, open_stream: Opener
) -> None:
    agent = live.person("agent")
    customer = live.person("customer")
    first = open_stream(agent)
    ticket = _file(customer)
    seen = first.next()
    first.close()

    # While the agent is away: three more changes.
    for text in ("Any news?", "Still broken.", "Hello?"):
        _reply(customer, ticket["number"], text)

    resumed = open_stream(agent, last_event_id=seen["id"])
    missed = [resumed.next() for _ in range(3)]
    _reply(customer, ticket["number"], "It works again, thanks.")
    live_one = resumed.next()

    ids = [e["id"] for e in missed] + [live_one["id"]]
    assert ids == sorted(set(ids)) and ids[0] > seen["id"]
    assert [e["kind"] for e in [*missed, live_one]] == ["replied"] * 4
    listed = agent.api().get("/events", params={"after": seen["id"]}).json()["items"]
    assert [e["id"] for e in listed if e["ticket"] == ticket["number"]] == ids


def test_the_query_parameter_resumes_too(live: Live) -> None:
    agent = live.person("agent")
    customer = live.person("customer")
    ticket = _file(customer)
    created = agent.api().get(f"/tickets/{ticket['number']}/events").json()[0]
    _reply(customer, ticket["number"], "More detail: it is web01.")
    with (
        httpx.Client(base_url=live.url, timeout=10) as client,
        client.stream(
            "GET",
            "/api/v1/events/stream",
            params={"last_event_id": created["id"]},
            headers={"Authorization": f"Bearer {agent.token}"},
        ) as response,
    ):
        lines = response.iter_lines()
        first_id = next(line for line in lines if line.startswith("id:"))
    assert int(first_id.split(":", 1)[1]) > created["id"]


def test_customers_only_hear_of_their_own_organization(live: Live, open_stream: Opener) -> None:
    alice = live.person("customer")
    colleague = live.person("customer", org=live.organization())
    mallory = live.person("customer")
    alice_stream = open_stream(alice)
    mallory_stream = open_stream(mallory)

    theirs = _file(colleague, "Someone else's outage")
    ours = _file(alice, "Our own outage")
    mine = _file(mallory, "Mallory's ticket")

    assert alice_stream.next()["ticket"] == ours["number"]
    assert mallory_stream.next()["ticket"] == mine["number"]
    assert theirs["number"] not in (ours["number"], mine["number"])


def test_internal_notes_never_reach_a_customer(live: Live, open_stream: Opener) -> None:
    agent = live.person("agent")
    customer = live.person("customer")
    ticket = _file(customer)
    customer_stream = open_stream(customer)
    agent_stream = open_stream(agent)

    _reply(
        agent, ticket["number"], "Customer's disk is their own backups. Don't tell.", internal=True
    )
    answer = _reply(agent, ticket["number"], "We freed some space; please check.")

    public = customer_stream.next()
    assert (public["kind"], public["internal"]) == ("replied", False)
    assert public["changes"]["message"] == answer["id"]
    assert [agent_stream.next()["kind"], agent_stream.next()["kind"]] == ["note", "replied"]


def test_a_bad_token_is_refused_before_the_stream_starts(live: Live) -> None:
    with httpx.Client(base_url=live.url, timeout=10) as client:
        response = client.get("/api/v1/events/stream", headers={"Authorization": "Bearer nope"})
        anonymous = client.get("/api/v1/events/stream")
    assert response.status_code == 401
    assert response.headers["content-type"].startswith("application/json")
    assert response.json()["error"]["code"] == "unauthorized"
    assert anonymous.status_code == 401


def test_a_malformed_last_event_id_is_a_clear_error(live: Live) -> None:
    agent = live.person("agent")
    response = agent.api().get("/events/stream", headers={"Last-Event-ID": "yesterday"})
    assert response.status_code == 400
    assert "Last-Event-ID" in response.json()["error"]["message"]


STREAMS = 60
"""More than anyio's 40 worker threads: were a stream to hold a thread, the last ones would starve."""
AGENTS = 6
"""Ten streams each: the per-account cap (``StreamLimits.per_user``) is ten."""


async def test_sixty_open_streams_all_hear_of_one_new_ticket(live: Live) -> None:
    agents = [live.person("agent") for _ in range(AGENTS)]
    customer = live.person("customer")
    limits = httpx.Limits(max_connections=STREAMS + 5)
    async with AsyncExitStack() as stack:
        client = await stack.enter_async_context(
            httpx.AsyncClient(base_url=live.url, limits=limits, timeout=httpx.Timeout(10, read=30))
        )
        sources = await asyncio.gather(
            *(
                stack.enter_async_context(
                    aconnect_sse(
                        client,
                        "GET",
                        "/api/v1/events/stream",
                        headers={"Authorization": f"Bearer {agents[n % AGENTS].token}"},
                    )
                )
                for n in range(STREAMS)
            )
        )
        assert all(s.response.status_code == 200 for s in sources)

        ticket = await asyncio.to_thread(_file, customer, "Everything is slow")

        async def first(source: EventSource) -> dict[str, Any]:
            async for sse in source.aiter_sse():
                event: dict[str, Any] = json.loads(sse.data)
                return event
            raise AssertionError("the stream ended")

        received = await asyncio.wait_for(asyncio.gather(*(first(s) for s in sources)), 30)
    assert {(e["kind"], e["ticket"]) for e in received} == {("created", ticket["number"])}


def test_the_latest_event_is_where_a_snapshot_reader_starts_following(live: Live) -> None:
    agent, customer, other = live.person("agent"), live.person("customer"), live.person("customer")
    ticket = _file(customer)
    mine = customer.api().get("/events/latest").json()["id"]
    # a staff-only note and another organization's ticket: newer, yet not the customer's
    _reply(agent, ticket["number"], "Checking the RAID first.", internal=True)
    _file(other, "Someone else's problem")
    assert customer.api().get("/events/latest").json()["id"] == mine
    newest = agent.api().get("/events/latest").json()["id"]
    assert newest > mine
    assert agent.api().get("/events", params={"after": newest}).json()["items"] == []
    # a new customer sees nothing yet
    assert live.person("customer").api().get("/events/latest").json() == {"id": 0}
