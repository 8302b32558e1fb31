"""Column types that read the same on SQLite and PostgreSQL.

Times are stored as integer milliseconds since the epoch (UTC): sorting, day
buckets (``ms / 86400000``) and durations are plain integer arithmetic on both
databases, with no dialect-specific date functions.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from peewee import BigIntegerField, SmallIntegerField, TextField

from server.storage import clock

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def utcnow() -> datetime:
    """The current time, timezone-aware UTC, truncated to milliseconds as stored.

    Read from ``server.storage.clock.CLOCK``, which does not jump with a short-lived step
    of the system clock (so neither do SLA breaches, expiries or retries).
    """
    return _EPOCH + timedelta(milliseconds=int(clock.CLOCK.time() * 1000))


def to_ms(value: datetime) -> int:
    """Milliseconds since the epoch for an aware (or naive-UTC) datetime."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return int(value.timestamp() * 1000)


def from_ms(value: int) -> datetime:
    """The aware UTC datetime for stored milliseconds."""
    return datetime.fromtimestamp(value / 1000, tz=UTC)


class TimeField(BigIntegerField):
    """An aware UTC datetime stored as epoch milliseconds."""

    def db_value(self, value: Any) -> Any:
        if isinstance(value, datetime):
            return to_ms(value)
        return value

    def python_value(self, value: Any) -> Any:
        return None if value is None else from_ms(value)


class RankField(SmallIntegerField):
    """An ordered word (like priority) stored as its explicit code, exposed as its word.

    The codes come from ``server.vocabulary`` (never a word's position in a tuple),
    so adding or reordering words cannot relabel stored rows.
    """

    def __init__(self, codes: Mapping[Any, int], **kwargs: Any) -> None:
        self.codes = {str(word): code for word, code in codes.items()}
        self.words = {code: word for word, code in self.codes.items()}
        super().__init__(**kwargs)

    def db_value(self, value: Any) -> Any:
        if isinstance(value, str):
            return self.codes[value]
        return value

    def python_value(self, value: Any) -> Any:
        return None if value is None else self.words[value]


class JSONField(TextField):
    """A small JSON document stored as text (portable; searched only as text, never inside)."""

    def db_value(self, value: Any) -> Any:
        return None if value is None else json.dumps(value, separators=(",", ":"))

    def python_value(self, value: Any) -> Any:
        return None if value is None else json.loads(value)
