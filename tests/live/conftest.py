"""Open streams are closed when each test ends, so the module's server can stop promptly."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from tests.live.sse import StreamReader
from tests.support.live import Live, Person


@pytest.fixture
def open_stream(live: Live) -> Iterator[Callable[..., StreamReader]]:
    """Open a stream as a person (optionally resuming after an event id)."""
    readers: list[StreamReader] = []

    def opener(person: Person, last_event_id: int | None = None) -> StreamReader:
        reader = StreamReader(live.url, person.token, last_event_id=last_event_id)
        readers.append(reader)
        return reader

    yield opener
    for reader in readers:
        reader.close()
