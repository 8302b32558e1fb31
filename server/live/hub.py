"""Fan-out of committed events to every open stream, in the server's event loop.

``notify`` may be called from any thread (the request threads call it after
their commit; the PostgreSQL waker after a NOTIFY). It only schedules a
dispatch round, which reads the new events once per audience on a worker
thread and puts them on each subscriber's bounded queue. A subscriber whose
queue is full is dropped: its stream ends and the client reconnects with
Last-Event-ID, replaying from the durable log, so a slow client costs memory
for at most ``queue_size`` batches and never holds up the others.

Every round also reads who holds each stream's token *now* (after reading the
events, so a change committed before an event is seen with it): a revoked or
expired token, a deactivated user, a changed role or organization lets go of
the stream before that event is handed over. Every commit anywhere wakes the
round (``sqlite_waker``/``pg_waker``), so revocation ends streams at once on
every process. A stream replaying history (``Subscriber.replaying``) reads it
page by page itself; the hub only checks its token until it has caught up.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Hashable

import anyio

from server import telemetry
from server.helpdesk.visibility import audience
from server.live.reader import Item, Round, read_round
from server.storage.models import User

log = logging.getLogger("padcom.live")

Reader = Callable[[list[tuple[User, int]], int, list[int]], Round]


class Subscriber:
    """One open stream: whose it is (user, token, their role and organization when it
    opened), the last event id it was handed, its queue.

    The queue holds batches of events; ``None`` means the hub let go of it.
    """

    def __init__(
        self,
        user: User,
        token_id: int,
        cursor: int,
        queue_size: int,
        *,
        replaying: bool,
        lease_id: int | None,
    ) -> None:
        self.user = user
        self.token_id = token_id
        self.lease_id = lease_id
        self.entitlement = (str(user.role), user.organization_id)
        self.cursor = cursor
        self.queue: asyncio.Queue[list[Item] | None] = asyncio.Queue(queue_size)
        self.closed = False
        self.replaying = replaying


class Hub:
    """The subscribers of one server process and the dispatcher that feeds them."""

    def __init__(
        self,
        loop: asyncio.AbstractEventLoop,
        latest: int,
        *,
        read: Reader = read_round,
        queue_size: int = 256,
        batch: int = 500,
    ) -> None:
        self.latest = latest
        self._loop = loop
        self._read = read
        self._queue_size = queue_size
        self._batch = batch
        self._subscribers: set[Subscriber] = set()
        self._dirty = False
        self._task: asyncio.Task[None] | None = None
        self._closing = False

    @property
    def subscribers(self) -> int:
        return len(self._subscribers)

    def notify(self, event_ids: list[int]) -> None:
        """New events committed (thread-safe); an empty list means "look anyway"."""
        if event_ids and max(event_ids) <= self.latest:
            return  # already dispatched (our own commit, echoed by NOTIFY)
        self._loop.call_soon_threadsafe(self._kick)

    def subscribe(
        self,
        user: User,
        cursor: int,
        *,
        token_id: int,
        replaying: bool = False,
        lease_id: int | None = None,
    ) -> Subscriber:
        """A new stream that wants every event after ``cursor`` that ``user`` may see.

        ``replaying``: the stream reads the history itself first and calls ``caught_up``.
        """
        subscriber = Subscriber(
            user, token_id, cursor, self._queue_size, replaying=replaying, lease_id=lease_id
        )
        if self._closing:  # shutting down: let go at once (the stream says goodbye)
            self._drop(subscriber)
            return subscriber
        self._subscribers.add(subscriber)
        telemetry.OPEN_STREAMS.set(len(self._subscribers))
        self._kick()  # a cursor behind the latest event is read right away
        return subscriber

    def caught_up(self, subscriber: Subscriber, cursor: int) -> None:
        """A replaying stream has read the history up to ``cursor``: live from here on."""
        subscriber.cursor = cursor
        subscriber.replaying = False
        self._kick()

    def leases(self) -> list[int]:
        """The stream leases (``server.live.leases``) this process keeps alive."""
        return [s.lease_id for s in self._subscribers if s.lease_id is not None]

    def unsubscribe(self, subscriber: Subscriber) -> None:
        subscriber.closed = True
        self._subscribers.discard(subscriber)
        telemetry.OPEN_STREAMS.set(len(self._subscribers))

    def close(self) -> None:
        """Let go of every subscriber (their streams end) at shutdown, and of any that comes later."""
        self._closing = True
        for subscriber in list(self._subscribers):
            self._drop(subscriber)

    def _kick(self) -> None:
        self._dirty = True
        if self._task is None:
            self._task = self._loop.create_task(self._dispatch())

    async def _dispatch(self) -> None:
        try:
            while self._dirty:
                self._dirty = False
                try:
                    await self._round()
                except Exception:  # a database hiccup: try again shortly
                    log.exception("live dispatch failed; retrying")
                    self._dirty = True
                    await asyncio.sleep(1)
        finally:
            self._task = None

    async def _round(self) -> None:
        if not self._subscribers:
            return
        groups: dict[tuple[Hashable, int], list[Subscriber]] = {}
        for subscriber in self._subscribers:
            if not subscriber.replaying:
                key = (audience(subscriber.user), subscriber.cursor)
                groups.setdefault(key, []).append(subscriber)
        specs = [(members[0].user, cursor) for (_, cursor), members in groups.items()]
        checked = list(self._subscribers)  # one that joins during the read is checked next round
        latest, results, holders = await anyio.to_thread.run_sync(
            self._read, specs, self._batch, sorted({s.token_id for s in checked})
        )
        self.latest = max(self.latest, latest)
        for subscriber in checked:
            if holders.get(subscriber.token_id) != subscriber.entitlement:
                self._drop(subscriber)  # signed out, deactivated, demoted or moved
        for ((_, cursor), members), (new_cursor, items) in zip(
            groups.items(), results, strict=True
        ):
            if new_cursor < latest:
                self._dirty = True  # a long replay continues next round
            for subscriber in members:
                if subscriber.closed or subscriber.cursor != cursor:
                    continue
                subscriber.cursor = new_cursor
                if items:
                    self._push(subscriber, items)

    def _push(self, subscriber: Subscriber, items: list[Item]) -> None:
        try:
            subscriber.queue.put_nowait(items)
        except asyncio.QueueFull:
            log.info("dropping a stream that fell %d batches behind", self._queue_size)
            self._drop(subscriber)

    def _drop(self, subscriber: Subscriber) -> None:
        self.unsubscribe(subscriber)
        while not subscriber.queue.empty():
            subscriber.queue.get_nowait()
        subscriber.queue.put_nowait(None)
