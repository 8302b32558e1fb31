"""A change made through one server process reaches the streams held by another.

On SQLite there is no LISTEN/NOTIFY: a create on one worker used to reach a
stream on the other only when some unrelated write happened to land there
(up to half a minute late, or never on a quiet system).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.faults.seed import customer_token
from tests.live.sse import StreamReader
from tests.live.two_servers import api, two_servers
from tests.support.process import ServerProcess
from tests.support.tickets import file_number

STREAMS_ON_TWO_WORKERS = 8
"""Streams spread over both workers by the kernel; all must hear of every ticket."""


@pytest.fixture(scope="module")
def pair(
    database_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[ServerProcess, ServerProcess]]:
    with two_servers(database_url, tmp_path_factory.mktemp("pair")) as servers:
        yield servers


def _file(server: ServerProcess, token: str, subject: str) -> int:
    with api(server, token) as client:
        return file_number(client, subject, "-")


def test_a_ticket_filed_on_one_server_reaches_a_stream_on_the_other(
    pair: tuple[ServerProcess, ServerProcess], database_url: str
) -> None:
    a, b = pair
    agent = customer_token(database_url, role="agent")
    customer = customer_token(database_url)
    stream = StreamReader(a.url, agent)
    try:
        number = _file(b, customer, "Filed on B, watched on A")
        event = stream.next(timeout=15)
        assert (event["kind"], event["ticket"]) == ("created", number)
        reply = _file(a, customer, "And the other way round")
        assert stream.next(timeout=15)["ticket"] == reply
    finally:
        stream.close()


def test_every_stream_of_two_workers_hears_of_every_ticket(
    database_url: str, tmp_path: Path
) -> None:
    server = ServerProcess(
        database_url, tmp_path, tmp_path / "server.log", extra=("--workers", "2")
    ).start()
    streams: list[StreamReader] = []
    try:
        agent = customer_token(database_url, role="agent")
        customer = customer_token(database_url)
        streams = [StreamReader(server.url, agent) for _ in range(STREAMS_ON_TWO_WORKERS)]
        filed = []
        for n in range(3):  # each POST on a new connection: it lands on either worker
            reply = httpx.post(
                f"{server.url}/api/v1/tickets",
                json={"subject": f"two workers {n}", "body": "-"},
                headers={"Authorization": f"Bearer {customer}"},
                timeout=30,
            )
            assert reply.status_code == 201, reply.text
            filed.append(reply.json()["number"])
        for stream in streams:
            assert [stream.next(timeout=15)["ticket"] for _ in filed] == filed
    finally:
        for stream in streams:
            stream.close()
        server.stop()
