"""The soak: one ``padcom-server serve`` held under half-open sockets for many minutes.

An attacker on loopback keeps ``--idle`` sockets that never send a byte and
``--slow`` sockets that send a request head and then a header line every few
seconds, never finishing it (slowloris); each one the server closes is opened
again at once. A legitimate client asks for a ticket every half second on a fresh connection. The server
runs with the soft ``RLIMIT_NOFILE`` of a systemd unit (1024). A first minute
without the attacker is the baseline; then each minute prints the server's
RSS, the legitimate success rate, and how many held sockets the server closed.

    .venv/bin/python -m bench.soak [--minutes 30] [--idle 1000] [--slow 1000]
"""

from __future__ import annotations

import argparse
import contextlib
import selectors
import socket
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

import httpx

from server.storage.db import db
from tests.faults.seed import customer_with_ticket
from tests.support.databases import sqlite_url
from tests.support.process import ServerProcess

SYSTEMD_SOFT_NOFILE = 1024
SLOW_HEAD = b"GET /api/v1/me HTTP/1.1\r\nHost: 127.0.0.1\r\n"
DRIP = b"X-Slow-Loris: never-ending\r\n"
DRIP_SECONDS = 5.0
"""A slow socket sends one more header line this often (slowloris); the head never ends."""


class Attacker:
    """Holds idle and slow sockets against the server; reopens each one it closes."""

    def __init__(self, port: int, idle: int, slow: int) -> None:
        self.port = port
        self.wanted = {"idle": idle, "slow": slow}
        self.selector = selectors.DefaultSelector()
        self.closed_by_server = 0
        self.refused = 0
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    @property
    def held(self) -> int:
        return len(self.selector.get_map())

    def _open(self, kind: str) -> None:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.settimeout(2)
        try:
            sock.connect(("127.0.0.1", self.port))
            if kind == "slow":
                sock.send(SLOW_HEAD)
        except OSError:
            self.refused += 1
            sock.close()
            return
        sock.setblocking(False)
        self.selector.register(sock, selectors.EVENT_READ, kind)

    def _run(self) -> None:
        last_drip = time.monotonic()
        while not self.stop.is_set():
            counts = Counter(key.data for key in self.selector.get_map().values())
            for kind, wanted in self.wanted.items():
                for _ in range(min(wanted - counts[kind], 200)):  # at most 200 new a round
                    self._open(kind)
            for key, _ in self.selector.select(timeout=0.5):
                sock = key.fileobj
                assert isinstance(sock, socket.socket)
                try:
                    data = sock.recv(4096)
                except OSError:
                    data = b""
                if not data:  # the server hung up
                    self.closed_by_server += 1
                    self.selector.unregister(sock)
                    sock.close()
            if time.monotonic() - last_drip > DRIP_SECONDS:
                last_drip = time.monotonic()
                for key in list(self.selector.get_map().values()):
                    if key.data == "slow":
                        with contextlib.suppress(OSError):
                            key.fileobj.send(DRIP)  # type: ignore[union-attr]
        for key in list(self.selector.get_map().values()):
            key.fileobj.close()  # type: ignore[union-attr]


def _legitimate(url: str, token: str, number: int, until: float, seen: Counter[str]) -> None:
    headers = {"Authorization": f"Bearer {token}"}
    while time.monotonic() < until:
        try:
            reply = httpx.get(f"{url}/api/v1/tickets/{number}", headers=headers, timeout=5)
            seen["ok" if reply.status_code == 200 else str(reply.status_code)] += 1
        except httpx.HTTPError as exc:
            seen[type(exc).__name__] += 1
        time.sleep(0.5)


def _ok(seen: Counter[str]) -> float:
    return seen["ok"] / max(sum(seen.values()), 1)


def soak(minutes: int, idle: int, slow: int, tmp: Path) -> None:
    """A minute without the attacker (the baseline), then ``minutes`` under it."""
    database_url = sqlite_url(tmp)
    server = ServerProcess(
        database_url, tmp, tmp / "server.log", soft_nofile=SYSTEMD_SOFT_NOFILE
    ).start()
    attacker = Attacker(server.port, idle, slow)
    try:
        token, number = customer_with_ticket(server.url, database_url)
        baseline: Counter[str] = Counter()
        _legitimate(server.url, token, number, time.monotonic() + 60, baseline)
        print(
            f"baseline minute, no attack: RSS {server.rss_kib() / 1024:.1f} MiB, "
            f"legit {baseline['ok']}/{sum(baseline.values())}; "
            f"now {idle} idle + {slow} slow sockets"
        )
        attacker.thread.start()
        print("minute  RSS MiB  legit ok/all  held  closed-by-server  refused")
        rss: list[float] = []
        total: Counter[str] = Counter()
        for minute in range(1, minutes + 1):
            seen: Counter[str] = Counter()
            _legitimate(server.url, token, number, time.monotonic() + 60, seen)
            total.update(seen)
            rss.append(server.rss_kib() / 1024)
            print(
                f"{minute:6d}  {rss[-1]:7.1f}  {seen['ok']:5d}/{sum(seen.values()):<5d} "
                f"{attacker.held:5d}  {attacker.closed_by_server:16d}  {attacker.refused:7d}"
                + (f"  {dict(seen)}" if seen["ok"] != sum(seen.values()) else ""),
                flush=True,
            )
        growth = (rss[-1] - rss[0]) / max(len(rss) - 1, 1)
        print(
            f"legitimate success under attack {_ok(total):.1%} (baseline {_ok(baseline):.1%}); "
            f"RSS {rss[0]:.1f} -> {rss[-1]:.1f} MiB after minute 1 ({growth:+.2f} MiB/min)"
        )
    finally:
        attacker.stop.set()
        attacker.thread.join(timeout=10)
        server.stop()
        db.close_all()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--minutes", type=int, default=30)
    parser.add_argument("--idle", type=int, default=1000)
    parser.add_argument("--slow", type=int, default=1000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        soak(args.minutes, args.idle, args.slow, Path(tmp))


if __name__ == "__main__":
    main()
