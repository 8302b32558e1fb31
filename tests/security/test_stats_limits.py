"""``GET /stats`` cannot be used to keep the server busy: calls are shared, cached and bounded.

40 parallel calls of one customer run one computation and all get the figures;
different reports beyond the user's bound are a 429 with Retry-After; a change
is seen at once (the cache never hides a user's own write).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from server.helpdesk.limits import StatsLimits
from server.http.stats_gate import StatsGate
from tests.support.live import Live, own_server
from tests.support.tickets import file_ticket

PARALLEL = 40


@pytest.fixture(scope="module")
def gated(database_url: str) -> Iterator[Live]:
    limits = StatsLimits(cache_seconds=60, per_user=1, at_once=2)
    with own_server(database_url, stats_limits=limits) as world:
        yield world


def _gate(live: Live) -> StatsGate:
    """The server's own count of reports it computed."""
    gate: StatsGate = live.thread.app.state.stats_gate
    return gate


def _all_at_once(calls: list[dict[str, str]], api: httpx.Client) -> list[httpx.Response]:
    """Every call from its own thread, released together."""
    start = threading.Barrier(len(calls))
    replies: list[httpx.Response | None] = [None] * len(calls)

    def call(i: int) -> None:
        start.wait(timeout=30)
        replies[i] = api.get("/stats", params=calls[i])

    threads = [threading.Thread(target=call, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert all(reply is not None for reply in replies)
    return [reply for reply in replies if reply is not None]


def test_forty_parallel_identical_calls_run_one_computation(gated: Live) -> None:
    customer = gated.person("customer")
    file_ticket(customer.api())
    api = customer.api()
    before = _gate(gated).computed
    replies = _all_at_once([{}] * PARALLEL, api)
    assert [r.status_code for r in replies] == [200] * PARALLEL
    assert len({r.text for r in replies}) == 1
    assert replies[0].json()["now"]["open"] == 1
    assert _gate(gated).computed - before == 1


def test_different_reports_beyond_the_users_bound_are_refused(gated: Live) -> None:
    api = gated.person("customer").api()
    end = datetime(2026, 6, 1, tzinfo=UTC)
    periods = [{"to": (end - timedelta(days=i)).isoformat()} for i in range(20)]
    replies = _all_at_once(periods, api)
    statuses = [r.status_code for r in replies]
    assert set(statuses) <= {200, 429}, statuses
    refused = [r for r in replies if r.status_code == 429]
    assert refused, "20 different reports at once, one allowed: some must wait"
    assert all(int(r.headers["Retry-After"]) >= 1 for r in refused)
    assert api.get("/stats", params=periods[0]).status_code == 200  # once they are done


def test_a_change_is_counted_at_once_despite_the_cache(gated: Live) -> None:
    customer = gated.person("customer")
    api = customer.api()
    file_ticket(api)
    assert api.get("/stats").json()["now"]["open"] == 1
    file_ticket(api)
    assert api.get("/stats").json()["now"]["open"] == 2
