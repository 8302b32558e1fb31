"""A real server with settings of a test module's own (mail, webhooks, timings)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from server.db import db
from tests.support import live as support
from tests.support.live import Live, ServerThread


@contextmanager
def own_server(database_url: str, **overrides: object) -> Iterator[Live]:
    """``create_app`` on ``database_url`` with ``overrides`` applied to the test settings."""
    from server.app import create_app

    settings = support.test_settings(database_url, **overrides)
    thread = ServerThread(create_app(settings)).start()
    world = Live(settings, thread)
    try:
        yield world
    finally:
        world.close()
        thread.stop()
        db.close_all()
