"""Servers behind PgBouncer in transaction mode: every write works, every stream hears.

Each transaction gets whichever server connection PgBouncer has free, so a
statement psycopg prepared on one is missing on the next (18 of 20 POSTs
answered 500: ``prepared statement "_pg3_1" does not exist``), and a LISTEN
lasts one transaction. With ``?prepare_threshold=none`` on the pool's URL and
the LISTEN connection going straight to PostgreSQL
(``PADCOM_LISTEN_DATABASE_URL``), both work. Debian's pgbouncer is started
here on a free loopback port.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import psycopg
import pytest

from tests.faults.seed import customer_token
from tests.live.sse import StreamReader
from tests.live.two_servers import api
from tests.support.databases import PG_SERVER, postgres_database, require_postgres
from tests.support.ports import free_port
from tests.support.process import ServerProcess

POSTS = 20
PGBOUNCER = shutil.which("pgbouncer") or "/usr/sbin/pgbouncer"
CONFIG = """[databases]
* = host={host} port={port}
[pgbouncer]
listen_addr = 127.0.0.1
listen_port = {listen}
auth_type = trust
auth_file = {directory}/users.txt
pool_mode = transaction
default_pool_size = 4
ignore_startup_parameters = extra_float_digits,options
unix_socket_dir =
logfile = {directory}/pgbouncer.log
"""


@pytest.fixture
def bouncer() -> Iterator[int]:
    """PgBouncer in transaction mode in front of the test PostgreSQL; yields its port."""
    require_postgres()
    if not Path(PGBOUNCER).exists():
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("pgbouncer is not installed (CI=true: apt-get install pgbouncer)")
        pytest.skip("pgbouncer is not installed (apt-get install pgbouncer)")
    server = urlparse(PG_SERVER)
    directory = Path(tempfile.mkdtemp(prefix="padcom-pgbouncer-"))
    port = free_port()
    (directory / "users.txt").write_text(f'"{server.username or "postgres"}" ""\n')
    config = directory / "pgbouncer.ini"
    config.write_text(
        CONFIG.format(
            host=server.hostname, port=server.port or 5432, listen=port, directory=directory
        )
    )
    as_user = []
    if os.geteuid() == 0:  # pgbouncer will not run as root
        shutil.chown(directory, "postgres")
        for item in directory.iterdir():
            shutil.chown(item, "postgres")
        as_user = ["-u", "postgres"]
    process = subprocess.Popen([PGBOUNCER, *as_user, str(config)])
    try:
        _wait_for(port)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=10)
        shutil.rmtree(directory, ignore_errors=True)


def _wait_for(port: int) -> None:
    deadline = time.monotonic() + 30
    while True:
        try:
            with psycopg.connect(f"postgresql://postgres@127.0.0.1:{port}/postgres"):
                return
        except psycopg.OperationalError:
            assert time.monotonic() < deadline, "pgbouncer did not start"
            time.sleep(0.2)


@pytest.fixture
def direct_url() -> Iterator[str]:
    require_postgres()
    with postgres_database() as url:
        yield url


def test_two_servers_behind_pgbouncer_in_transaction_mode_write_and_hear_everything(
    bouncer: int, direct_url: str, tmp_path: Path
) -> None:
    name = urlparse(direct_url).path
    pooled = f"postgresql://postgres@127.0.0.1:{bouncer}{name}?prepare_threshold=none"
    env = {"PADCOM_LISTEN_DATABASE_URL": direct_url}
    a = ServerProcess(pooled, tmp_path, tmp_path / "a.log", env=env)
    b = ServerProcess(pooled, tmp_path, tmp_path / "b.log", env=env)
    stream: StreamReader | None = None
    try:
        a.start()
        b.start()
        agent, customer = customer_token(direct_url, role="agent"), customer_token(direct_url)
        stream = StreamReader(b.url, agent)
        filed = []
        with api(a, customer) as client:
            for n in range(POSTS):
                reply = client.post("/tickets", json={"subject": f"via pgbouncer {n}", "body": "-"})
                assert reply.status_code == 201, reply.text
                filed.append(reply.json()["number"])
        assert [stream.next(timeout=15)["ticket"] for _ in filed] == filed
        with api(b, agent) as client:
            assert client.get(f"/tickets/{filed[-1]}").status_code == 200
    finally:
        if stream is not None:
            stream.close()
        a.stop()
        b.stop()
