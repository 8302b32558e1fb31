"""Two ``padcom-server serve`` processes on one database, as two machines (or two
workers) share one: what one commits, the other's streams must hear."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from tests.support.process import ServerProcess


@contextmanager
def two_servers(
    database_url: str, directory: Path, env: dict[str, str] | None = None
) -> Iterator[tuple[ServerProcess, ServerProcess]]:
    """Servers A and B on ``database_url``, started one after the other (B migrates nothing)."""
    first = ServerProcess(database_url, directory, directory / "a.log", env=env)
    second = ServerProcess(database_url, directory, directory / "b.log", env=env)
    try:
        first.start()
        second.start()
        yield first, second
    finally:
        first.stop()
        second.stop()


def api(server: ServerProcess, token: str) -> httpx.Client:
    """A client of ``server`` signed in with ``token`` (the caller closes it)."""
    return httpx.Client(
        base_url=f"{server.url}/api/v1", headers={"Authorization": f"Bearer {token}"}, timeout=30
    )
