"""Live layer: what the events of a change bring about — the ``Journal`` of the one write path.

In the transaction: the mails and webhooks the events cause (outbox rows), and
at its end the events' ids under the event-order lock and, on PostgreSQL, the
NOTIFY for the other processes (all in server/live/journal.py). After the COMMIT: this process's listeners
(the hub that feeds the streams, the outbox worker, the stats cache) hear the
new event ids. server/storage/write_path.py runs these steps for every writer.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from server.config import Settings
from server.live.journal import record
from server.storage.models import Event

Listener = Callable[[list[int]], None]


class Consequences:
    """The journal for changes made with ``settings``, heard by ``listeners`` after commit."""

    def __init__(self, settings: Settings, listeners: Sequence[Listener] = ()) -> None:
        self.settings = settings
        self.listeners = listeners

    def recorded(self, events: Sequence[Event]) -> None:
        record(list(events), self.settings)

    def committed(self, event_ids: list[int]) -> None:
        for listener in list(self.listeners):
            listener(event_ids)
