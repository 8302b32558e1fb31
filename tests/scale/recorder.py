"""An event stream that survives its server: it records every event id it is handed and,
when the connection ends, resumes through the balancer with Last-Event-ID, as a
browser's EventSource does."""

from __future__ import annotations

import contextlib
import itertools
import socket
import threading
import time

import httpx
from httpx_sse import connect_sse

from tests.scale.support import event_ids, ticket_ids

RECONNECTS = 200
"""At most this many reconnections (each after a short pause)."""


class Recorder:
    """Opens at ``first_url`` (one instance); after a failure resumes at ``then_url``."""

    def __init__(self, first_url: str, then_url: str, token: str) -> None:
        self.ids: list[int] = []
        self.reconnects = 0
        self._urls = (first_url, then_url)
        self._token = token
        self._stop = threading.Event()
        self._opened = threading.Event()
        self._socket: socket.socket | None = None
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        if not self._opened.wait(15):
            raise TimeoutError("the stream did not open")

    def _run(self) -> None:
        for attempt in range(RECONNECTS):
            if self._stop.is_set():
                return
            url = self._urls[0 if attempt == 0 else 1]
            headers = {"Authorization": f"Bearer {self._token}"}
            if self.ids:
                headers["Last-Event-ID"] = str(self.ids[-1])
            with contextlib.suppress(httpx.HTTPError, OSError, ValueError):
                self._follow(url, headers)
            self.reconnects += 1
            time.sleep(0.2)

    def _follow(self, url: str, headers: dict[str, str]) -> None:
        """Read one connection's events until it ends."""
        with (
            httpx.Client(base_url=url, timeout=httpx.Timeout(10, read=60)) as client,
            connect_sse(client, "GET", "/api/v1/events/stream", headers=headers) as source,
        ):
            if source.response.status_code != 200:
                return
            stream = source.response.extensions["network_stream"]
            self._socket = stream.get_extra_info("socket")
            self._opened.set()
            for sse in source.iter_sse():
                if sse.id:
                    self.ids.append(int(sse.id))

    def wait_for(self, last_id: int, timeout: float = 60) -> bool:
        """Wait (bounded) until the stream has been handed ``last_id``."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.ids and self.ids[-1] >= last_id:
                return True
            time.sleep(0.1)
        return False

    def close(self) -> None:
        self._stop.set()
        if self._socket is not None:
            with contextlib.suppress(OSError):
                self._socket.shutdown(socket.SHUT_RDWR)
        self._thread.join(10)


def check_streams_heard_everything(
    streams: list[Recorder], database_url: str, created: list[int]
) -> None:
    """Every acknowledged ticket is stored; every stream heard each stored event once, in order.

    Waits for each stream to reach the newest stored event, then closes them all.
    """
    stored = event_ids(database_url)
    try:
        for stream in streams:
            stream.wait_for(stored[-1])
    finally:
        for stream in streams:
            stream.close()
    assert set(created) <= ticket_ids(database_url)
    for stream in streams:
        # an event committed after ``stored`` was read (an SLA breach the watcher records) may
        # reach the stream too; up to the newest stored one, it must have heard exactly these
        heard = [i for i in stream.ids if i <= stored[-1]]
        repeated = sorted({i for i in heard if heard.count(i) > 1})
        late = [b for a, b in itertools.pairwise(heard) if b < a]
        assert heard == stored, (
            f"missed {set(stored) - set(heard)}, repeated {repeated}, out of order {late}"
        )
