"""The longest request while PostgreSQL is black-holed, beside the longest with it healthy.

    .venv/bin/python -m bench.db_blackhole [--seconds 60] [--clients 4]

Starts everything on loopback: a PostgreSQL database of its own, a TCP proxy in
front of it (tests/live/proxy.py), and ``padcom-server serve`` whose database URL
goes through the proxy, with the production defaults for every timeout. Clients
list and file tickets for 5 s, then the proxy black-holes the path (connections
accepted, nothing forwarded) for ``--seconds``, then the path comes back for 5 s.
Prints, per phase, answers by status and the longest request, the ratio of the
black-hole longest to the healthy longest, and how many tickets were committed
although their request was answered with a failure that says nothing was saved (a
surprise), beside those answered ``commit_unconfirmed`` ("may have been saved").
"""

from __future__ import annotations

import argparse
import tempfile
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from server.storage.db import db
from server.storage.models import Ticket
from tests.faults.seed import customer_token
from tests.live.proxy import CuttableProxy
from tests.support.databases import postgres_database
from tests.support.process import ServerProcess

CLIENT_TIMEOUT = 120.0
"""Longer than any black hole this bench makes: the server, not the client, must give up."""
MAX_REQUESTS = 100_000


@dataclass
class Phase:
    name: str
    statuses: Counter[str] = field(default_factory=Counter)
    longest: float = 0.0


@dataclass
class Run:
    phases: dict[str, Phase]
    hole: list[float] = field(default_factory=lambda: [float("inf"), float("inf")])
    """When the black hole began and ended (monotonic seconds)."""
    slowest: list[tuple[float, float, str, str]] = field(default_factory=list)
    """(seconds, start relative to the hole, what, status) of every request, for the slowest."""
    refused_subjects: list[str] = field(default_factory=list)
    """Creates answered with an error that does not say "may have been saved"."""
    unconfirmed_subjects: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def note(self, start: float, end: float, status: str, what: str = "") -> None:
        """Count a request in the phase it belongs to: any overlap with the hole counts there."""
        if end < self.hole[0]:
            name = "healthy"
        elif start > self.hole[1]:
            name = "restored"
        else:
            name = "black hole"
        with self.lock:
            self.slowest.append((end - start, start - self.hole[0], what, status))
            phase = self.phases[name]
            phase.statuses[status] += 1
            phase.longest = max(phase.longest, end - start)


def _client(url: str, token: str, run: Run, until: float, n: int) -> None:
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=f"{url}/api/v1", headers=headers, timeout=CLIENT_TIMEOUT) as api:
        for i in range(MAX_REQUESTS):
            if time.monotonic() >= until:
                return
            subject = f"bench {n}-{i} {uuid.uuid4().hex[:8]}"
            start = time.monotonic()
            try:
                if i % 2:
                    reply = api.post("/tickets", json={"subject": subject, "body": "b"})
                else:
                    reply = api.get("/tickets", params={"limit": 10})
                status = str(reply.status_code)
            except httpx.HTTPError as exc:
                status = type(exc).__name__
                reply = None
            if i % 2 and (reply is None or reply.status_code != 201):
                code = reply.json()["error"]["code"] if reply is not None else "none"
                with run.lock:
                    if code == "commit_unconfirmed":
                        run.unconfirmed_subjects.append(subject)
                    else:
                        run.refused_subjects.append(subject)
            run.note(start, time.monotonic(), status, "POST" if i % 2 else "GET")
            if status != "200" and status != "201":
                time.sleep(0.2)  # as a client backing off; keeps the log readable


def _stored(subjects: list[str]) -> int:
    """How many of the tickets with these subjects are in the database."""
    if not subjects:
        return 0
    with db.connection_context():
        return int(Ticket.select().where(Ticket.subject.in_(subjects)).count())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0, help="length of the black hole")
    parser.add_argument("--clients", type=int, default=4)
    args = parser.parse_args()
    with postgres_database() as direct_url, tempfile.TemporaryDirectory() as tmp:
        name = direct_url.rsplit("/", 1)[1]
        proxy = CuttableProxy(5432)
        proxied = f"postgresql://postgres@127.0.0.1:{proxy.port}/{name}"
        server = ServerProcess(proxied, Path(tmp) / "data", Path(tmp) / "server.log").start()
        try:
            token = customer_token(direct_url)
            run = Run({name: Phase(name) for name in ("healthy", "black hole", "restored")})
            until = time.monotonic() + 5 + args.seconds + 5
            threads = [
                threading.Thread(target=_client, args=(server.url, token, run, until, n))
                for n in range(args.clients)
            ]
            for thread in threads:
                thread.start()
            time.sleep(5)
            run.hole[0] = time.monotonic()
            proxy.black_hole()
            time.sleep(args.seconds)
            proxy.restore()
            run.hole[1] = time.monotonic()
            for thread in threads:
                thread.join(timeout=CLIENT_TIMEOUT + 10)
            surprises = _stored(run.refused_subjects)
            unconfirmed_stored = _stored(run.unconfirmed_subjects)
        finally:
            server.stop()
            proxy.close()
            db.close_all()
    print(f"black hole of {args.seconds:.0f} s, {args.clients} clients, production timeouts")
    for phase in run.phases.values():
        statuses = ", ".join(f"{k}: {v}" for k, v in sorted(phase.statuses.items()))
        print(f"  {phase.name:<11} longest request {phase.longest:6.2f} s  ({statuses})")
    for seconds, offset, what, status in sorted(run.slowest, reverse=True)[:3]:
        print(f"  slow: {what} {status} took {seconds:.2f} s, began {offset:+.1f} s into the hole")
    healthy = max(run.phases["healthy"].longest, 1e-3)
    ratio = run.phases["black hole"].longest / healthy
    print(f"  longest during the black hole / longest while healthy: {ratio:.0f}x")
    print(
        f"  creates refused ({len(run.refused_subjects)}) but committed all the same: {surprises}"
    )
    print(
        f"  creates answered 'may have been saved' ({len(run.unconfirmed_subjects)}),"
        f" of them committed: {unconfirmed_stored}"
    )


if __name__ == "__main__":
    main()
