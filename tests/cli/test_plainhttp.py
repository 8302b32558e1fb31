"""The CLI's plain-HTTP transport keeps httpx's promises: reuse, stale connections, timeouts.

A small standard-library server stands in where the real one cannot be made
to misbehave: it can drop each connection after answering (as a server does
when its keep-alive timeout passes) or answer too late.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest

from padcom_cli.client.api import PadcomClient
from padcom_cli.client.errors import NotFound, Unreachable
from padcom_cli.client.plainhttp import PlainHTTPTransport


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: Server

    def log_message(self, *args: object) -> None:
        """Quiet."""

    def _answer(self, status: int, payload: object) -> None:
        body = json.dumps(payload).encode()
        time.sleep(self.server.delay)
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        self.close_connection = self.server.hang_up

    def do_GET(self) -> None:
        self.server.seen.append((self.command, self.path, self.client_address[1], b""))
        if self.path.endswith("/tickets/404"):
            self._answer(404, {"error": {"code": "not_found", "message": "ticket 404 not found"}})
        else:
            self._answer(200, {"path": self.path, "auth": self.headers.get("Authorization")})

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.server.seen.append((self.command, self.path, self.client_address[1], body))
        self._answer(201, json.loads(body))


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.seen: list[tuple[str, str, int, bytes]] = []
        self.hang_up = False
        self.delay = 0.0

    def handle_error(self, request: object, client_address: object) -> None:
        """Quiet: a client that timed out has gone away before the late answer."""

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


@pytest.fixture
def server() -> Iterator[Server]:
    stub = Server()
    thread = threading.Thread(target=stub.serve_forever, daemon=True)
    thread.start()
    yield stub
    stub.shutdown()
    stub.server_close()


def test_requests_share_one_kept_alive_connection(server: Server) -> None:
    with PadcomClient(server.url, "tok", one_shot=True) as api:
        assert api.me() == {"path": "/api/v1/me", "auth": "Bearer tok"}
        assert api.create_ticket({"subject": "x"}) == {"subject": "x"}
        with pytest.raises(NotFound, match="ticket 404 not found"):
            api.get_ticket(404)
    assert [(method, path, body) for method, path, _, body in server.seen] == [
        ("GET", "/api/v1/me", b""),
        ("POST", "/api/v1/tickets", b'{"subject":"x"}'),
        ("GET", "/api/v1/tickets/404", b""),
    ]
    assert len({port for _, _, port, _ in server.seen}) == 1


def test_a_connection_the_server_closed_is_replaced_not_failed(server: Server) -> None:
    server.hang_up = True
    with PadcomClient(server.url, "tok", one_shot=True) as api:
        api.me()
        time.sleep(0.1)  # the server's close arrives, as after an editor was open for a while
        reply = api.reply(7, "after the editor")  # a POST, which is never retried
    assert reply == {"body": "after the editor", "internal": False}
    assert len(server.seen) == 2 and len({port for _, _, port, _ in server.seen}) == 2


def test_a_late_answer_is_a_timeout(server: Server) -> None:
    server.delay = 0.5
    timeout = httpx.Timeout(0.1, connect=1.0)
    with (
        PadcomClient(server.url, "tok", one_shot=True, timeout=timeout) as api,
        pytest.raises(Unreachable, match="did not answer in time"),
    ):
        api.me()


def test_only_plain_http_is_spoken() -> None:
    with (
        httpx.Client(transport=PlainHTTPTransport()) as http,
        pytest.raises(httpx.UnsupportedProtocol),
    ):
        http.get("https://127.0.0.1:1/")


def test_a_refused_connection_names_the_reason() -> None:
    with (
        PadcomClient("http://127.0.0.1:9", one_shot=True) as api,
        pytest.raises(Unreachable) as err,
    ):
        api.me()
    assert str(err.value) == "cannot reach http://127.0.0.1:9: connection refused"
