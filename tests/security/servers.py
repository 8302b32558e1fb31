"""Servers configured like production for the attack suite.

The shared ``live`` harness runs uvicorn with its defaults, which believe
``X-Forwarded-For`` from 127.0.0.1; ``padcom-server serve`` does not. Tests
about client addresses and throttling therefore run their own server the way
the CLI starts it (no proxy headers), with settings of their choosing.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from server.app import create_app
from server.config import Settings
from tests.support.live import Live, ServerThread, test_settings


@contextmanager
def hardened_server(database_url: str, **overrides: object) -> Iterator[Live]:
    """A real server on ``database_url`` started as ``padcom-server serve`` starts it."""
    settings: Settings = test_settings(database_url, **overrides)
    thread = ServerThread(create_app(settings))
    thread.server.config.proxy_headers = False
    thread.start()
    world = Live(settings, thread)
    try:
        yield world
    finally:
        world.close()
        thread.stop()
