"""``kill -9`` of the ``serve --workers 2`` parent: no orphan keeps serving, the port is free.

The supervisor gets no chance to stop its workers. They used to go on
answering as orphans (still serving 30 s later), so the restart that a service
manager runs next failed with "Address already in use".
"""

from __future__ import annotations

import contextlib
import os
import signal
import time
from pathlib import Path

import httpx

from tests.support.process import ServerProcess

GONE_WITHIN_SECONDS = 30
"""Bounds the wait; a worker's graceful shutdown takes well under a second here."""


def _alive(pid: int) -> bool:
    """Whether ``pid`` is a running process (a zombie waiting to be reaped is not)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def test_killing_the_parent_stops_its_workers_and_the_port_can_be_reused(
    database_url: str, tmp_path: Path
) -> None:
    first = ServerProcess(
        database_url, tmp_path, tmp_path / "first.log", extra=("--workers", "2")
    ).start()
    workers = first.children()
    assert len(workers) >= 2, workers
    first.kill()

    until = time.monotonic() + GONE_WITHIN_SECONDS
    while any(_alive(pid) for pid in workers) and time.monotonic() < until:
        time.sleep(0.2)
    survivors = [pid for pid in workers if _alive(pid)]
    try:
        assert survivors == [], f"workers still running after their parent died: {survivors}"
        try:
            answer: int | str = httpx.get(f"{first.url}/api/v1/me", timeout=5).status_code
        except httpx.ConnectError:
            answer = "refused"
        assert answer == "refused", "something still answers on the port"

        second = ServerProcess(database_url, tmp_path, tmp_path / "second.log")
        second.port = first.port
        second.start()
        try:
            assert httpx.get(f"{second.url}/api/v1/me", timeout=5).status_code == 401
        finally:
            second.stop()
    finally:
        for pid in survivors:  # leave no orphan behind for the next test
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
