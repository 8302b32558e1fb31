"""SIGTERM, as a service manager sends it on stop or restart: nobody sees a broken answer.

A customer following the event stream gets a last comment telling them to
reconnect, and a cleanly ended stream rather than a protocol error. Sign-ins
still queued for the password hasher when the grace period runs out are
refused with a 503 (which clients retry), never a 500.
"""

from __future__ import annotations

import signal
import threading
from collections import Counter
from pathlib import Path

import httpx
from httpx_sse import ServerSentEvent, connect_sse

from server.config import PasswordParams
from server.helpdesk.passwords import Passwords
from server.storage.db import bind, db
from server.storage.models import User
from tests.faults.seed import customer_token
from tests.support.process import ServerProcess
from tests.support.tickets import file_ticket

LOGINS = 60
"""Production argon2 with two hashes at once: several seconds of work, past a 1 s grace."""
PASSWORD = "shutdown-story-password-2026"


def test_sigterm_ends_an_open_event_stream_with_a_farewell(
    database_url: str, tmp_path: Path
) -> None:
    server = ServerProcess(database_url, tmp_path, tmp_path / "server.log").start()
    try:
        token = customer_token(database_url)
        lines: list[str] = []
        with (
            httpx.Client(base_url=server.url, timeout=httpx.Timeout(10, read=20)) as client,
            client.stream(
                "GET", "/api/v1/events/stream", headers={"Authorization": f"Bearer {token}"}
            ) as reply,
        ):
            assert reply.status_code == 200
            assert server.proc is not None
            server.proc.send_signal(signal.SIGTERM)
            for line in reply.iter_lines():  # raises RemoteProtocolError on a cut stream
                lines.append(line)
                if len(lines) > 50:
                    break
        server.proc.wait(timeout=30)
    finally:
        server.stop()
        db.close_all()
    assert ": server shutting down; reconnect" in lines, lines
    assert "retry: 1000" in lines, lines


def test_a_client_keeping_the_last_id_hears_no_event_twice_as_the_server_stops(
    database_url: str, tmp_path: Path
) -> None:
    """httpx-sse hands out every block an empty line ends, with the last id it saw: a
    farewell ended by one reached its users as the last event once more."""
    server = ServerProcess(database_url, tmp_path, tmp_path / "server.log").start()
    assert server.proc is not None
    try:
        auth = {"Authorization": f"Bearer {customer_token(database_url)}"}
        heard: list[ServerSentEvent] = []
        with (
            httpx.Client(
                base_url=server.url, headers=auth, timeout=httpx.Timeout(10, read=20)
            ) as client,
            connect_sse(client, "GET", "/api/v1/events/stream") as source,
        ):
            assert source.response.status_code == 200
            with httpx.Client(base_url=f"{server.url}/api/v1", headers=auth) as api:
                file_ticket(api, "Stopping soon?", "Just asking.")
            for sse in source.iter_sse():  # ends with the stream
                heard.append(sse)
                if len(heard) == 1:
                    server.proc.send_signal(signal.SIGTERM)
        server.proc.wait(timeout=30)
    finally:
        server.stop()
        db.close_all()
    ids = [int(sse.id) for sse in heard]
    assert heard and all(sse.data for sse in heard) and ids == sorted(set(ids)), heard


def _sign_in_user(database_url: str) -> str:
    """A customer whose password is hashed with production argon2, as the server checks it."""
    bind(database_url)
    email = "shutdown.story@example.com"
    with db.connection_context():
        User.create(
            email=email,
            name="Shutdown story",
            role="customer",
            password_hash=Passwords(PasswordParams(), 1).hash(PASSWORD),
        )
    return email


def test_sign_ins_running_past_the_grace_period_get_503_not_500(
    database_url: str, tmp_path: Path
) -> None:
    server = ServerProcess(
        database_url,
        tmp_path,
        tmp_path / "server.log",
        env={"PADCOM_SHUTDOWN_GRACE_SECONDS": "1"},
    ).start()
    try:
        email = _sign_in_user(database_url)
        seen: Counter[int | str] = Counter()
        lock = threading.Lock()
        first_answer = threading.Event()
        ready = threading.Barrier(LOGINS + 1, timeout=60)

        def sign_in() -> None:
            with httpx.Client(base_url=server.url, timeout=120) as client:
                client.get("/api/v1/me")  # connected before the signal
                ready.wait()
                try:
                    status: int | str = client.post(
                        "/api/v1/auth/login", json={"email": email, "password": PASSWORD}
                    ).status_code
                except httpx.HTTPError as exc:
                    status = type(exc).__name__
            with lock:
                seen[status] += 1
            first_answer.set()

        threads = [threading.Thread(target=sign_in) for _ in range(LOGINS)]
        for thread in threads:
            thread.start()
        ready.wait()
        assert first_answer.wait(timeout=60), "no sign-in was answered"
        assert server.proc is not None
        server.proc.send_signal(signal.SIGTERM)
        for thread in threads:
            thread.join(timeout=120)
        server.proc.wait(timeout=60)
    finally:
        server.stop()
        db.close_all()
    assert set(seen) <= {200, 503}, seen
    assert seen[503] > 0, f"every sign-in finished within the grace period: {seen}"
