"""When the server goes away or the sign-in expires, the agent is told in words and the app
recovers by itself; never a traceback."""

from __future__ import annotations

import socket
import threading

from padcom_tui.screens.queue import QueueScreen
from padcom_tui.screens.signin import SignInScreen
from server.http.app import create_app
from server.storage.db import db
from server.storage.fields import utcnow
from server.storage.models import Token
from tests.support.live import Live, Person, ServerThread
from tests.support.live import test_settings as settings_for
from tests.support.tickets import file_ticket
from tests.tui.conftest import build_app, settle, shown_numbers, status_line, until


def serve_on(database_url: str, port: int) -> ServerThread:
    """A server on this module's database, on ``port`` (so a client finds it again)."""
    server = ServerThread(create_app(settings_for(database_url)))
    if port:
        server.sock.close()
        server.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        server.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        server.sock.bind(("127.0.0.1", port))
        server.port = port
        server.thread = threading.Thread(
            target=server.server.run, kwargs={"sockets": [server.sock]}, daemon=True
        )
    return server.start()


def titles(app: object) -> list[str]:
    return [str(n.title) for n in app._notifications]  # type: ignore[attr-defined]


async def test_the_server_goes_down_and_comes_back(
    live: Live, database_url: str, agent: Person, customer: Person, word: str
) -> None:
    ticket = file_ticket(customer, f"{word} still there")
    server = serve_on(database_url, 0)
    app = build_app(server.url, agent.token, live=True, retry_seconds=0.2)
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await until(pilot, lambda: app.live_state == "connected")
            assert ticket["number"] in shown_numbers(app)

            server.stop()
            await until(pilot, lambda: not app.online)  # noticed without a key press
            assert "OFFLINE" in status_line(app) and "retrying" in status_line(app)
            assert "Server unavailable" in titles(app)
            await pilot.press("ctrl+r")  # the agent insists: still a message, not a crash
            await settle(pilot)
            assert "OFFLINE" in status_line(app)

            server = serve_on(database_url, server.port)
            await until(pilot, lambda: app.online, seconds=20)
            await settle(pilot)
            assert "Connected" in titles(app)
            assert isinstance(app.screen, QueueScreen)
            assert ticket["number"] in shown_numbers(app)
            await until(pilot, lambda: app.live_state == "connected", seconds=20)
            assert "online · live" in status_line(app)
    finally:
        server.stop()


async def test_an_expired_sign_in_leads_to_the_sign_in_screen_and_back(
    live: Live, word: str
) -> None:
    sam = live.person("agent")
    app = build_app(live.url, sam.token)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        with db.connection_context():
            Token.update(revoked_at=utcnow()).where(Token.user == sam.id).execute()
        await pilot.press("ctrl+r")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, SignInScreen)
        assert "Signed out" in titles(app)

        screen.query_one("#email").value = sam.email  # type: ignore[attr-defined]
        screen.query_one("#password").value = sam.password  # type: ignore[attr-defined]
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen)
        assert sam.user.name in status_line(app)
