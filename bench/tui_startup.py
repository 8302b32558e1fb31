"""How long padcom-admin takes from process start to the first painted queue, with 1M tickets.

Run: .venv/bin/python -m bench.tui_startup [--tickets 1000000] [--runs 5] [--db PATH]

Fills a SQLite database with ``bench.generate`` (kept under bench/results/ and
reused), adds an agent with a token, serves it with ``padcom-server serve`` on a
free loopback port, then starts fresh processes that run the app headless:
the clock starts before the process is spawned (so imports count) and stops
when the queue's first page is in the table and the screen has been repainted
after it (a ``call_after_refresh`` callback, which the screen runs once nothing
is left to paint). Also printed: when the app is idle after that, with what it
starts after the first paint (asking who is signed in, say) done too. The same is measured for an empty Textual app as the floor. Also
printed: the app's resident memory with the first page, and after the agent
has scrolled through 1,000 rows (the table only ever holds what was fetched).
Goal: <= 500 ms to the first painted queue.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx

from tests.support.process import ServerProcess

BIN = Path(sys.executable).parent
RESULTS = Path(__file__).resolve().parent / "results"
GOAL_MS = 500.0
AGENT = "tui-bench-agent@bench.example"


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


# -- the child process: one measured start ---------------------------------------------


def child(kind: str, started: float, url: str, token: str) -> None:
    """Run the app headless; print JSON with ms to first paint and memory, then exit."""
    from textual.app import App, ComposeResult
    from textual.pilot import Pilot
    from textual.widgets import Static

    report: dict[str, Any] = {}

    async def first_paint(pilot: Pilot[Any]) -> None:
        app = pilot.app
        if kind == "queue":
            from padcom_tui.widgets.ticket_table import TicketTable

            while (
                not app.screen.query(TicketTable) or not app.screen.query_one(TicketTable).row_count
            ):
                await asyncio.sleep(0.002)
        painted: asyncio.Future[float] = asyncio.get_running_loop().create_future()
        # the screen runs this once nothing is left to paint, i.e. after the rows were drawn
        app.screen.call_after_refresh(lambda: painted.set_result(time.time()))
        report["first_paint_ms"] = (await painted - started) * 1000
        usage = resource.getrusage(resource.RUSAGE_SELF)
        report["cpu_ms"] = (usage.ru_utime + usage.ru_stime) * 1000
        report["rss_mb"] = rss_mb()
        await pilot.pause()  # and what the app starts after the first paint has run too
        report["settled_ms"] = (time.time() - started) * 1000
        if kind == "queue":
            table = app.screen.query_one(TicketTable)
            deadline = time.monotonic() + 60
            while table.row_count < 1000 and time.monotonic() < deadline:
                await pilot.press("pagedown")
                await pilot.pause(0.01)
                while app.screen.loading:
                    await asyncio.sleep(0.005)
            report["rows_after_scrolling"] = table.row_count
            report["rss_after_scrolling_mb"] = rss_mb()
        app.exit()

    if kind == "queue":
        from padcom_tui.main import skip_unused_imports

        skip_unused_imports()  # as padcom-admin does
        from padcom_cli.client.api import PadcomClient
        from padcom_tui.app import PadcomAdmin
        from padcom_tui.settings import AdminSettings

        app: App[Any] = PadcomAdmin(PadcomClient(url, token), settings=AdminSettings(live=False))
    else:

        class Empty(App[None]):
            def compose(self) -> ComposeResult:
                yield Static("hello")

        app = Empty()
    app.run(headless=True, size=(120, 36), auto_pilot=first_paint)
    print(json.dumps(report))


# -- the parent: data, server, runs ------------------------------------------------------


def ensure_database(path: Path, tickets: int) -> str:
    url = f"sqlite:///{path}"
    if not path.exists():
        print(f"generating {tickets:,} tickets into {path} (once; reused next time)...")
        subprocess.run(
            [
                sys.executable,
                "-m",
                "bench.generate",
                "--database-url",
                url,
                "--tickets",
                str(tickets),
            ],
            check=True,
        )
    return url


def agent_token(database_url: str) -> str:
    """A token for a bench agent (created the first time)."""
    from server.helpdesk.tokens import issue
    from server.storage.db import bind, db
    from server.storage.fields import utcnow
    from server.storage.models import User

    bind(database_url)
    with db.connection_context(), db.atomic():
        user = User.get_or_none(User.email == AGENT) or User.create(
            email=AGENT, name="Bench Agent", role="agent", password_hash="!", created_at=utcnow()
        )
        secret, _ = issue(user, timedelta(hours=1))
    db.close()
    return secret


def measure(kind: str, url: str, token: str) -> dict[str, Any]:
    started = time.time()
    out = subprocess.run(
        [sys.executable, "-m", "bench.tui_startup", "--child", kind, str(started), url, token],
        capture_output=True,
        text=True,
        check=True,
    )
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(sys.argv[2], float(sys.argv[3]), sys.argv[4], sys.argv[5])
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--db", type=Path, default=None, help="database file to fill or reuse")
    args = parser.parse_args()
    RESULTS.mkdir(exist_ok=True)
    path = args.db or RESULTS / f"tui-{args.tickets}.db"
    database_url = ensure_database(path, args.tickets)
    token = agent_token(database_url)
    server = ServerProcess(database_url, RESULTS / "tui-server", RESULTS / "tui-server.log")
    url = server.start(timeout=20).url
    try:
        page = httpx.get(
            f"{url}/api/v1/tickets",
            params={"sort": "urgency", "status": "new,open,waiting", "limit": 100},
            headers={"Authorization": f"Bearer {token}"},
            timeout=30,
        )
        page.raise_for_status()  # also warms the server's caches once
        print(f"database: {path} ({args.tickets:,} tickets); server {url}")
        floor = 0.0
        for kind in ("empty", "queue"):
            runs = [measure(kind, url, token) for _ in range(args.runs)]
            paint = statistics.median(r["first_paint_ms"] for r in runs)
            cpu = statistics.median(r["cpu_ms"] for r in runs)
            rss = statistics.median(r["rss_mb"] for r in runs)
            label = "empty Textual app" if kind == "empty" else "padcom-admin queue"
            settled = statistics.median(r["settled_ms"] for r in runs)
            print(f"{label:20} first paint median {paint:6.0f} ms (min "
                  f"{min(r['first_paint_ms'] for r in runs):.0f}), cpu {cpu:.0f} ms, RSS {rss:.0f} MB; "
                  f"idle after {settled:.0f} ms")  # fmt: skip
            if kind == "empty":
                floor = paint
                continue
            last = runs[-1]
            print(f"{'':20} {paint / floor:.2f}x the empty app; after scrolling to "
                  f"{last['rows_after_scrolling']} rows: RSS {last['rss_after_scrolling_mb']:.0f} MB")  # fmt: skip
            verdict = "met" if paint <= GOAL_MS else "MISSED"
            print(f"{'':20} goal <= {GOAL_MS:.0f} ms: {verdict} (load average now "
                  f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")  # fmt: skip
    finally:
        server.stop()


if __name__ == "__main__":
    main()
