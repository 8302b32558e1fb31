"""A real uvicorn serving ``create_app(settings)`` on a free loopback port, in a thread.

The test process and the server share the bound database, so tests can seed
people directly and then talk HTTP to the server like any client.
"""

from __future__ import annotations

import socket
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from itertools import count

import httpx
import uvicorn
from fastapi import FastAPI

from server.config import PasswordParams, Settings
from server.helpdesk.passwords import Passwords
from server.helpdesk.tokens import issue
from server.storage.db import db
from server.storage.fields import utcnow
from server.storage.models import Organization, Service, User

FAST_PASSWORDS = PasswordParams(time_cost=1, memory_cost=8 * 1024, parallelism=1)
"""argon2id made cheap for tests; production keeps RFC 9106's parameters."""

_serial = count(1)
_serving: Counter[int] = Counter()
"""How many servers of this process run on each database (by identity)."""


def test_settings(database_url: str, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "database_url": database_url,
        "passwords": FAST_PASSWORDS,
        "max_concurrent_hashes": 4,
    }
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]


class ServerThread:
    """uvicorn in a background thread; ``stop()`` shuts it down gracefully."""

    def __init__(self, app: FastAPI) -> None:
        self.app = app
        """The application served, for a test that asks it for its routes or state."""
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        config = uvicorn.Config(
            app,
            log_level="warning",
            lifespan="on",
            timeout_graceful_shutdown=2,
            proxy_headers=False,  # as `padcom-server serve`: X-Forwarded-For is not trusted
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(
            target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True
        )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> ServerThread:
        self.thread.start()
        deadline = time.monotonic() + 15
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the test server did not start")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
        self.sock.close()


@dataclass
class Person:
    """Someone to act as: their account, password and a live token."""

    user: User
    password: str
    token: str
    base_url: str
    clients: list[httpx.Client] = field(default_factory=list)

    @property
    def id(self) -> int:
        return int(self.user.id)

    @property
    def email(self) -> str:
        return str(self.user.email)

    def api(self) -> httpx.Client:
        """An HTTP client signed in as this person (closed when the module ends)."""
        client = httpx.Client(
            base_url=f"{self.base_url}/api/v1",
            headers={"Authorization": f"Bearer {self.token}"},
            timeout=30,
        )
        self.clients.append(client)
        return client


class World:
    """A server reachable at ``url``, plus ways to put people and organizations into its database.

    The server may be a thread of this process (``Live``) or a ``padcom-server``
    process of its own (``tests.support.process``) on the database this process binds.
    """

    def __init__(self, settings: Settings, url: str) -> None:
        self.settings = settings
        self.url = url
        self.passwords = Passwords(settings.passwords, 4)
        self.people: list[Person] = []

    def anonymous(self) -> httpx.Client:
        return httpx.Client(base_url=f"{self.url}/api/v1", timeout=30)

    def organization(self, name: str | None = None, services: int = 1) -> Organization:
        """A new organization with ``services`` webhosting services."""
        n = next(_serial)
        with db.connection_context(), db.atomic():
            org = Organization.create(
                name=name or f"Org {n} {time.monotonic_ns()}",
                customer_number=f"T{n}-{time.monotonic_ns()}",
            )
            for i in range(services):
                Service.create(organization=org, kind="webhosting", label=f"site{i}.org{n}.example")
        return org

    def person(
        self,
        role: str = "customer",
        org: Organization | None = None,
        password: str = "correct horse battery",
    ) -> Person:
        """A new active user with a token; customers get a new organization unless given one."""
        n = next(_serial)
        if role == "customer" and org is None:
            org = self.organization()
        with db.connection_context(), db.atomic():
            user = User.create(
                email=f"{role}{n}.{time.monotonic_ns()}@example.com",
                name=f"{role.title()} {n}",
                role=role,
                organization=org.id if org else None,
                password_hash=self.passwords.hash(password),
                created_at=utcnow(),
            )
            secret, _ = issue(user, timedelta(hours=1))
        person = Person(user, password, secret, self.url)
        self.people.append(person)
        return person

    def close(self) -> None:
        for person in self.people:
            for client in person.clients:
                client.close()


class Live(World):
    """The server running in a thread of this process (``own_server``), and its world."""

    def __init__(self, settings: Settings, thread: ServerThread) -> None:
        super().__init__(settings, thread.url)
        self.thread = thread


@contextmanager
def own_server(database_url: str, **overrides: object) -> Iterator[Live]:
    """A real server on ``database_url`` with ``overrides`` applied to the test settings."""
    from server.http.app import create_app

    settings = test_settings(database_url, **overrides)
    thread = ServerThread(create_app(settings)).start()
    database = db.obj
    _serving[id(database)] += 1
    world = Live(settings, thread)
    try:
        yield world
    finally:
        world.close()
        thread.stop()
        _serving[id(database)] -= 1
        if not _serving[id(database)]:  # a server still running on it keeps its connections
            database.close_all()
