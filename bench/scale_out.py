"""``bench.load --database-url``: POST and GET on SQLite, then on PostgreSQL with 1..N
instances behind haproxy, side by side in one run (see ``bench/load.py``)."""

from __future__ import annotations

import subprocess
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg

from bench import wrk
from bench.load import BIN, CONNECTIONS, _scripts, cpu_seconds, serving
from bench.pg_probe import Probe, Probed
from tests.scale.balancer import Balancer

ENDPOINTS = ("GET /tickets/{n}", "POST /tickets")
HEADER = (
    f"  {'endpoint':<18} {'req/s':>7} {'p50 ms':>7} {'p99 ms':>7} {'errors':>6} "
    f"{'q/req':>6} {'lock ms/create':>14} {'py CPU ms':>9} {'pg CPU ms':>9} {'deadlocks':>9}"
)


@contextmanager
def postgres_server(database_url: str) -> Iterator[str]:
    """The server URL to make the bench's database on; ``private``: a cluster of its own."""
    if database_url != "private":
        parts = urlsplit(database_url)
        yield urlunsplit((parts.scheme, parts.netloc, "", "", ""))
        return
    from tests.support.private_postgres import private_postgres

    settings = ("fsync=on", "max_connections=200", "shared_preload_libraries=pg_stat_statements")
    with private_postgres(*settings) as cluster:
        yield cluster.url


@contextmanager
def fresh_database(server: str) -> Iterator[str]:
    """A new database on ``server`` (with pg_stat_statements when loaded), dropped afterwards."""
    name = f"padcom_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    url = f"{server}/{name}"
    try:
        with psycopg.connect(url, autocommit=True) as conn:
            loaded = str(conn.execute("SHOW shared_preload_libraries").fetchone()[0])  # type: ignore[index]
            if "pg_stat_statements" in loaded:
                conn.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements")
        yield url
    finally:
        with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def instances(
    count: int, workers: int, env: dict[str, str], tmp: Path, *, balanced: bool | None = None
) -> Iterator[tuple[str, list[int]]]:
    """``count`` servers (``--workers`` each), behind haproxy when more than one (or
    ``balanced``); yields the URL to load and the servers' pids."""
    with ExitStack() as stack:
        started = []
        for n in range(count):
            serve = [str(BIN / "padcom-server"), "serve", "--workers", str(workers)]
            # SQLite's data directory is its database: the first instance keeps it
            own = env["PADCOM_DATA_DIR"] + (f"-{n}" if n else "")
            instance_env = dict(env, PADCOM_DATA_DIR=own)
            started.append(stack.enter_context(serving(serve, instance_env, "/openapi.json")))
        pids = [pid for _, pid in started]
        if not (count > 1 if balanced is None else balanced):
            yield started[0][0], pids
            return
        backends = [url.removeprefix("http://") for url, _ in started]
        balancer = Balancer(backends, tmp, check_every="2s")
        stack.callback(balancer.stop)
        yield balancer.url, pids


def _row(name: str, result: wrk.Result, seconds: int, py_cpu: float, pg: Probed | None) -> str:
    requests = max(1.0, result.requests_per_second * seconds)
    queries = lock = pg_cpu = deadlocks = "-"
    if pg is not None:
        if pg.statements is not None:
            queries = f"{pg.statements / requests:.1f}"
        if name.startswith("POST"):
            lock = f"{pg.lock_held_seconds / requests * 1000:.3f}"
        pg_cpu = f"{pg.backend_cpu_seconds / requests * 1000:.2f}"
        deadlocks = str(pg.deadlocks)
    return (
        f"  {name:<18} {result.requests_per_second:7.0f} {result.p50_ms:7.1f} "
        f"{result.p99_ms:7.1f} {result.errors:6d} {queries:>6} {lock:>14} "
        f"{py_cpu / requests * 1000:9.2f} {pg_cpu:>9} {deadlocks:>9}"
    )


def measure_all(
    label: str,
    url: str,
    pids: list[int],
    database_url: str | None,
    seconds: int,
    tickets: int,
    tmp: Path,
) -> dict[str, float]:
    """Run each endpoint; print a row each; return req/s per endpoint."""
    print(f"\n{label}\n{HEADER}", flush=True)
    rates = {}
    scripts = _scripts(tmp, url, tickets)
    for name in ENDPOINTS:
        probe = Probe(database_url) if database_url else None
        before = sum(cpu_seconds(pid) for pid in pids)
        if probe is not None and database_url is not None:
            probe.start(database_url)
        result = wrk.run(url, scripts[name], connections=CONNECTIONS, seconds=seconds)
        probed = probe.stop() if probe is not None else None
        if probe is not None:
            probe.close()
        used = sum(cpu_seconds(pid) for pid in pids) - before
        print(_row(name, result, seconds, used, probed), flush=True)
        rates[name] = result.requests_per_second
    return rates


def seed(env: dict[str, str], tickets: int) -> None:
    subprocess.run(
        [str(BIN / "padcom-server"), "demo", "--tickets", str(tickets)],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )


def layouts(counts: list[int], workers: int) -> list[tuple[int, int, bool]]:
    """(instances, workers each, behind haproxy) to measure on PostgreSQL.

    One instance straight (the goal against SQLite) and, when more are asked
    for, one behind haproxy too, so the rows compare instances and not the
    balancer's hop; and each count N both with ``workers`` each (N x workers
    processes on the box) and with the box's processes spread over N instances
    (``workers // N``, at least one), the fair test on a machine of few cores.
    """
    found = [(1, workers, False)]
    if any(n > 1 for n in counts):
        found.append((1, workers, True))
    for n in (n for n in counts if n > 1):
        found.append((n, workers, True))
        if max(1, workers // n) != workers:
            found.append((n, max(1, workers // n), True))
    return found


def compare(
    database_url: str,
    counts: list[int],
    workers: list[int],
    seconds: int,
    tickets: int,
    env: dict[str, str],
    tmp: Path,
) -> None:
    """SQLite, then PostgreSQL in each layout, for each worker count."""
    sqlite_env = dict(env, PADCOM_DATA_DIR=str(tmp / "sqlite"))
    seed(sqlite_env, tickets)
    with postgres_server(database_url) as server, fresh_database(server) as url:
        pg_env = dict(env, PADCOM_DATA_DIR=str(tmp / "pg"), PADCOM_DATABASE_URL=url)
        print(f"seeding {tickets} tickets into {url.rpartition('@')[2]} ...", flush=True)
        seed(pg_env, tickets)
        for w in workers:
            with instances(1, w, sqlite_env, tmp) as (base, pids):
                sqlite = measure_all(
                    f"SQLite, {w} worker(s)", base, pids, None, seconds, tickets, tmp
                )
            one: dict[str, float] = {}
            for n, each, balanced in layouts(counts, w):
                with instances(n, each, pg_env, tmp, balanced=balanced) as (base, pids):
                    label = f"PostgreSQL, {n} instance(s) x {each} worker(s)"
                    label += f" = {n * each} processes" + (", behind haproxy" if balanced else "")
                    pg = measure_all(label, base, pids, url, seconds, tickets, tmp)
                post, get = pg["POST /tickets"], pg["GET /tickets/{n}"]
                if n == 1 and not balanced:
                    ratio = post / max(1.0, sqlite["POST /tickets"])
                    print(f"  POST /tickets: {ratio:.2f}x SQLite's rate", flush=True)
                if n == 1 and balanced:
                    one = pg
                elif one:
                    print(
                        f"  against one instance behind haproxy: POST "
                        f"{post / max(1.0, one['POST /tickets']):.2f}x, GET "
                        f"{get / max(1.0, one['GET /tickets/{n}']):.2f}x",
                        flush=True,
                    )
