"""The status line says "live" only while changes really arrive.

The admin app used to show "● online · live…" while its stream was down, and
the agent could not tell that the queue had stopped following the server.
Here the stream is refused (the account already holds all the streams it may)
while the server itself answers.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from server.live.settings import StreamLimits
from tests.live.sse import StreamReader
from tests.support.live import Live, own_server
from tests.tui.conftest import build_app, settle, status_line, until


@pytest.fixture(scope="module")
def one_stream_each(database_url: str) -> Iterator[Live]:
    with own_server(database_url, streams=StreamLimits(per_user=1)) as world:
        yield world


async def test_a_refused_stream_shows_reconnecting_until_it_is_live(one_stream_each: Live) -> None:
    agent = one_stream_each.person("agent")
    elsewhere = StreamReader(one_stream_each.url, agent.token)  # the agent's other terminal
    app = build_app(one_stream_each.url, agent.token, live=True)
    try:
        async with app.run_test(size=(100, 30)) as pilot:
            await settle(pilot)
            await until(pilot, lambda: app.live_state == "reconnecting")
            line = status_line(app)
            assert "online" in line and "reconnecting" in line
            assert "· live" not in line

            elsewhere.close()
            await until(pilot, lambda: app.live_state == "connected", seconds=30)
            await settle(pilot)
            assert "online · live" in status_line(app)
    finally:
        elsewhere.close()
