"""A webhook receiver on loopback that records each request and can fail on purpose."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from server.outbox.settings import OutboxSettings, WebhookSettings

QUICK_RETRIES = OutboxSettings(first_retry_seconds=0.1, max_retry_seconds=0.3, poll_seconds=0.1)
"""An outbox that retries within a second, for tests that wait on deliveries."""


@dataclass(frozen=True)
class Received:
    path: str
    headers: dict[str, str]
    body: bytes
    answered: int


class Receiver:
    """Answers 200, except the first attempt of each delivery to a ``flaky`` path gets a 500."""

    def __init__(self, flaky_paths: tuple[str, ...] = (), port: int = 0) -> None:
        self.requests: list[Received] = []
        self.flaky_paths = flaky_paths
        self._lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                delivery = self.headers.get("X-Padcom-Delivery", "")
                with receiver._lock:
                    tried = any(
                        r.headers.get("X-Padcom-Delivery") == delivery for r in receiver.requests
                    )
                    status = 500 if self.path in receiver.flaky_paths and not tried else 200
                    receiver.requests.append(Received(self.path, dict(self.headers), body, status))
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def start(self) -> Receiver:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def hooks(self, path: str, events: tuple[str, ...], secret: str) -> WebhookSettings:
        """Webhook settings that post ``events`` to ``path`` here, allowed (``/hooks/``)."""
        return WebhookSettings(
            urls=(self.base + path,), events=events, secret=secret, allow=(self.base + "/hooks/",)
        )

    def at(self, path: str) -> list[Received]:
        with self._lock:
            return [r for r in self.requests if r.path == path]

    def wait_for(self, path: str, count: int, timeout: float = 15) -> list[Received]:
        deadline = time.monotonic() + timeout
        while len(self.at(path)) < count:
            if time.monotonic() > deadline:
                raise AssertionError(f"{path} got {len(self.at(path))} of {count} requests")
            time.sleep(0.02)
        return self.at(path)[:count]
