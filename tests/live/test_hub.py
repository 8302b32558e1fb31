"""The hub on its own, over the module's real database: batching, and letting go of a slow stream."""

from __future__ import annotations

import asyncio

from server.helpdesk.tokens import hash_secret
from server.live.hub import Hub
from server.live.reader import latest_event_id
from server.storage.db import db
from server.storage.models import Token
from tests.support.live import Live, Person
from tests.support.tickets import file_number


def _token_id(person: Person) -> int:
    with db.connection_context():
        return int(Token.get(Token.token_hash == hash_secret(person.token)).id)


async def test_a_stream_that_falls_behind_is_let_go_while_the_others_go_on(live: Live) -> None:
    agent = live.person("agent")
    customer = live.person("customer")
    hub = Hub(asyncio.get_running_loop(), await asyncio.to_thread(latest_event_id), queue_size=2)
    slow = hub.subscribe(agent.user, hub.latest, token_id=_token_id(agent))
    brisk = hub.subscribe(agent.user, hub.latest, token_id=_token_id(agent))

    for subject in ("one", "two", "three"):
        number = await asyncio.to_thread(file_number, customer, subject)
        hub.notify([])
        batch = await asyncio.wait_for(brisk.queue.get(), 10)
        assert batch is not None, "the brisk stream was let go"
        (event_id, frame), *_ = batch
        assert f'"ticket":{number}'.encode() in frame and f"id: {event_id}".encode() in frame

    assert slow.closed and hub.subscribers == 1
    assert slow.queue.get_nowait() is None  # its stream ends; the client resumes from the log
    assert slow.queue.empty()


async def test_a_customer_subscriber_gets_only_their_organization(live: Live) -> None:
    customer = live.person("customer")
    stranger = live.person("customer")
    hub = Hub(asyncio.get_running_loop(), await asyncio.to_thread(latest_event_id))
    mine = hub.subscribe(customer.user, hub.latest, token_id=_token_id(customer))

    await asyncio.to_thread(file_number, stranger, "not yours")
    own = await asyncio.to_thread(file_number, customer, "yours")
    hub.notify([])
    batch = await asyncio.wait_for(mine.queue.get(), 10)
    assert batch is not None, "the stream was let go"
    assert [f'"ticket":{own}'.encode() in frame for _, frame in batch] == [True]


async def test_a_stream_opened_while_the_server_shuts_down_is_let_go_at_once(live: Live) -> None:
    agent = live.person("agent")
    hub = Hub(asyncio.get_running_loop(), await asyncio.to_thread(latest_event_id))
    early = hub.subscribe(agent.user, hub.latest, token_id=_token_id(agent))

    hub.close()  # SIGTERM: every stream says goodbye, including one that opens just now
    late = hub.subscribe(agent.user, hub.latest, token_id=_token_id(agent))

    for subscriber in (early, late):
        assert subscriber.closed
        assert await asyncio.wait_for(subscriber.queue.get(), 10) is None
    assert hub.subscribers == 0
