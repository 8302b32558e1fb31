"""Messages between the app and its screens."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from textual.message import Message


@dataclass
class EventsArrived(Message):
    """A batch of ticket events (DESIGN.md's Event dicts), oldest first."""

    events: list[dict[str, Any]]


@dataclass
class IncidentsChanged(Message):
    """A batch of incident events (declared, changed, updated, resolved), oldest first; each
    carries ``incident_now``, the incident as we may see it now."""

    events: list[dict[str, Any]]


@dataclass
class Reconnected(Message):
    """The server answers again after an outage: reload what is shown."""


@dataclass
class QueuePainted(Message):
    """The queue screen has painted its first page: the app starts what can wait for it."""

    since: int
    """The newest event id before the page was read: the live stream resumes after it."""
