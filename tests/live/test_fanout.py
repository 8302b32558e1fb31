"""Two real ``padcom-server serve`` processes on one PostgreSQL database wake each other.

A change committed through one process reaches a stream held by the other,
carried by LISTEN/NOTIFY (the hub has no polling to fall back on).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from server.storage.db import bind, db
from server.storage.migrations import migrate
from tests.live.mailbox import free_port
from tests.live.sse import StreamReader
from tests.support import live as support
from tests.support.databases import postgres_database, postgres_problem
from tests.support.live import Live

pytestmark = pytest.mark.postgres
PADCOM_SERVER = str(Path(sys.executable).parent / "padcom-server")


class ServerProcess:
    """``padcom-server serve`` on a free loopback port, as an operator would run it."""

    def __init__(self, database_url: str, data_dir: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = dict(os.environ, PADCOM_DATABASE_URL=database_url, PADCOM_DATA_DIR=str(data_dir))
        self.process = subprocess.Popen(
            [PADCOM_SERVER, "serve", "--port", str(self.port)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )

    def wait_ready(self, timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited: {self.process.stderr.read().decode()[-2000:]}")  # type: ignore[union-attr]
            try:
                if httpx.get(f"{self.url}/api/v1/me", timeout=1).status_code == 401:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        raise RuntimeError("server did not start")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(5)


@pytest.fixture(scope="module")
def two_servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Live, Live]]:
    problem = postgres_problem()
    if problem:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(problem)
        pytest.skip(problem)
    with postgres_database() as url:
        settings = support.test_settings(url)
        bind(url)
        migrate()
        servers = [ServerProcess(url, tmp_path_factory.mktemp("data")) for _ in range(2)]
        try:
            for server in servers:
                server.wait_ready()
            worlds = (Live(settings, server), Live(settings, server))  # type: ignore[arg-type]
            yield worlds
            for world in worlds:
                world.close()
        finally:
            for server in servers:
                server.stop()
            db.close_all()


def test_a_ticket_filed_through_one_process_reaches_a_stream_on_the_other(
    two_servers: tuple[Live, Live],
) -> None:
    first, second = two_servers
    agent = second.person("agent")
    customer = first.person("customer")
    stream = StreamReader(second.url, agent.token)
    try:
        for subject in ("Power supply failed in rack 4", "And the second PSU too"):
            created = customer.api().post("/tickets", json={"subject": subject, "body": "-"})
            assert created.status_code == 201
            event = stream.next()
            assert (event["kind"], event["ticket"]) == ("created", created.json()["number"])
            assert event["changes"]["subject"] == subject
    finally:
        stream.close()


def test_a_reply_through_the_second_process_reaches_the_first(
    two_servers: tuple[Live, Live],
) -> None:
    first, second = two_servers
    customer = first.person("customer")
    agent = second.person("agent")
    number = (
        customer.api().post("/tickets", json={"subject": "Slow disk", "body": "-"}).json()["number"]
    )
    stream = StreamReader(first.url, customer.token)
    try:
        reply = agent.api().post(f"/tickets/{number}/messages", json={"body": "Replaced it."})
        event = stream.next()
        assert (event["kind"], event["changes"]["message"]) == ("replied", reply.json()["id"])
    finally:
        stream.close()
