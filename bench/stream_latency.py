"""Create-to-stream latency: a ticket is filed, how long until every open stream has it?

Run: .venv/bin/python bench/stream_latency.py [--tickets 40] [--database-url postgresql://...]
Starts `padcom-server serve` on a free loopback port (a throw-away SQLite
database unless --database-url names an empty PostgreSQL one), adds an agent
and a customer, opens 1, 10 and 100 agent streams, files tickets one after
another and measures, per stream, from just before the POST is sent to the
moment its event arrives. Baseline: the POST's own round trip. Goal: p99
<= 20 ms with 100 streams. Loopback only; every wait is bounded.

Two more modes (bench/stream_modes.py):

--mode cross    `serve --workers 2` on SQLite: 8 agent streams spread over both
                workers, tickets filed through either; an event that must cross
                from one worker to the other shows the cross-process wake-up.
                Goal: p99 <= 50 ms. An event not delivered within --wait s
                counts as --wait (so a missed wake-up shows as the worst case).
--mode hostile  one customer opens 300 streams, each resuming at another point
                of a 2,000-event history and reconnecting again and again; one
                agent stream's latency is measured before the storm and during it.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from tests.support.limits import NO_WRITE_LIMITS_ENV
from tests.support.ports import free_port

BIN = Path(sys.executable).parent
PASSWORD = "bench password 1234"
STREAM_COUNTS = (1, 10, 100)
GOAL_P99_MS = 20.0


def cpu_ms(pid: int) -> float:
    """CPU time (user + system) a process has used so far, from /proc (Linux)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) * 1000 / os.sysconf("SC_CLK_TCK")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def start_server(env: dict[str, str], *serve: str) -> tuple[subprocess.Popen[bytes], str]:
    for email, role in (("agent@bench.test", "agent"), ("customer@bench.test", "customer")):
        extra = ["--org", "Bench Hosting"] if role == "customer" else []
        subprocess.run(
            [
                BIN / "padcom-server",
                "user",
                "add",
                email,
                "--role",
                role,
                *extra,
                "--password-stdin",
            ],
            input=PASSWORD.encode(),
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
    port = free_port()
    server = subprocess.Popen(
        [BIN / "padcom-server", "serve", "--port", str(port), *serve],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            httpx.get(f"{url}/api/v1/me", timeout=1)
            return server, url
        except httpx.TransportError:
            time.sleep(0.1)
    server.kill()
    raise SystemExit("the server did not start")


def token(url: str, email: str) -> str:
    response = httpx.post(f"{url}/api/v1/auth/login", json={"email": email, "password": PASSWORD})
    response.raise_for_status()
    return str(response.json()["token"])


class StreamRefused(SystemExit):
    """The server answered a stream request with something other than 200 (a cap, say)."""


TICKET = re.compile(rb'"ticket":(\d+)')


async def open_stream(
    port: int, token: str, last_event_id: int | None = None
) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    """A raw HTTP/1.1 stream request: cheaper to read than httpx-sse, so the bench client
    (one process holding every stream) measures the server rather than itself."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    resume = f"Last-Event-ID: {last_event_id}\r\n" if last_event_id is not None else ""
    writer.write(
        (
            "GET /api/v1/events/stream HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            f"Authorization: Bearer {token}\r\nAccept: text/event-stream\r\n{resume}\r\n"
        ).encode()
    )
    await writer.drain()
    head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 10)
    if not head.startswith(b"HTTP/1.1 200"):
        writer.close()
        raise StreamRefused(f"stream refused: {head[:80]!r}")
    return reader, writer  # the writer must live on: dropping it closes the connection


async def measure(
    url: str, pid: int, agent: str, customer: str, streams: int, tickets: int
) -> dict[str, list[float]]:
    """Per-stream latencies (ms), POST round trips (ms) and the server's CPU ms per create."""
    arrivals: dict[int, list[float]] = {}
    complete: dict[int, asyncio.Event] = {}

    async def read(reader: asyncio.StreamReader) -> None:
        while chunk := await reader.read(65536):
            now = time.perf_counter()
            for found in TICKET.finditer(chunk):
                number = int(found.group(1))
                arrivals.setdefault(number, []).append(now)
                if len(arrivals[number]) == streams:
                    complete.setdefault(number, asyncio.Event()).set()

    port = int(url.rsplit(":", 1)[1])
    connections = [await open_stream(port, agent) for _ in range(streams)]
    tasks = [asyncio.create_task(read(reader)) for reader, _ in connections]
    latencies: list[float] = []
    posts: list[float] = []
    headers = {"Authorization": f"Bearer {customer}"}
    async with httpx.AsyncClient(base_url=f"{url}/api/v1", timeout=10) as client:
        cpu_before = 0.0
        for i in range(tickets + 3):
            if i == 3:
                cpu_before = cpu_ms(pid)  # the first three warm up
            start = time.perf_counter()
            response = await client.post(
                "/tickets", json={"subject": f"bench {i}", "body": "-"}, headers=headers
            )
            posted = time.perf_counter()
            number = response.json()["number"]
            await asyncio.wait_for(complete.setdefault(number, asyncio.Event()).wait(), 10)
            if i >= 3:
                posts.append((posted - start) * 1000)
                latencies += [(t - start) * 1000 for t in arrivals[number]]
        cpu = (cpu_ms(pid) - cpu_before) / tickets
    for task in tasks:
        task.cancel()
    for _, writer in connections:
        writer.close()
    return {"latency": latencies, "post": posts, "cpu": [cpu]}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--tickets", type=int, default=40, help="tickets filed per stream count")
    parser.add_argument(
        "--database-url", default="", help="an empty PostgreSQL database (default: SQLite)"
    )
    parser.add_argument("--mode", choices=("fanout", "cross", "hostile"), default="fanout")
    parser.add_argument("--wait", type=float, default=5.0, help="cross: longest wait per event")
    args = parser.parse_args()
    if args.mode != "fanout":
        from bench.stream_modes import run_mode

        run_mode(args)
        return
    with tempfile.TemporaryDirectory() as data:
        env = dict(
            os.environ,
            PADCOM_DATA_DIR=data,
            PADCOM_DATABASE_URL=args.database_url,
            **NO_WRITE_LIMITS_ENV,  # one customer files every ticket: limits raised
            PADCOM_STREAMS_PER_USER=str(max(STREAM_COUNTS)),  # one agent holds them all
        )
        server, url = start_server(env)
        try:
            agent, customer = token(url, "agent@bench.test"), token(url, "customer@bench.test")
            backend = "PostgreSQL" if args.database_url else "SQLite"
            load = os.getloadavg()[0]
            print(f"padcom-server on {url} ({backend}), {args.tickets} tickets per row, ms")
            print(
                f"(load average {load:.1f} on {os.cpu_count()} CPUs; goal p99 <= {GOAL_P99_MS:g} ms at 100)"
            )
            print(
                f"{'streams':>7} {'p50':>7} {'p99':>7} {'max':>7} {'POST p50':>9} {'server CPU/ticket':>18}"
            )
            for streams in STREAM_COUNTS:
                result = asyncio.run(
                    measure(url, server.pid, agent, customer, streams, args.tickets)
                )
                lat = result["latency"]
                print(
                    f"{streams:>7} {percentile(lat, 50):>7.1f} {percentile(lat, 99):>7.1f} "
                    f"{max(lat):>7.1f} {statistics.median(result['post']):>9.1f} "
                    f"{result['cpu'][0]:>18.1f}"
                )
        finally:
            server.terminate()
            server.wait(15)


if __name__ == "__main__":
    main()
