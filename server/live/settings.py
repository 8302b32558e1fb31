"""Limits on event streams, read from ``PADCOM_STREAMS_*``; kept apart from ``server.config``.

One customer's streams must not cost everyone else their live updates: each
user and each client address may hold only so many at once (across every
server process), and a stream resuming far back is told to reload instead of
replaying an unbounded history.
"""

from __future__ import annotations

import os
from dataclasses import dataclass


@dataclass(frozen=True)
class StreamLimits:
    """How many event streams, and how much replay, one actor may ask for."""

    per_user: int = 10
    """Open streams per user, over all server processes (``PADCOM_STREAMS_PER_USER``); 429 past it."""
    per_address: int = 100
    """Open streams per client address (``PADCOM_STREAMS_PER_ADDRESS``); 429 past it."""
    replay_window: int = 10_000
    """How many events back a stream may resume (``PADCOM_STREAMS_REPLAY_WINDOW``); older: 410."""
    replay_page: int = 100
    """Events read per page while a stream replays its history."""
    replays_at_once: int = 2
    """Replay pages read at once per process; more resuming streams wait their turn."""
    wake_interval_seconds: float = 0.005
    """How often each process polls SQLite's ``data_version`` for other connections' commits."""

    @classmethod
    def from_env(cls) -> StreamLimits:
        return cls(
            per_user=int(os.environ.get("PADCOM_STREAMS_PER_USER", cls.per_user)),
            per_address=int(os.environ.get("PADCOM_STREAMS_PER_ADDRESS", cls.per_address)),
            replay_window=int(os.environ.get("PADCOM_STREAMS_REPLAY_WINDOW", cls.replay_window)),
        )
