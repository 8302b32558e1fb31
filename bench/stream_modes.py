"""The cross-worker and hostile-streams modes of ``bench/stream_latency.py``.

Both print p50/p99 of the time from just before a ticket's POST to its event on
an agent's stream, beside a baseline measured in the same run.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import tempfile
import time

import httpx

from bench.stream_latency import (
    TICKET,
    StreamRefused,
    open_stream,
    percentile,
    start_server,
    token,
)
from tests.support.limits import NO_WRITE_LIMITS_ENV

CROSS_STREAMS = 8
CROSS_GOAL_P99_MS = 50.0
HOSTILE_STREAMS = 300
HOSTILE_HISTORY = 2000
HOSTILE_TICKETS = 20
HOSTILE_SECONDS = 60.0


async def _arrivals(
    port: int, agent: str, streams: int
) -> tuple[dict[int, list[float]], list[asyncio.Task[None]], list[asyncio.StreamWriter]]:
    """``streams`` agent streams whose arrival times per ticket number are collected."""
    arrivals: dict[int, list[float]] = {}

    async def read(reader: asyncio.StreamReader) -> None:
        while chunk := await reader.read(65536):
            now = time.perf_counter()
            for found in TICKET.finditer(chunk):
                arrivals.setdefault(int(found.group(1)), []).append(now)

    connections = [await open_stream(port, agent) for _ in range(streams)]
    tasks = [asyncio.create_task(read(reader)) for reader, _ in connections]
    return arrivals, tasks, [writer for _, writer in connections]


def _hang_up(tasks: list[asyncio.Task[None]], writers: list[asyncio.StreamWriter]) -> None:
    for task in tasks:
        task.cancel()
    for writer in writers:
        writer.close()


async def _file_and_time(
    client: httpx.AsyncClient,
    customer: str,
    arrivals: dict[int, list[float]],
    streams: int,
    tickets: int,
    wait: float,
) -> tuple[list[float], list[float], int]:
    """File ``tickets`` one after another; per-stream latencies (ms), POST times, misses."""
    latencies: list[float] = []
    posts: list[float] = []
    missed = 0
    headers = {"Authorization": f"Bearer {customer}"}
    for i in range(tickets):
        start = time.perf_counter()
        response = await client.post(
            "/tickets", json={"subject": f"bench {i}", "body": "-"}, headers=headers
        )
        posts.append((time.perf_counter() - start) * 1000)
        number = response.json()["number"]
        deadline = start + wait
        while len(arrivals.get(number, ())) < streams and time.perf_counter() < deadline:
            await asyncio.sleep(0.001)
        got = arrivals.get(number, [])
        latencies += [(t - start) * 1000 for t in got]
        missed += streams - len(got)
        latencies += [wait * 1000] * (streams - len(got))
    return latencies, posts, missed


async def _cross(url: str, agent: str, customer: str, tickets: int, wait: float) -> None:
    port = int(url.rsplit(":", 1)[1])
    arrivals, tasks, writers = await _arrivals(port, agent, CROSS_STREAMS)
    async with httpx.AsyncClient(
        base_url=f"{url}/api/v1", timeout=10, limits=httpx.Limits(max_keepalive_connections=0)
    ) as client:  # a new connection per POST, so the POSTs land on either worker
        lat, posts, missed = await _file_and_time(
            client, customer, arrivals, CROSS_STREAMS, tickets, wait
        )
    _hang_up(tasks, writers)
    print(f"{CROSS_STREAMS} agent streams on `serve --workers 2` (SQLite), {tickets} tickets, ms")
    print(f"(goal p99 <= {CROSS_GOAL_P99_MS:g} ms; a missed event counts as {wait:g} s)")
    print(f"{'p50':>8} {'p99':>8} {'max':>8} {'missed':>7} {'POST p50 (baseline)':>20}")
    print(
        f"{percentile(lat, 50):>8.1f} {percentile(lat, 99):>8.1f} {max(lat):>8.1f} "
        f"{missed:>7} {percentile(posts, 50):>20.1f}"
    )


async def _hostile_storm(port: int, customer: str, latest: int, stop: asyncio.Event) -> list[int]:
    """300 streams of one customer, each resuming somewhere else, over and over."""
    outcomes = [0, 0]  # [accepted, refused]

    async def one() -> None:
        while not stop.is_set():
            try:
                reader, writer = await open_stream(port, customer, random.randrange(latest))
            except (StreamRefused, OSError, TimeoutError):
                outcomes[1] += 1
                await asyncio.sleep(0.5)
                continue
            outcomes[0] += 1
            end = time.monotonic() + 1.0
            while time.monotonic() < end and not stop.is_set():
                try:
                    if not await asyncio.wait_for(reader.read(65536), 0.2):
                        break  # the server ended the stream
                except TimeoutError:
                    continue
            writer.close()

    tasks = [asyncio.create_task(one()) for _ in range(HOSTILE_STREAMS)]
    await stop.wait()
    await asyncio.wait(tasks, timeout=10)
    return outcomes


async def _hostile(url: str, agent: str, customer: str, victim: str, wait: float) -> None:
    port = int(url.rsplit(":", 1)[1])
    headers = {"Authorization": f"Bearer {customer}"}
    async with httpx.AsyncClient(base_url=f"{url}/api/v1", timeout=30, headers=headers) as api:
        number = (await api.post("/tickets", json={"subject": "history", "body": "-"})).json()[
            "number"
        ]
        sem = asyncio.Semaphore(8)

        async def reply(i: int) -> None:
            async with sem:
                await api.post(f"/tickets/{number}/messages", json={"body": f"note {i}"})

        await asyncio.gather(*(reply(i) for i in range(HOSTILE_HISTORY)))
        latest = (await api.get("/events/latest")).json()["id"]
    arrivals, tasks, writers = await _arrivals(port, agent, 1)
    async with httpx.AsyncClient(base_url=f"{url}/api/v1", timeout=30) as client:
        quiet, _, _ = await _file_and_time(client, victim, arrivals, 1, HOSTILE_TICKETS, wait)
        stop = asyncio.Event()
        storm = asyncio.create_task(_hostile_storm(port, customer, latest, stop))
        await asyncio.sleep(3)  # let the storm build up
        stormy, _, missed = await _file_and_time(client, victim, arrivals, 1, HOSTILE_TICKETS, wait)
        stop.set()
        accepted, refused = await storm
    _hang_up(tasks, writers)
    print(f"one agent stream; {HOSTILE_STREAMS} streams of one customer resuming at random")
    print(f"points of a {HOSTILE_HISTORY}-event history; {HOSTILE_TICKETS} tickets each, ms")
    print(f"{'':>14} {'p50':>8} {'p99':>8} {'max':>8}")
    for label, lat in (("quiet", quiet), ("under storm", stormy)):
        print(
            f"{label:>14} {percentile(lat, 50):>8.1f} {percentile(lat, 99):>8.1f} {max(lat):>8.1f}"
        )
    print(f"storm streams accepted {accepted}, refused {refused}; agent events missed {missed}")


def run_mode(args: argparse.Namespace) -> None:
    """Start the server the mode needs, run it, print the table."""
    if args.mode == "cross" and args.database_url:
        raise SystemExit("--mode cross measures SQLite's cross-process wake-up; no --database-url")
    with tempfile.TemporaryDirectory() as data:
        env = dict(
            os.environ,
            PADCOM_DATA_DIR=data,
            PADCOM_DATABASE_URL=args.database_url,
            **NO_WRITE_LIMITS_ENV,  # one customer files every ticket: limits raised
        )
        serve = ("--workers", "2") if args.mode == "cross" else ()
        server, url = start_server(env, *serve)
        try:
            agent, customer = token(url, "agent@bench.test"), token(url, "customer@bench.test")
            print(f"(load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs)")
            if args.mode == "cross":
                asyncio.run(_cross(url, agent, customer, args.tickets, args.wait))
            else:
                victim = token(url, "customer@bench.test")
                asyncio.run(_hostile(url, agent, customer, victim, args.wait))
        finally:
            server.terminate()
            server.wait(15)
