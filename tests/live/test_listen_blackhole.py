"""A LISTEN connection whose path goes silent is noticed, and no event waits on it.

Server B listens through a loopback proxy that the test black-holes: bytes are
taken in, nothing comes back, and TCP stays "connected" (a route or firewall
that forgot the flow). B used to keep that connection for good, so its
streams heard of A's tickets only by chance. Now B's round trip on the LISTEN
connection goes unanswered, ``/readyz`` says so, the hub's own look at the
event log keeps delivering meanwhile, and B listens again when the path is back.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import httpx
import pytest

from tests.faults.seed import customer_token
from tests.faults.test_database_blackhole import _through
from tests.live.proxy import CuttableProxy
from tests.live.sse import StreamReader
from tests.live.two_servers import api
from tests.support.databases import PG_SERVER, postgres_database, require_postgres
from tests.support.process import ServerProcess

TICKETS = 5
SCRAPER = "blackhole-scraper-token"
MAX_WAIT_SECONDS = 60


@pytest.fixture
def postgres_url() -> Iterator[str]:
    require_postgres()
    with postgres_database() as url:
        yield url


def _listen_state(server: ServerProcess) -> str:
    return str(httpx.get(f"{server.url}/readyz", timeout=10).json()["checks"]["listen"])


def _wait_for_listen(server: ServerProcess, state: str) -> None:
    deadline = time.monotonic() + MAX_WAIT_SECONDS
    while _listen_state(server) != state:
        assert time.monotonic() < deadline, f"/readyz never said listen: {state}"
        time.sleep(0.2)


def _reconnects(server: ServerProcess) -> float:
    text = httpx.get(
        f"{server.url}/metrics", headers={"Authorization": f"Bearer {SCRAPER}"}, timeout=10
    ).text
    line = next(x for x in text.splitlines() if x.startswith("padcom_listen_reconnects_total "))
    return float(line.split()[1])


def test_a_black_holed_listen_connection_delays_no_event_and_comes_back(
    postgres_url: str, tmp_path: Path
) -> None:
    proxy = CuttableProxy(urlparse(PG_SERVER).port or 5432)
    a = ServerProcess(postgres_url, tmp_path, tmp_path / "a.log")
    b = ServerProcess(
        postgres_url,
        tmp_path,
        tmp_path / "b.log",
        env={
            "PADCOM_LISTEN_DATABASE_URL": _through(proxy, postgres_url),
            "PADCOM_METRICS_TOKEN": SCRAPER,
        },
    )
    stream: StreamReader | None = None
    try:
        a.start()
        b.start()
        _wait_for_listen(b, "ok")
        agent, customer = customer_token(postgres_url, role="agent"), customer_token(postgres_url)
        stream = StreamReader(b.url, agent)
        proxy.black_hole()
        _wait_for_listen(b, "not connected")  # the liveness round trip went unanswered
        filed = []
        with api(a, customer) as client:
            for n in range(TICKETS):
                reply = client.post("/tickets", json={"subject": f"while silent {n}", "body": "-"})
                assert reply.status_code == 201, reply.text
                filed.append(reply.json()["number"])
        heard = [stream.next(timeout=15)["ticket"] for _ in filed]
        assert heard == filed, "every event reached B's stream without its LISTEN connection"
        proxy.restore()
        _wait_for_listen(b, "ok")
        assert _reconnects(b) >= 1
    finally:
        if stream is not None:
            stream.close()
        a.stop()
        b.stop()
        proxy.close()
