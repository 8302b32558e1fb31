"""Time the full-text search server-side on N tickets with 5 messages each, on SQLite and PostgreSQL.

    .venv/bin/python -m bench.search --tickets 100000                 # both databases
    .venv/bin/python -m bench.search --tickets 1000000 --databases postgres --keep

Builds each database with ``bench.generate`` (tickets, people, services; COPY or
executemany) plus ``--messages`` replies per ticket (bulk insert; one in ten an
internal note) drawn from a Zipf-like vocabulary, each with one reference
number of its own (a word found once), then back-fills the index with
``search_index.rebuild`` (what migration 23 runs) and ANALYZE. Then it calls
what ``GET /tickets?q=`` runs (``server.reads.search.search_page``: queries,
ticket JSON, snippets) ``--runs`` times per query, for an agent and for a
customer, and prints p50/p99 in ms beside the baseline measured in the same
run: the plain first page of the list without ``q`` (``pages.ticket_page``).
Goal: a word query <= 50 ms at 1M tickets / 5M messages on both.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from peewee import fn

from bench import generate
from server.reads import pages, search
from server.reads.listing import TicketFilters
from server.storage import search_index
from server.storage.db import bind, db
from server.storage.fields import to_ms
from server.storage.migrations import migrate
from server.storage.models import Ticket, User

COMMON = [
    "the", "server", "mail", "please", "backup", "disk", "website", "error", "domain", "since",
    "login", "password", "ssl", "certificate", "dns", "database", "slow", "restart", "invoice",
    "php", "upgrade", "quota", "spam", "firewall", "cron", "timeout", "nginx", "memory",
]  # fmt: skip
POOL = 20_000
"""Distinct message bodies drawn, reused with a reference number of their own each."""
PG_SERVER = "postgresql://postgres@127.0.0.1:5432"


def vocabulary(size: int = 20_000) -> list[str]:
    """The words by rank: real helpdesk words first, then made-up ones (``kw123``)."""
    return COMMON + [f"kw{rank}" for rank in range(size - len(COMMON))]


def bodies(rng: random.Random, words: list[str]) -> list[str]:
    """``POOL`` message bodies of 8-30 words, word ``r`` drawn with weight 1/(r+1)."""
    weights = [1 / (r + 1) for r in range(len(words))]
    cumulative = []
    total = 0.0
    for w in weights:
        total += w
        cumulative.append(total)
    return [
        " ".join(rng.choices(words, cum_weights=cumulative, k=rng.randint(8, 30))).capitalize()
        + "."
        for _ in range(POOL)
    ]


def add_messages(per_ticket: int, rng: random.Random) -> int:
    """``per_ticket`` messages on every ticket, oldest ticket first; returns how many."""
    pool = bodies(rng, vocabulary())
    agents = [u.id for u in User.select(User.id).where(User.role == "agent")]
    rows: list[tuple[Any, ...]] = []
    done = 0
    tickets = Ticket.select(Ticket.id, Ticket.requester, Ticket.created_at).order_by(Ticket.id)
    for number, requester, created in tickets.tuples().iterator():
        for k in range(per_ticket):
            staff = k % 2 == 1
            body = f"{pool[rng.randrange(POOL)]} ref{done + 1}"
            internal = staff and rng.random() < 0.2
            author = rng.choice(agents) if staff else requester
            rows.append((number, author, body, internal, to_ms(created) + k * 60_000))
            done += 1
        if len(rows) >= 20_000:
            generate._insert(
                "message", ("ticket_id", "author_id", "body", "internal", "created_at"), rows
            )
            rows = []
    generate._insert("message", ("ticket_id", "author_id", "body", "internal", "created_at"), rows)
    return done


def build(url: str, tickets: int, per_ticket: int) -> dict[str, float]:
    """A fresh database at ``url`` with the tickets, messages and index; seconds per step."""
    bind(url)
    migrate()
    took: dict[str, float] = {}
    took["tickets"] = generate.generate(generate.Shape.for_tickets(tickets))
    began = time.perf_counter()
    with db.connection_context(), db.atomic():
        add_messages(per_ticket, random.Random(7))
    took["messages"] = time.perf_counter() - began
    began = time.perf_counter()
    with db.connection_context(), db.atomic():
        search_index.rebuild()
    took["index"] = time.perf_counter() - began
    with db.connection_context():
        db.execute_sql("ANALYZE")
    return took


def timed(fn: Callable[[], Any], runs: int) -> tuple[float, float]:
    """(p50, p99) in ms of ``runs`` calls after two warm-up calls."""
    fn()
    fn()
    samples = []
    for _ in range(runs):
        began = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - began) * 1000)
    samples.sort()
    return statistics.median(samples), samples[min(len(samples) - 1, int(len(samples) * 0.99))]


def queries(tickets: int, per_ticket: int) -> list[tuple[str, str]]:
    """(what, q): a word in every subject, common to rare words, a prefix, two words, none."""
    words = vocabulary()
    return [
        ("in every subject", "bench"),
        ("most common word", words[1]),
        ("rank-10 word", words[10]),
        ("rank-1000 word", words[1000]),
        ("rank-15000 word", words[15000]),
        ("one message", f"ref{tickets * per_ticket // 2}"),
        ("three words", f"{words[0]} {words[4]} {words[7]}"),
        ("two words", f"{words[3]} {words[40]}"),
        ("no such word", "zyzzyva"),
        ("customer number", "B"),  # two characters minimum: index only
    ]


def measure(runs: int, tickets: int, per_ticket: int) -> list[tuple[str, str, float, float]]:
    """Rows of (who, what, p50, p99) for the baseline and every query, agent and customer."""
    with db.connection_context():
        agent = User.get(User.role == "agent")
        busiest = (
            Ticket.select(Ticket.requester)
            .group_by(Ticket.requester)
            .order_by(fn.COUNT(Ticket.id).desc())
            .first()
        )  # the customer with the most tickets
        customer = User.get_by_id(busiest.requester_id) if busiest else agent
    rows = []
    for who, user in (("agent", agent), ("customer", customer)):
        p50, p99 = timed(
            partial(pages.ticket_page, user, TicketFilters(), "-number", None, 50), runs
        )
        rows.append((who, "baseline: list, no q", p50, p99))
        for what, q in queries(tickets, per_ticket):
            p50, p99 = timed(partial(search.search_page, user, TicketFilters(q=q), 50), runs)
            rows.append((who, f"{what} ({q})", p50, p99))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--messages", type=int, default=5, help="messages per ticket")
    parser.add_argument("--databases", default="sqlite,postgres")
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--dir", type=Path, default=Path("/tmp"), help="for the SQLite file")
    parser.add_argument("--keep", action="store_true", help="keep (and reuse) the databases")
    args = parser.parse_args()
    for name in args.databases.split(","):
        url, drop = _database(name, args.tickets, args.dir)
        try:
            fresh = not (args.keep and _filled(url))
            if fresh:
                drop()
                url, drop = _database(name, args.tickets, args.dir)
            took = build(url, args.tickets, args.messages) if fresh else {}
            bind(url)
            built = ", ".join(f"{k} {v:.0f} s" for k, v in took.items()) or "reused"
            print(f"\n{name}: {args.tickets:,} tickets, {args.tickets * args.messages:,} "
                  f"messages ({built}); ms server-side, p50 / p99 of {args.runs}")  # fmt: skip
            for who, what, p50, p99 in measure(args.runs, args.tickets, args.messages):
                print(f"  {who:8} {what:42} {p50:8.1f} {p99:8.1f}")
        finally:
            db.close_all()
            if not args.keep:
                drop()


def _filled(url: str) -> bool:
    try:
        bind(url)
        with db.connection_context():
            return bool(Ticket.select().exists())
    except Exception:  # not there yet
        return False


def _database(name: str, tickets: int, folder: Path) -> tuple[str, Callable[[], None]]:
    """The URL of the bench's database ``name`` and what removes it."""
    if name == "sqlite":
        path = folder / f"padcom-search-{tickets}.db"

        def remove() -> None:
            for suffix in ("", "-wal", "-shm", "-lock", "-gate"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)

        return f"sqlite:///{path}", remove
    import psycopg

    dbname = f"padcom_bench_search_{tickets}"
    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as admin:
        found = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", (dbname,)).fetchone()
        if not found:
            admin.execute(f'CREATE DATABASE "{dbname}"')

    def drop() -> None:
        with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')

    return f"{PG_SERVER}/{dbname}", drop


if __name__ == "__main__":
    main()
