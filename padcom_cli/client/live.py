"""Following the server's event stream: ``iter_events`` yields Event dicts as they commit.

Each carries the ticket as the user may see it now and the message it added
(``ticket_views`` picks the newest view per ticket from a batch), so a client
updates what it shows without asking again. An incident's event names no ticket
but its incident, as the user may see it now (``incident_views``); ``split``
tells the two apart.

Shared by ``padcom ticket watch`` and the admin app. It always has a cursor:
without ``last_event_id`` it first asks ``GET /events/latest``, so a restart
of the server before the first event loses nothing. It reconnects by itself
after a drop (with back-off), sending ``Last-Event-ID`` so nothing is missed or
repeated. A resume point the server no longer replays (410) starts again from
the latest event and says ``"reload"``, so a snapshot shown can be read again.
It gives up only when the server refuses the token (``NotAuthorized``) or the
request (``InvalidRequest``). The read timeout is
longer than the server's heartbeat, so a silent connection is noticed and
replaced. Setting ``stop`` ends the iteration promptly, even while it waits.
"""

from __future__ import annotations

import contextlib
import json
import socket
import threading
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import httpx
from httpx_sse import SSEError, connect_sse

from padcom_cli.client.api import USER_AGENT
from padcom_cli.client.errors import InvalidRequest, RateLimited, ServerFailed
from padcom_cli.client.responses import error_from_response

HEARTBEAT_SLACK = 45.0
"""Read timeout: three of the server's default 15 s heartbeats."""
FIRST_RETRY = 0.5
MAX_RETRY = 30.0
STOP_POLL = 0.2


class _Hangup:
    """Shuts the current connection down when ``stop`` is set, waking a blocked read."""

    def __init__(self, stop: threading.Event) -> None:
        self.stop = stop
        self.done = threading.Event()
        self.socket: socket.socket | None = None
        self._thread = threading.Thread(target=self._watch, name="padcom-live-stop", daemon=True)
        self._thread.start()

    def _watch(self) -> None:
        while not self.done.is_set():
            if self.stop.wait(STOP_POLL):
                if self.socket is not None:
                    with contextlib.suppress(OSError):
                        self.socket.shutdown(socket.SHUT_RDWR)
                return

    def attach(self, response: httpx.Response) -> None:
        stream = response.extensions.get("network_stream")
        self.socket = stream.get_extra_info("socket") if stream is not None else None
        if self.stop.is_set() and self.socket is not None:
            with contextlib.suppress(OSError):
                self.socket.shutdown(socket.SHUT_RDWR)

    def close(self) -> None:
        self.done.set()


GONE = 410
"""The stream's answer to a resume point older than it replays: reload, follow from now."""


def _latest(client: httpx.Client) -> int:
    """The newest event id the user may see: where following starts."""
    response = client.get("/events/latest")
    if response.status_code >= 400:
        raise error_from_response(response)
    return int(response.json()["id"])


def _connection(
    client: httpx.Client,
    cursor: int,
    hangup: _Hangup,
    on_status: Callable[[str], None] | None,
) -> Iterator[dict[str, Any]]:
    """The events of one connection; raises the client error tree for error answers."""
    headers = {"Last-Event-ID": str(cursor)}
    with connect_sse(client, "GET", "/events/stream", headers=headers) as source:
        response = source.response
        if response.status_code >= 400:
            response.read()
            raise error_from_response(response)
        hangup.attach(response)
        if on_status is not None:
            on_status("connected")
        for sse in source.iter_sse():
            if not sse.data:
                continue  # a dying server can emit an empty event
            try:
                event = json.loads(sse.data)
            except ValueError:
                continue
            if isinstance(event, dict) and isinstance(event.get("id"), int):
                yield event


def iter_events(
    url: str,
    token: str,
    last_event_id: int | None = None,
    stop: threading.Event | None = None,
    *,
    on_status: Callable[[str], None] | None = None,
) -> Iterator[dict[str, Any]]:
    """Every event the token's user may see, after ``last_event_id`` (default: from now).

    Runs until ``stop`` is set (or the caller stops iterating). ``on_status``
    hears ``"connected"`` and ``"reconnecting"`` for a connection indicator, and
    ``"reload"`` when events were lost to the server's replay window (what the
    caller shows should be read again; following goes on from the latest event).
    Raises NotAuthorized on a 401/403 and InvalidRequest on other refusals.
    """
    stop = stop or threading.Event()
    cursor = last_event_id
    reload = False
    delay = FIRST_RETRY
    hangup = _Hangup(stop)
    timeout = httpx.Timeout(10.0, read=HEARTBEAT_SLACK)
    headers = {"Authorization": f"Bearer {token}", "User-Agent": USER_AGENT}
    try:
        with httpx.Client(
            base_url=f"{url.rstrip('/')}/api/v1", headers=headers, timeout=timeout
        ) as client:
            while not stop.is_set():
                try:
                    if cursor is None:
                        cursor = _latest(client)  # before the caller reloads: nothing between
                        if reload and on_status is not None:
                            on_status("reload")
                        reload = False
                    for event in _connection(client, cursor, hangup, on_status):
                        cursor = event["id"]
                        delay = FIRST_RETRY
                        yield event
                        if stop.is_set():
                            return
                except InvalidRequest as error:
                    if error.status != GONE:
                        raise
                    cursor, reload = None, True
                    continue
                except RateLimited as error:
                    delay = max(delay, error.retry_after or 0)
                except (httpx.TransportError, SSEError, ServerFailed):
                    pass  # dropped, timed out or the server is restarting: resume below
                if stop.is_set():
                    return
                if on_status is not None:
                    on_status("reconnecting")
                stop.wait(delay)
                delay = min(delay * 2, MAX_RETRY)
    finally:
        hangup.close()


def ticket_views(events: Iterable[dict[str, Any]]) -> dict[int, dict[str, Any] | None]:
    """The newest view of each ticket a batch of stream events carries.

    Each stream event brings ``ticket_now``, the ticket as the user may see it
    when it was sent (``None``: no longer theirs to see), so a view is updated
    without asking for it again; the last event of a ticket has the newest.
    An event without one (as ``GET /events`` lists them) is left out.
    """
    views: dict[int, dict[str, Any] | None] = {}
    for event in events:
        if "ticket_now" in event and event.get("ticket") is not None:
            views[int(event["ticket"])] = event["ticket_now"]
    return views


def incident_views(events: Iterable[dict[str, Any]]) -> dict[int, dict[str, Any] | None]:
    """The newest view of each incident a batch of incident events carries (``incident_now``;
    ``None``: no longer the user's to see)."""
    return {
        int(event["incident"]): event.get("incident_now")
        for event in events
        if event.get("incident") is not None
    }


def split(
    events: Iterable[dict[str, Any]],
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """A batch as (the tickets' events, the incidents' events), each in order."""
    tickets: list[dict[str, Any]] = []
    incidents: list[dict[str, Any]] = []
    for event in events:
        (tickets if event.get("ticket") is not None else incidents).append(event)
    return tickets, incidents
