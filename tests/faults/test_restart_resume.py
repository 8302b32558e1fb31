"""Followers of the stream lose nothing when their server is killed and restarted.

``padcom ticket watch`` without ``--since`` that had not received an event yet
used to reconnect without a cursor: what was filed while the server was down
never showed, though it printed "Connected again.". Here server A, which the
follower talks to, is killed with SIGKILL; tickets are filed through server B
on the same database while A is down and after it is back.
"""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from padcom_cli.client.api import PadcomClient
from padcom_tui.app import PadcomAdmin
from padcom_tui.settings import AdminSettings
from tests.faults.seed import customer_token
from tests.live.two_servers import api, two_servers
from tests.support.process import ServerProcess
from tests.support.tickets import file_number
from tests.tui.conftest import settle, shown_rows, status_line, until

PADCOM = str(Path(sys.executable).parent / "padcom")
Pair = tuple[ServerProcess, ServerProcess]


@pytest.fixture
def pair(database_url: str, tmp_path: Path) -> Iterator[Pair]:
    with two_servers(database_url, tmp_path) as servers:
        yield servers


def _file(server: ServerProcess, token: str, count: int, label: str) -> list[int]:
    with api(server, token) as client:
        return [file_number(client, f"{label} {n}", "-") for n in range(count)]


def _outage(pair: Pair, customer: str, connected: Callable[[], None]) -> list[int]:
    """Kill A, file three through B, restart A, file three more: the numbers filed."""
    a, b = pair
    a.kill()
    filed = _file(b, customer, 3, "while A was down")
    a.start()
    connected()
    return filed + _file(b, customer, 3, "after A came back")


class _Lines:
    """A subprocess's stdout lines, readable with a timeout."""

    def __init__(self, process: subprocess.Popen[str]) -> None:
        self.lines: queue.Queue[str] = queue.Queue()
        self.process = process
        threading.Thread(target=self._pump, daemon=True).start()

    def _pump(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put(line)

    def next(self, timeout: float = 30) -> str:
        return self.lines.get(timeout=timeout)


def _connected(pid: int, port: int) -> bool:
    """Whether process ``pid`` holds an established TCP connection to 127.0.0.1:``port``."""
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        target = os.readlink(fd) if fd.is_symlink() else ""
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        remote, state, inode = fields[2], fields[3], fields[9]
        if state == "01" and int(remote.split(":")[1], 16) == port and inode in inodes:
            return True
    return False


def test_watch_without_since_that_saw_nothing_yet_prints_every_ticket_once(
    pair: Pair, database_url: str
) -> None:
    agent, customer = customer_token(database_url, "agent"), customer_token(database_url)
    env = dict(os.environ, PADCOM_URL=pair[0].url, PADCOM_TOKEN=agent, NO_COLOR="1")
    watch = subprocess.Popen(
        [PADCOM, "ticket", "watch", "--json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=env,
    )
    out = _Lines(watch)
    try:
        for _ in range(300):  # bounded: at most 30 s for the watch to connect
            if _connected(watch.pid, pair[0].port):
                break
            threading.Event().wait(0.1)
        threading.Event().wait(1.0)  # its requests on that connection are answered by now
        filed = _outage(pair, customer, lambda: None)
        printed = [json.loads(out.next())["ticket"] for _ in filed]
        assert printed == filed
        threading.Event().wait(0.5)
        assert out.lines.empty()  # nothing twice
    finally:
        watch.terminate()
        watch.wait(10)


def test_iter_events_without_a_cursor_resumes_across_a_restart(
    pair: Pair, database_url: str
) -> None:
    from padcom_cli.client.live import iter_events

    agent, customer = customer_token(database_url, "agent"), customer_token(database_url)
    stop = threading.Event()
    events: queue.Queue[dict[str, Any]] = queue.Queue()
    states: queue.Queue[str] = queue.Queue()

    def follow() -> None:
        for event in iter_events(pair[0].url, agent, None, stop, on_status=states.put):
            events.put(event)

    def wait_connected() -> None:
        while states.get(timeout=60) != "connected":
            pass

    thread = threading.Thread(target=follow, daemon=True)
    thread.start()
    try:
        wait_connected()
        filed = _outage(pair, customer, wait_connected)
        assert [events.get(timeout=30)["ticket"] for _ in filed] == filed
        assert events.empty()
    finally:
        stop.set()
        thread.join(10)


async def test_the_admin_app_shows_every_ticket_of_an_outage_as_a_live_change(
    pair: Pair, database_url: str
) -> None:
    agent, customer = customer_token(database_url, "agent"), customer_token(database_url)
    app = PadcomAdmin(
        PadcomClient(pair[0].url, agent), settings=AdminSettings(live=True, retry_seconds=0.2)
    )
    async with app.run_test(size=(140, 36)) as pilot:
        await settle(pilot)
        await until(pilot, lambda: app.live_state == "connected")
        a, b = pair
        a.kill()
        await until(pilot, lambda: app.live_state != "connected")
        assert "· live" not in status_line(app)
        filed = _file(b, customer, 3, "while A was down")
        a.start()
        await until(pilot, lambda: app.live_state == "connected", seconds=60)
        assert "· live" in status_line(app)
        filed += _file(b, customer, 3, "after A came back")
        await until(pilot, lambda: all(_marked(app, n) for n in filed), seconds=30)


def _marked(app: PadcomAdmin, number: int) -> bool:
    """The queue shows ticket ``number`` marked as changed live (``●``)."""
    shown = {row["number"].lstrip("● "): row["number"] for row in shown_rows(app)}
    return shown.get(str(number), "").startswith("●")
