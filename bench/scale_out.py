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
    f"{'q/req':>6} {'lock ms/create':>14} {'py CPU ms':>9} {'pg CPU ms':>9}"
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
    count: int, workers: int, env: dict[str, str], tmp: Path
) -> Iterator[tuple[str, list[int]]]:
    """``count`` servers (``--workers`` each), behind haproxy when more than one."""
    with ExitStack() as stack:
        started = []
        for n in range(count):
            serve = [str(BIN / "padcom-server"), "serve", "--workers", str(workers)]
            # SQLite's data directory is its database: the first instance keeps it
            own = env["PADCOM_DATA_DIR"] + (f"-{n}" if n else "")
            instance_env = dict(env, PADCOM_DATA_DIR=own)
            started.append(stack.enter_context(serving(serve, instance_env, "/openapi.json")))
        pids = [pid for _, pid in started]
        if count == 1:
            yield started[0][0], pids
            return
        balancer = Balancer([url.removeprefix("http://") for url, _ in started], tmp)
        stack.callback(balancer.stop)
        yield balancer.url, pids


def _row(name: str, result: wrk.Result, seconds: int, py_cpu: float, pg: Probed | None) -> str:
    requests = max(1.0, result.requests_per_second * seconds)
    queries = lock = pg_cpu = "-"
    if pg is not None:
        if pg.statements is not None:
            queries = f"{pg.statements / requests:.1f}"
        if name.startswith("POST"):
            lock = f"{pg.lock_held_seconds / requests * 1000:.3f}"
        pg_cpu = f"{pg.backend_cpu_seconds / requests * 1000:.2f}"
    return (
        f"  {name:<18} {result.requests_per_second:7.0f} {result.p50_ms:7.1f} "
        f"{result.p99_ms:7.1f} {result.errors:6d} {queries:>6} {lock:>14} "
        f"{py_cpu / requests * 1000:9.2f} {pg_cpu:>9}"
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


def compare(
    database_url: str,
    counts: list[int],
    workers: list[int],
    seconds: int,
    tickets: int,
    env: dict[str, str],
    tmp: Path,
) -> None:
    """SQLite, then PostgreSQL with each instance count, for each worker count."""
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
            for n in counts:
                with instances(n, w, pg_env, tmp) as (base, pids):
                    label = f"PostgreSQL, {n} instance(s) x {w} worker(s)"
                    pg = measure_all(label, base, pids, url, seconds, tickets, tmp)
                ratio = pg["POST /tickets"] / max(1.0, sqlite["POST /tickets"])
                print(f"  POST /tickets: {ratio:.2f}x SQLite's rate", flush=True)
