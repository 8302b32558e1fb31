"""uvicorn's httptools protocol with a deadline for each request and a cap on connections.

uvicorn bounds only the idle time *between* requests (``timeout_keep_alive``):
a socket that never sends a byte, or sends its headers a byte at a time, is held
for ever, and 1,100 of them made every legitimate request fail. This protocol
gives each request head ``header_timeout_seconds`` from the connection opening
(or from the previous response) and its body ``body_timeout_seconds``; a slow
one is closed, with a 408 when part of a head had arrived. A head longer than
``max_head_bytes`` is a 431: uvicorn kept every header line of an unfinished
head, so sockets sending one now and then grew the server's memory for ever.

Past ``max_connections`` in a worker, the connection that has waited longest
for a request head is closed to make room: an attacker's held sockets are the
ones evicted, while connections with a request in flight or an open event
stream are kept. Only when none is waiting does the new connection get a 503.
uvicorn's own ``limit_concurrency`` is not used: it answers 503 to every new
request as soon as held sockets fill the limit, which is the outage itself.

Why a subclass and not another server: uvicorn runs everything else here (the
SSE shutdown, the tests' servers, the worker supervisor); h11 and httptools
only parse, and hypercorn's and granian's header timeouts would mean a new
server for one setting. The subclass uses four parser callbacks uvicorn
already has and changes none of its request handling.
"""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from server.serving.limits import ServeLimits

log = logging.getLogger("padcom.serve")


def _error_response(status: bytes, code: str, message: str, *headers: bytes) -> bytes:
    """A whole HTTP/1.1 error answer that closes the connection, body in the API's error shape."""
    body = json.dumps({"error": {"code": code, "message": message}}).encode()
    head = [
        b"HTTP/1.1 " + status,
        b"content-type: application/json",
        b"content-length: " + str(len(body)).encode(),
        b"connection: close",
        *headers,
    ]
    return b"\r\n".join(head) + b"\r\n\r\n" + body


TIMEOUT_RESPONSE = _error_response(b"408 Request Timeout", "timeout", "the request took too long")
TOO_LARGE_RESPONSE = _error_response(
    b"431 Request Header Fields Too Large", "too_large", "the request head is too large"
)
FULL_RESPONSE = _error_response(
    b"503 Service Unavailable", "unavailable", "too many connections", b"retry-after: 1"
)


class ConnectionGuard:
    """A worker's limits and its connections waiting for a request head, oldest first."""

    def __init__(self, limits: ServeLimits, max_connections: int | None = None) -> None:
        self.limits = limits
        self.max_connections = max_connections or limits.max_connections
        self.waiting: dict[GuardedProtocol, None] = {}
        """Insertion-ordered: the first key has waited longest."""
        self.evicted = 0
        """Connections closed to make room whose close has not completed yet."""

    def __getstate__(self) -> dict[str, Any]:
        """Each worker process starts with no connections of its own."""
        return {**self.__dict__, "waiting": {}, "evicted": 0}

    def oldest_waiting(self) -> GuardedProtocol | None:
        return next(iter(self.waiting), None)

    def over_limit(self, connections: int) -> bool:
        """Whether ``connections`` (uvicorn's count) leaves no room once evictions complete."""
        return connections - self.evicted > self.max_connections


class GuardedProtocol(HttpToolsProtocol):
    """One HTTP/1.1 connection whose request heads and bodies have deadlines."""

    def __init__(self, *args: Any, guard: ConnectionGuard, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.guard = guard
        self._deadline: asyncio.TimerHandle | None = None
        self._head_started = False
        self._head_bytes = 0
        self._evicted = False

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        if self.guard.over_limit(len(self.connections)):
            victim = self.guard.oldest_waiting()
            if victim is None:
                log.warning("connection refused: %d connections busy", len(self.connections))
                transport.write(FULL_RESPONSE)
                transport.close()
                return
            victim.close_waiting()
        self._await_head()

    def connection_lost(self, exc: Exception | None) -> None:
        self._stop_waiting()
        if self._evicted:
            self.guard.evicted -= 1
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        waiting_for_head = self in self.guard.waiting
        if waiting_for_head:
            self._head_bytes += len(data)
        super().data_received(data)
        if (
            waiting_for_head
            and self in self.guard.waiting  # the head is still not complete
            and self._head_bytes > self.guard.limits.max_head_bytes
            and not self.transport.is_closing()
        ):
            self._stop_waiting()
            self.transport.write(TOO_LARGE_RESPONSE)
            self.transport.close()

    def on_message_begin(self) -> None:
        self._head_started = True
        super().on_message_begin()

    def on_headers_complete(self) -> None:
        self._stop_waiting()
        self._deadline = self.loop.call_later(
            self.guard.limits.body_timeout_seconds, self._too_slow
        )
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        self._cancel_deadline()
        super().on_message_complete()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing() and self.cycle.response_complete:
            self._await_head()  # keep-alive: the next head has its own deadline

    def close_waiting(self) -> None:
        """Make room: close this connection, which has no request in flight."""
        self._stop_waiting()
        self._evicted = True
        self.guard.evicted += 1
        self.transport.close()

    def _await_head(self) -> None:
        self._cancel_deadline()
        self._head_started = False
        self._head_bytes = 0
        self.guard.waiting[self] = None
        self._deadline = self.loop.call_later(
            self.guard.limits.header_timeout_seconds, self._too_slow
        )

    def _stop_waiting(self) -> None:
        self._cancel_deadline()
        self.guard.waiting.pop(self, None)

    def _cancel_deadline(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _too_slow(self) -> None:
        waiting_for_head = self in self.guard.waiting
        self._stop_waiting()
        if self.transport.is_closing():
            return
        if waiting_for_head and self._head_started:
            self.transport.write(TIMEOUT_RESPONSE)
        self.transport.close()
