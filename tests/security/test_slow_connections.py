"""Sockets that never finish a request cannot take the server down.

An attacker on loopback holds hundreds of sockets against a real
``padcom-server serve``: some never send a byte, some send half a request
head, some a whole head and then a trickle of the body. The server runs with
few descriptors and a connection cap, as a small systemd unit would. While
they are held, a customer's requests are answered; and every held socket is
closed by the server once its deadline has passed.
"""

from __future__ import annotations

import contextlib
import selectors
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from server.storage.db import bind, db
from tests.faults.seed import customer_token
from tests.support.process import ServerProcess

HEADER_TIMEOUT = 2
MAX_CONNECTIONS = 150
OPEN_FILES = 256
"""Soft and hard: the server cannot raise it, so only its cap keeps descriptors free."""
MAX_HEAD_KIB = 64
"""The default limit of a request head."""
IDLE, HALF_HEAD, SLOW_BODY = 150, 150, 40
LEGITIMATE = 20
CLOSE_WAIT_SECONDS = 30
"""Generous: the deadlines are 2 s; this only bounds the loop."""


@pytest.fixture(scope="module")
def server(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    tmp = tmp_path_factory.mktemp("slow")
    process = ServerProcess(
        database_url,
        tmp,
        tmp / "server.log",
        env={
            "PADCOM_HEADER_TIMEOUT_SECONDS": str(HEADER_TIMEOUT),
            "PADCOM_BODY_TIMEOUT_SECONDS": str(HEADER_TIMEOUT),
            "PADCOM_MAX_CONNECTIONS": str(MAX_CONNECTIONS),
        },
        soft_nofile=OPEN_FILES,
        hard_nofile=OPEN_FILES,
    ).start()
    bind(database_url)  # the tests seed customers into the server's database
    yield process
    process.stop()
    db.close_all()


SENT = {
    "idle": b"",
    "half head": b"GET /api/v1/me HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: a",
    "slow body": (
        b"POST /api/v1/auth/login HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        b"Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"
    ),
}


def _hold(port: int, kind: str) -> socket.socket:
    """A socket that sent what ``kind`` sends (the server may already have closed it)."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=5)
    with contextlib.suppress(OSError):  # evicted at once to make room: the read sees it closed
        sock.sendall(SENT[kind])
    sock.setblocking(False)
    return sock


def _wait_until_closed(held: dict[socket.socket, str]) -> tuple[dict[str, int], list[bytes]]:
    """Read every held socket until the server hangs up; returns those still open and what came."""
    selector = selectors.DefaultSelector()
    for sock, kind in held.items():
        selector.register(sock, selectors.EVENT_READ, kind)
    answers: list[bytes] = []
    until = time.monotonic() + CLOSE_WAIT_SECONDS
    while selector.get_map() and time.monotonic() < until:
        for key, _ in selector.select(timeout=1):
            held_sock = key.fileobj
            assert isinstance(held_sock, socket.socket)
            sock = held_sock
            try:
                data = sock.recv(65536)
            except (ConnectionResetError, BlockingIOError):
                data = b""
            if data:
                answers.append(data)
                continue
            selector.unregister(sock)
            sock.close()
    still_open: dict[str, int] = {}
    for key in list(selector.get_map().values()):
        still_open[key.data] = still_open.get(key.data, 0) + 1
        key.fileobj.close()  # type: ignore[union-attr]
    return still_open, answers


def test_held_sockets_do_not_stop_a_customer_and_are_closed(
    server: ServerProcess, database_url: str
) -> None:
    token = customer_token(database_url)
    kinds = ["idle"] * IDLE + ["half head"] * HALF_HEAD + ["slow body"] * SLOW_BODY
    held = {_hold(server.port, kind): kind for kind in kinds}

    answers: list[int | str] = []
    for _ in range(LEGITIMATE):
        try:
            me = httpx.get(
                f"{server.url}/api/v1/me",
                headers={"Authorization": f"Bearer {token}"},
                timeout=10,
            )
            answers.append(me.status_code)
        except httpx.HTTPError as exc:
            answers.append(type(exc).__name__)
    assert answers == [200] * LEGITIMATE, answers

    still_open, received = _wait_until_closed(held)
    assert still_open == {}, f"held sockets the server never closed: {still_open}"
    for data in received:
        assert data.startswith(b"HTTP/1.1 408 "), data[:200]


def test_a_request_head_sent_too_slowly_gets_408_and_the_connection_closes(
    server: ServerProcess,
) -> None:
    with socket.create_connection(("127.0.0.1", server.port), timeout=CLOSE_WAIT_SECONDS) as sock:
        sock.sendall(b"GET /api/v1/me HTTP/1.1\r\n")
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    assert answer.startswith(b"HTTP/1.1 408 Request Timeout\r\n"), answer
    assert b'"code": "timeout"' in answer


def test_a_request_head_that_never_ends_is_cut_off_at_the_size_limit(
    server: ServerProcess,
) -> None:
    """A socket adding header lines for ever: the server keeps at most 64 KiB of them."""
    line = b"X-Slow-Loris: " + b"z" * 1010 + b"\r\n"  # 1 KiB a line
    accepted = 0
    with socket.create_connection(("127.0.0.1", server.port), timeout=CLOSE_WAIT_SECONDS) as sock:
        sock.sendall(b"GET /api/v1/me HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        with contextlib.suppress(OSError):  # the server hangs up under us
            for _ in range(4 * MAX_HEAD_KIB):
                sock.sendall(line)
                accepted += 1
        answer = b""
        with contextlib.suppress(OSError):
            while chunk := sock.recv(65536):
                answer += chunk
    assert answer.startswith(b"HTTP/1.1 431 "), (accepted, answer[:200])
    assert b'"code": "too_large"' in answer


def test_the_server_raises_its_soft_open_file_limit_to_the_hard_one(
    database_url: str, tmp_path: Path
) -> None:
    process = ServerProcess(database_url, tmp_path, tmp_path / "server.log", soft_nofile=OPEN_FILES)
    process.start()
    try:
        assert process.proc is not None
        limits = Path(f"/proc/{process.proc.pid}/limits").read_text()
    finally:
        process.stop()
    row = next(line for line in limits.splitlines() if line.startswith("Max open files"))
    soft, hard = row.split()[3:5]
    assert soft == hard, row
