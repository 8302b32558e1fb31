"""Mail in, measured: mails per second through ``padcom-server mail-in`` and through the IMAP
poller (a real Dovecot), the largest attachment taken and the peak memory it cost.

The baseline of the same run is the same new ticket filed over HTTP (``POST /tickets`` on the
same server and database), so the ratios say what reading a mail adds. ``mail-in`` runs as an
MTA runs it, one process per mail (its start-up is most of its cost), and also in-process
(``take``, what the poller pays per mail). The largest mail is one with an attachment at the
file cap, taken by a ``mail-in`` process whose peak RSS GNU time reports.

    .venv/bin/python -m bench.mail_in [--mails 20] [--attachment-mib 10]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from server.config import Settings
from server.live.mail_intake import take
from tests.live.mailbox import Mailbox
from tests.mail.support import FAST, mail, mail_in_settings, mail_settings
from tests.support.databases import sqlite_url
from tests.support.dovecot import Dovecot
from tests.support.live import Live, own_server
from tests.support.ports import free_port


def _env(live: Live, **extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "PADCOM_DATABASE_URL": live.settings.resolved_database_url,
        "PADCOM_MAIL_REPLY_SECRET": "bench",
        "PADCOM_MAIL_IN_PER_SENDER": "off",
        **extra,
    }


def _run(live: Live, raw: bytes, **extra: str) -> tuple[int, int]:
    """One ``mail-in`` process; (exit code, its peak RSS in KiB, from GNU time: a child's own
    ``wait4`` figure would count the pages it shared with this big process before exec)."""
    server = str(Path(sys.executable).with_name("padcom-server"))
    done = subprocess.run(
        ["/usr/bin/time", "-f", "%M", server, "mail-in"], input=raw, capture_output=True,
        env=_env(live, **extra), check=False,
    )  # fmt: skip
    return done.returncode, int(done.stderr.decode().strip().splitlines()[-1])


def _rate(count: int, seconds: float) -> str:
    return f"{count / seconds:7.1f}/s"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mails", type=int, default=20)
    parser.add_argument("--attachment-mib", type=int, default=10)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="padcom-bench-mail-"))
    box, dovecot = Mailbox(free_port()).start(), Dovecot().start()
    no_limit = mail_in_settings(
        imap_url="", per_sender=__import__("server.helpdesk.limits", fromlist=["Limit"]).Limit(0, 1)
    )
    try:
        with own_server(
            sqlite_url(folder), mail=mail_settings(box.port), mail_in=no_limit, outbox=FAST
        ) as live:
            customer = live.person("customer")
            api = customer.api()
            started = time.perf_counter()
            for i in range(args.mails):
                api.post(
                    "/tickets", json={"subject": f"HTTP {i}", "body": "disk full"}
                ).raise_for_status()
            http = time.perf_counter() - started

            started = time.perf_counter()
            for i in range(args.mails):
                code, _rss = _run(live, mail(customer.email, f"Pipe {i}", "disk full"))
                assert code == 0, code
            piped = time.perf_counter() - started

            settings: Settings = live.settings
            started = time.perf_counter()
            for i in range(args.mails):
                code, outcome = take(mail(customer.email, f"In-process {i}", "disk full"), settings)
                assert code == 0 and outcome.state == "filed", outcome
            inside = time.perf_counter() - started

            size = args.attachment_mib * 1024 * 1024
            big = mail(
                customer.email, "Core dump", "attached", files=[("core.bin", os.urandom(size - 64))]
            )
            started = time.perf_counter()
            code, peak = _run(live, big, PADCOM_ATTACHMENT_MAX_BYTES=str(size))
            big_seconds = time.perf_counter() - started
            assert code == 0, code
            _code, small_peak = _run(live, mail(customer.email, "Small", "x"))

        polled_settings = mail_in_settings(imap_url=dovecot.url, per_sender=no_limit.per_sender)
        with own_server(
            sqlite_url(folder / "poll"),
            mail=mail_settings(box.port),
            mail_in=polled_settings,
            outbox=FAST,
        ) as live:
            customer = live.person("customer")
            raws = [mail(customer.email, f"IMAP {i}", "disk full") for i in range(args.mails)]
            for raw in raws:
                dovecot.deliver(raw)
            started = time.perf_counter()
            deadline = started + 120
            while (
                len(customer.api().get("/tickets", params={"limit": 100}).json()["items"])
                < args.mails
            ):
                if time.perf_counter() > deadline:
                    raise SystemExit("the poller did not take every mail in 120 s")
                time.sleep(0.05)
            polled = time.perf_counter() - started
    finally:
        dovecot.stop()
        box.stop()
    print(f"{args.mails} mails each, SQLite, one 2-core machine shared with other work")
    print(f"  baseline POST /tickets over HTTP     {_rate(args.mails, http)}")
    print(
        f"  padcom-server mail-in, a process each {_rate(args.mails, piped)}  ({piped / args.mails * 1000:.0f} ms a mail)"
    )
    print(f"  take() in-process (the poller's cost) {_rate(args.mails, inside)}")
    print(
        f"  IMAP poller, Dovecot, IDLE            {_rate(args.mails, polled)}  (delivered first, then timed until all were tickets)"
    )
    print(
        f"  largest: a {args.attachment_mib} MiB attachment in {big_seconds:.1f} s, mail-in peak RSS {peak / 1024:.0f} MiB (a small mail: {small_peak / 1024:.0f} MiB)"
    )


if __name__ == "__main__":
    main()
