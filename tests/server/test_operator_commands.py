"""``padcom-server`` as an operator runs it: real processes on a database of their own.

Every test that serves also proves a graceful stop: ``_serving`` sends SIGTERM
and requires the process to finish its shutdown within 15 s.
"""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from tests.support.operator import operator_env, run_server_command
from tests.support.process import ServerProcess

SERVER = [str(Path(sys.executable).parent / "padcom-server")]


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def env(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[dict[str, str]]:
    """The environment of an operator whose database is new and empty."""
    with operator_env(request.param, tmp_path) as values:
        yield values


def run(env: dict[str, str], *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return run_server_command(env, *args, stdin=stdin, timeout=120)


def _add_user(
    env: dict[str, str], email: str, password: str, *options: str
) -> subprocess.CompletedProcess[str]:
    return run(env, "user", "add", email, *options, "--password-stdin", stdin=password + "\n")


def test_migrate_reports_the_version_and_is_idempotent(env: dict[str, str]) -> None:
    first = run(env, "migrate")
    assert first.returncode == 0, first.stderr
    assert first.stdout.startswith("schema at version ") and "(was 0)" in first.stdout
    again = run(env, "migrate")
    assert again.returncode == 0
    assert again.stdout.strip() == first.stdout.split(" (was")[0].strip()


def test_two_processes_migrating_a_fresh_database_both_succeed(env: dict[str, str]) -> None:
    both = [
        subprocess.Popen(
            [*SERVER, "migrate"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for _ in range(2)
    ]
    results = [(p.wait(timeout=120), *p.communicate()) for p in both]
    assert [code for code, _, _ in results] == [0, 0], results
    versions = {out.split(" (was")[0].strip() for _, out, _ in results}
    assert len(versions) == 1


def test_user_add_creates_the_organization_once_and_refuses_a_taken_email_or_weak_password(
    env: dict[str, str],
) -> None:
    added = _add_user(env, "Jo@Example.com", "lighthouse keeper 1987", "--org", "Acme Hosting")
    assert added.returncode == 0, added.stderr
    assert "added customer jo@example.com" in added.stdout
    colleague = _add_user(
        env, "kim@example.com", "harbour crane at dusk", "--org", "Acme Hosting", "--name", "Kim"
    )
    assert colleague.returncode == 0, colleague.stderr
    again = _add_user(env, "JO@example.com", "another fine passphrase", "--org", "Acme Hosting")
    assert again.returncode == 1
    assert "already exists" in again.stderr and "Traceback" not in again.stderr
    weak = _add_user(env, "agent@example.com", "password123456", "--role", "agent")
    assert weak.returncode == 1
    assert "too well known" in weak.stderr and "Traceback" not in weak.stderr
    agent = _add_user(env, "agent@example.com", "quiet pine orchard 42", "--role", "agent")
    assert agent.returncode == 0, agent.stderr
    with _serving(env) as url:
        login = httpx.post(
            f"{url}/api/v1/auth/login",
            json={"email": "kim@example.com", "password": "harbour crane at dusk"},
        )
        assert login.status_code == 200, login.text
        me = login.json()["user"]
        assert me["name"] == "Kim" and me["organization"]["name"] == "Acme Hosting"
        jo = httpx.post(
            f"{url}/api/v1/auth/login",
            json={"email": "jo@example.com", "password": "lighthouse keeper 1987"},
        )
        assert jo.json()["user"]["organization"]["id"] == me["organization"]["id"]


def test_demo_fills_an_empty_database_once(env: dict[str, str]) -> None:
    seeded = run(env, "demo", "--tickets", "60")
    assert seeded.returncode == 0, seeded.stderr
    assert "60 tickets" in seeded.stdout and "agent@padcom.test" in seeded.stdout
    with _serving(env) as url:
        token = httpx.post(
            f"{url}/api/v1/auth/login",
            json={"email": "agent@padcom.test", "password": _demo_password()},
        ).json()["token"]
        api = httpx.Client(base_url=f"{url}/api/v1", headers={"Authorization": f"Bearer {token}"})
        statuses = {
            status: len(
                api.get("/tickets", params={"status": status, "limit": 100}).json()["items"]
            )
            for status in ("new", "open", "waiting", "resolved", "closed")
        }
        assert all(statuses.values()), statuses
        assert sum(statuses.values()) == 60
        # a working desk: only the last two days' tickets still wait for a first answer
        fresh = datetime.now(UTC) - timedelta(days=2, minutes=5)
        for ticket in api.get("/tickets", params={"status": "new"}).json()["items"]:
            assert datetime.fromisoformat(ticket["created_at"]) > fresh, ticket["number"]
    refused = run(env, "demo", "--tickets", "5")
    assert refused.returncode == 1
    assert "already has users" in refused.stderr and "Traceback" not in refused.stderr


def test_backup_copies_a_database_that_is_being_written(
    env: dict[str, str], tmp_path: Path
) -> None:
    if "PADCOM_DATABASE_URL" in env:
        advice = run(env, "backup", str(tmp_path / "copy.db"))
        assert advice.returncode == 1 and "pg_dump" in advice.stderr
        return
    assert run(env, "demo", "--tickets", "20").returncode == 0
    with _serving(env) as url:
        token = httpx.post(
            f"{url}/api/v1/auth/login",
            json={"email": "customer@padcom.test", "password": _demo_password()},
        ).json()["token"]
        api = httpx.Client(base_url=f"{url}/api/v1", headers={"Authorization": f"Bearer {token}"})
        stop = threading.Event()

        def keep_writing() -> None:
            for i in range(200):  # bounded
                if stop.is_set():
                    return
                api.post("/tickets", json={"subject": f"during backup {i}", "body": "x"})

        writer = threading.Thread(target=keep_writing)
        writer.start()
        try:
            time.sleep(0.2)
            copied = run(env, "backup", str(tmp_path / "copy.db"))
        finally:
            stop.set()
            writer.join(timeout=60)
    assert copied.returncode == 0, copied.stderr
    with sqlite3.connect(tmp_path / "copy.db") as copy:
        assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert copy.execute("SELECT count(*) FROM ticket").fetchone()[0] >= 20
        assert copy.execute("SELECT count(*) FROM event").fetchone()[0] >= 20
    again = run(env, "backup", str(tmp_path / "copy.db"))
    assert again.returncode == 1 and "exists" in again.stderr


def _demo_password() -> str:
    from server.helpdesk.password_policy import DEMO_PASSWORD

    return DEMO_PASSWORD


class _serving:
    """``padcom-server serve`` in a process; on exit, SIGTERM and wait for it to stop."""

    def __init__(self, env: dict[str, str]) -> None:
        data = Path(env["PADCOM_DATA_DIR"])  # the server makes it; its log goes beside it
        self.server = ServerProcess(
            env.get("PADCOM_DATABASE_URL"), data, data.parent / "serve.log", env=env
        )

    def __enter__(self) -> str:
        try:
            return self.server.start(timeout=30).url
        except RuntimeError:
            self.server.stop()
            raise

    def __exit__(self, *exc: object) -> None:
        code = self.server.stop(timeout=15)
        # uvicorn shuts down gracefully, then re-raises the signal it caught
        assert code in (0, -signal.SIGTERM), "the server did not stop within 15 s of SIGTERM"
        log = self.server.log()
        assert "Finished server process" in log, log
        # a normal stop is not an error, whoever was still connected
        assert '"level": "error"' not in log, log


def test_stopping_while_a_client_follows_the_stream_ends_it_cleanly(env: dict[str, str]) -> None:
    added = _add_user(env, "kai@example.com", "quiet pine orchard 42", "--role", "agent")
    assert added.returncode == 0, added.stderr
    outcome: list[str] = []
    streaming = threading.Event()
    with _serving(env) as url:
        token = httpx.post(
            f"{url}/api/v1/auth/login",
            json={"email": "kai@example.com", "password": "quiet pine orchard 42"},
        ).json()["token"]

        def follow() -> None:
            headers = {"Authorization": f"Bearer {token}"}
            try:
                with httpx.stream(
                    "GET", f"{url}/api/v1/events/stream", headers=headers, timeout=30
                ) as reply:
                    streaming.set()
                    for _ in reply.iter_lines():
                        pass
                outcome.append("ended")
            except httpx.HTTPError as exc:
                outcome.append(repr(exc))

        reader = threading.Thread(target=follow, daemon=True)
        reader.start()
        assert streaming.wait(15), "the stream never opened"
    reader.join(timeout=15)
    assert outcome == ["ended"]  # the response was finished, not cut off
