"""Load test of padcom-server against a bare FastAPI endpoint, with wrk at 32 connections.

    .venv/bin/python -m bench.load [--seconds 10] [--workers 1,2] [--tickets 2000]
    .venv/bin/python -m bench.load --database-url private --instances 1,3 --workers 2

With ``--database-url`` (a PostgreSQL server URL, or ``private`` for a
throwaway cluster of the bench's own with ``pg_stat_statements`` loaded and
fsync on) the same run measures SQLite first and then PostgreSQL, in a fresh
database, with each count of ``--instances`` (N ``padcom-server`` processes
behind haproxy, as deployed; one instance is measured straight and behind
haproxy, and N instances both with ``--workers`` each and with the workers
spread over them: see ``bench/scale_out.py``), and adds per request: statements sent to
PostgreSQL, how long the event-order lock was held per create, and the CPU of
the Python processes and of PostgreSQL's backends (``bench/pg_probe.py``).
Goals (issue 14): POST /tickets on PostgreSQL, one instance, 2 workers >= 0.8x
SQLite's in the same run with 0 errors, <= 12 statements per create, the lock
held <= 0.5 ms per create; three instances >= one instance's rate.

Starts everything itself on loopback: a temporary SQLite data directory
(``synchronous=full``, the production default) seeded by ``padcom-server demo``,
``padcom-server serve --workers N``, and ``uvicorn bench.bare_app:app`` with the
same number of workers as the baseline. Prints req/s, p50, p99 and the ratio to
the baseline for GET /tickets/{n}, GET /tickets (a page of 50) and POST /tickets.
Goals (2 cores, 2 workers): GET ticket >= 4,000 req/s with p99 <= 25 ms; create >= 1,000/s.
The last column is the server's CPU time per request (all its processes, from
/proc): on a shared machine whose load swings, it is the steadier number.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from bench import wrk
from server.helpdesk.password_policy import DEMO_PASSWORD
from tests.support.limits import NO_WRITE_LIMITS_ENV
from tests.support.ports import free_port

BIN = Path(sys.executable).parent
CONNECTIONS = 32


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) used so far by process ``pid`` and its children (Linux /proc)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    pending = [pid]
    while pending:
        current = pending.pop()
        try:
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / ticks
            pending += [
                int(c) for c in Path(f"/proc/{current}/task/{current}/children").read_text().split()
            ]
        except (FileNotFoundError, ProcessLookupError):
            continue
    return total


@contextmanager
def serving(command: list[str], env: dict[str, str], ready_path: str) -> Iterator[tuple[str, int]]:
    """Run a server command on a free loopback port until the block ends; yields (URL, pid)."""
    port = free_port()
    process = subprocess.Popen(
        [*command, "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):  # up to 60 s
            try:
                httpx.get(url + ready_path, timeout=1)
                break
            except httpx.TransportError:
                if process.poll() is not None:
                    raise SystemExit(f"{command[0]} exited with {process.returncode}") from None
                time.sleep(0.1)
        yield url, process.pid
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


def _token(url: str, email: str) -> str:
    reply = httpx.post(
        f"{url}/api/v1/auth/login", json={"email": email, "password": DEMO_PASSWORD}, timeout=30
    )
    reply.raise_for_status()
    token: str = reply.json()["token"]
    return token


def _scripts(directory: Path, url: str, tickets: int) -> dict[str, Path]:
    """wrk scripts: staff read random tickets and pages, a customer files tickets."""
    staff, customer = _token(url, "agent@padcom.test"), _token(url, "customer@padcom.test")
    body = json.dumps({"subject": "Load test", "body": "The site is slow under load."})
    sources = {
        "GET /tickets/{n}": wrk.lua_request(
            "GET", f'"/api/v1/tickets/" .. math.random(1, {tickets})', staff
        ),
        "GET /tickets (50)": wrk.lua_request("GET", '"/api/v1/tickets?limit=50"', staff),
        "POST /tickets": wrk.lua_request("POST", '"/api/v1/tickets"', customer, body),
    }
    paths = {}
    for i, (name, source) in enumerate(sources.items()):
        paths[name] = directory / f"script{i}.lua"
        paths[name].write_text(source)
    return paths


def measure(url: str, script: Path, pid: int, seconds: int) -> tuple[wrk.Result, float]:
    """wrk's result and the server's CPU milliseconds per request during the run.

    CPU per request stays meaningful on a shared, busy machine where req/s does not.
    """
    before = cpu_seconds(pid)
    result = wrk.run(url, script, connections=CONNECTIONS, seconds=seconds)
    used = cpu_seconds(pid) - before
    requests = max(1.0, result.requests_per_second * seconds)
    return result, used / requests * 1000


def _row(name: str, measured: tuple[wrk.Result, float], baseline: wrk.Result | None) -> str:
    result, cpu_ms = measured
    rps = result.requests_per_second
    ratio = f"{rps / baseline.requests_per_second:6.2f}" if baseline else "     -"
    return (
        f"  {name:<20} {rps:9.0f} {result.p50_ms:8.2f} {result.p99_ms:8.2f} {ratio} "
        f"{result.errors:7d} {cpu_ms:10.3f}"
    )


def bench(workers: int, seconds: int, tickets: int, env: dict[str, str], tmp: Path) -> None:
    print(f"\n{workers} worker(s), {CONNECTIONS} connections, {seconds} s each")
    print(
        f"  {'endpoint':<20} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'ratio':>6} "
        f"{'errors':>7} {'CPU ms/req':>8}"
    )
    bare_cmd = [str(BIN / "uvicorn"), "bench.bare_app:app", "--no-access-log", "--log-level"]
    bare_cmd += ["warning", "--workers", str(workers)]
    with serving(bare_cmd, env, "/ping") as (url, pid):
        ping = tmp / "ping.lua"
        ping.write_text('request = function() return wrk.format("GET", "/ping") end\n')
        base = measure(url + "/ping", ping, pid, seconds)
    print(_row("bare FastAPI /ping", base, None))
    serve = [str(BIN / "padcom-server"), "serve", "--workers", str(workers)]
    with serving(serve, env, "/openapi.json") as (url, pid):
        for name, script in _scripts(tmp, url, tickets).items():
            print(_row(name, measure(url, script, pid, seconds), base[0]), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--seconds", type=int, default=10, help="duration of each wrk run (max 60)")
    parser.add_argument("--workers", default="1,2", help="worker counts to try, e.g. 1,2")
    parser.add_argument("--tickets", type=int, default=2000, help="tickets to seed")
    parser.add_argument(
        "--database-url", help="PostgreSQL server URL (or 'private'): compare it with SQLite"
    )
    parser.add_argument(
        "--instances", default="1", help="with --database-url: instance counts, e.g. 1,3"
    )
    args = parser.parse_args()
    wrk.require_wrk()
    seconds = max(1, min(args.seconds, 60))
    with tempfile.TemporaryDirectory(prefix="padcom-bench-") as directory:
        tmp = Path(directory)
        # a load test floods as one customer: the write limits are raised, as an operator would
        env = dict(os.environ, PADCOM_DATA_DIR=str(tmp / "data"), **NO_WRITE_LIMITS_ENV)
        env.pop("PADCOM_DATABASE_URL", None)
        if args.database_url:
            from bench.scale_out import compare

            counts = [int(n) for n in args.instances.split(",")]
            worker_counts = [int(w) for w in args.workers.split(",")]
            compare(args.database_url, counts, worker_counts, seconds, args.tickets, env, tmp)
            return
        print(f"seeding {args.tickets} tickets into {tmp / 'data'} (SQLite, synchronous=full) ...")
        subprocess.run(
            [str(BIN / "padcom-server"), "demo", "--tickets", str(args.tickets)],
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        for workers in (int(w) for w in args.workers.split(",")):
            bench(workers, seconds, args.tickets, env, tmp)


if __name__ == "__main__":
    main()
