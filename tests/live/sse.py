"""A test's view of an event stream: raw SSE read on a thread, events handed over in order."""

from __future__ import annotations

import contextlib
import json
import queue
import socket
import threading
from typing import Any

import httpx
from httpx_sse import ServerSentEvent, connect_sse


class StreamReader:
    """One open ``/events/stream`` connection; ``next()`` returns its events in order.

    ``local_address`` (another loopback address, 127.0.0.2) makes it come from elsewhere.
    """

    def __init__(
        self,
        base_url: str,
        token: str,
        *,
        last_event_id: int | None = None,
        local_address: str | None = None,
    ) -> None:
        self.received: queue.Queue[ServerSentEvent | Exception] = queue.Queue()
        self.opened = threading.Event()
        self.ended = threading.Event()
        """Set when the server closed the stream (or the connection failed)."""
        self.status: int | None = None
        self._socket: socket.socket | None = None
        self._client = httpx.Client(
            base_url=base_url,
            timeout=httpx.Timeout(10, read=60),
            transport=httpx.HTTPTransport(local_address=local_address),
        )
        headers = {"Authorization": f"Bearer {token}"}
        if last_event_id is not None:
            headers["Last-Event-ID"] = str(last_event_id)
        self._thread = threading.Thread(target=self._read, args=(headers,), daemon=True)
        self._thread.start()
        if not self.opened.wait(10):
            raise TimeoutError("the stream did not open")

    def _read(self, headers: dict[str, str]) -> None:
        try:
            with connect_sse(
                self._client, "GET", "/api/v1/events/stream", headers=headers
            ) as source:
                self.status = source.response.status_code
                self._socket = source.response.extensions["network_stream"].get_extra_info("socket")
                self.opened.set()
                for sse in source.iter_sse():
                    self.received.put(sse)
        except Exception as exc:  # handed to the test, which fails with it
            self.received.put(exc)
        finally:
            self.opened.set()
            self.ended.set()

    def next(self, timeout: float = 10) -> dict[str, Any]:
        """The next event's data, checking its SSE id matches the Event id."""
        item = self.received.get(timeout=timeout)
        if isinstance(item, Exception):
            raise item
        data: dict[str, Any] = json.loads(item.data)
        assert item.id == str(data["id"])
        return data

    def close(self) -> None:
        """Hang up (shutting the socket down wakes the reading thread at once)."""
        if self._socket is not None:
            with contextlib.suppress(OSError):
                self._socket.shutdown(socket.SHUT_RDWR)
        self._client.close()
        self._thread.join(5)
