"""Walking a list page by page returns every ticket once, even while others file new ones."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator
from datetime import timedelta

import pytest

from server.reads.listing import SORTS
from server.storage.db import db
from server.storage.fields import utcnow
from server.storage.models import Ticket
from tests.api.tickets_support import all_numbers
from tests.support.limits import NO_WRITE_LIMITS
from tests.support.live import Live, Person, own_server
from tests.support.tickets import file_ticket


@pytest.fixture(scope="module")
def live(database_url: str) -> Iterator[Live]:
    """The module's server without write limits: one customer files ~300 tickets here."""
    with own_server(database_url, write_limits=NO_WRITE_LIMITS) as world:
        yield world


@pytest.fixture(scope="module")
def crowded(live: Live) -> tuple[Person, list[int]]:
    """A customer whose organization has 40 tickets with many equal sort keys."""
    person = live.person("customer")
    api = person.api()
    priorities = ["low", "normal", "high", "urgent"]
    numbers = [
        file_ticket(api, f"ticket {i}", priority=priorities[i % 3])["number"] for i in range(40)
    ]
    same_time = utcnow() - timedelta(hours=1)
    with db.connection_context():  # ties: several tickets share updated_at and due times
        for i, number in enumerate(numbers):
            Ticket.update(
                updated_at=same_time + timedelta(seconds=i // 5),
                resolution_due=same_time + timedelta(hours=i % 2),
            ).where(Ticket.id == number).execute()
    return person, numbers


@pytest.mark.parametrize("sort", list(SORTS))
def test_every_ticket_appears_once_while_new_ones_are_filed(
    live: Live, crowded: tuple[Person, list[int]], sort: str
) -> None:
    person, existing = crowded
    writer = person.api()
    stop = threading.Event()
    filed: list[int] = []

    def keep_filing() -> None:
        for i in range(60):  # bounded: at most 60 new tickets per walk
            if stop.is_set():
                return
            filed.append(file_ticket(writer, f"new {sort} {i}")["number"])

    thread = threading.Thread(target=keep_filing)
    thread.start()
    try:
        seen = all_numbers(person.api(), sort=sort, limit=7)
    finally:
        stop.set()
        thread.join(timeout=30)
    assert filed, "nothing was filed during the walk"
    repeated = [n for n, times in Counter(seen).items() if times > 1]
    assert repeated == []
    assert set(existing) <= set(seen)
    assert set(seen) <= set(existing) | set(filed) | set(all_numbers(person.api()))


@pytest.mark.parametrize("sort", list(SORTS))
def test_pages_follow_the_sort_order(
    live: Live, crowded: tuple[Person, list[int]], sort: str
) -> None:
    person, _ = crowded
    api = person.api()
    walked = all_numbers(api, sort=sort, limit=7)
    whole = [
        t["number"]
        for t in api.get("/tickets", params={"sort": sort, "limit": 100}).json()["items"]
    ]
    assert walked[: len(whole)] == whole
