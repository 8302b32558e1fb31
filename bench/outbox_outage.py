"""What an SMTP outage costs: CPU seconds and log bytes per minute with 10,000 mails waiting.

Seeds an SQLite database with ``--rows`` pending mails, points one outbox
worker (the real one, in this process) at a loopback port where nothing
listens, wakes it ``--wakes`` times a second as commits of other traffic do,
and measures the process's CPU time and the bytes the worker logs.
The baseline of the same run is the same worker idle over an empty outbox, so
the ratio says what the outage adds. Then a real SMTP server (aiosmtpd) opens
on that port and the bench reports how soon the first held mail arrives and
how many arrive within ``--resume-seconds``.

    .venv/bin/python -m bench.outbox_outage [--rows 10000] [--seconds 60]
"""

from __future__ import annotations

import argparse
import io
import logging
import tempfile
import time
from pathlib import Path

from server.outbox.settings import MailSettings, OutboxSettings, WebhookSettings
from server.outbox.worker import OutboxWorker
from server.storage.db import bind, db
from server.storage.migrations import migrate
from server.storage.models import Outbox
from tests.live.mailbox import Mailbox
from tests.support.databases import sqlite_url
from tests.support.ports import free_port


class CountingLog(io.TextIOBase):
    """A log stream that keeps only how many bytes were written to it."""

    def __init__(self) -> None:
        self.bytes = 0

    def write(self, text: str) -> int:
        self.bytes += len(text.encode())
        return len(text)


def _seed(rows: int) -> None:
    with db.connection_context(), db.atomic():
        for start in range(0, rows, 500):
            Outbox.insert_many(
                {
                    "channel": "mail",
                    "dedupe_key": f"bench:{i}",
                    "target": f"customer{i}@example.com",
                    "payload": {
                        "subject": f"[Padcom #{i}] New reply: disk full",
                        "body": "We freed some space.\n",
                        "message_id": f"<bench.{i}@padcom.test>",
                    },
                }
                for i in range(start, min(rows, start + 500))
            ).execute()


def _measure(
    worker: OutboxWorker, log: CountingLog, seconds: float, wakes: float
) -> tuple[float, int]:
    """CPU seconds and log bytes per minute while ``worker`` runs for ``seconds``,
    woken ``wakes`` times a second."""
    cpu, logged = time.process_time(), log.bytes
    worker.start()
    start = time.monotonic()
    ticks = 0
    while time.monotonic() - start < seconds and ticks < seconds * max(wakes, 1) + 1:
        time.sleep(1 / wakes if wakes > 0 else seconds)
        worker.wake()
        ticks += 1
    per_minute = 60 / (time.monotonic() - start)
    return (time.process_time() - cpu) * per_minute, int((log.bytes - logged) * per_minute)


def _pending() -> int:
    with db.connection_context():
        return Outbox.select().where(Outbox.state == "pending").count()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--idle-seconds", type=float, default=15.0)
    parser.add_argument("--resume-seconds", type=float, default=30.0)
    parser.add_argument("--wakes", type=float, default=12.0, help="commits per second to mimic")
    args = parser.parse_args()

    log = CountingLog()
    handler = logging.StreamHandler(log)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    logging.getLogger("padcom.outbox").addHandler(handler)
    logging.getLogger("padcom.outbox").setLevel(logging.INFO)

    port = free_port()
    mail = MailSettings(host="127.0.0.1", port=port, security="none", sender="help@padcom.test")
    with tempfile.TemporaryDirectory() as directory:
        bind(sqlite_url(Path(directory)))
        migrate()

        idle = OutboxWorker(mail, WebhookSettings(), OutboxSettings())
        idle_cpu, idle_log = _measure(idle, log, args.idle_seconds, args.wakes)
        idle.stop()

        _seed(args.rows)
        worker = OutboxWorker(mail, WebhookSettings(), OutboxSettings())
        down_cpu, down_log = _measure(worker, log, args.seconds, args.wakes)
        held = _pending()

        mailbox = Mailbox(port).start()
        back = time.monotonic()
        first: float | None = None
        while time.monotonic() - back < args.resume_seconds:
            if first is None and mailbox.mails:
                first = time.monotonic() - back
            time.sleep(0.05)
        delivered = len(mailbox.mails)
        worker.stop()
        mailbox.stop()
        db.close_all()

    print(
        f"pending mails seeded: {args.rows}, SMTP down for {args.seconds:.0f} s, "
        f"{args.wakes:g} wakes/s"
    )
    print(f"{'':28}{'CPU s/min':>12}{'log bytes/min':>16}")
    print(f"{'empty outbox':28}{idle_cpu:12.2f}{idle_log:16d}")
    print(f"{'SMTP down, rows pending':28}{down_cpu:12.2f}{down_log:16d}")
    ratio = down_cpu / idle_cpu if idle_cpu > 0 else float("inf")
    print(f"outage / empty CPU: {ratio:.1f}x; still pending at the end of the outage: {held}")
    shown = "none" if first is None else f"{first:.1f} s"
    print(
        f"server back: first held mail after {shown}, "
        f"{delivered} delivered within {args.resume_seconds:.0f} s"
    )


if __name__ == "__main__":
    main()
