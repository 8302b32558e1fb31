"""Time ``GET /stats`` and a queue page server-side on a big database (see bench/generate.py).

    .venv/bin/python -m bench.stats_bench --database-url sqlite:////tmp/padcom-1m.db

Runs the same code the routes run (scope, queries, JSON shaping) in this
process, with a warm cache, and prints the median and p95 of ``--runs`` calls
for: staff stats over 7/30/90 days, a big customer's stats, and queue pages
(the admin app's open tickets by urgency, and the newest tickets). Goals on
our 2-core box: stats <= 100 ms, a queue page <= 5 ms. Each statement's plan
is printed with ``--plans``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from peewee import fn

from server.helpdesk.visibility import visible_tickets
from server.reads.listing import TicketFilters, apply_filters, page
from server.reads.ticket_read import dumps, read_tickets
from server.stats.durations import histogram_query, settled_histogram_query
from server.stats.now import now_query
from server.stats.period import (
    created_query,
    resolved_query,
    settled_created_query,
    settled_resolved_query,
)
from server.stats.ranking import top_query
from server.stats.report import build_report
from server.stats.scope import make_period, scoped_tickets
from server.stats.split import make_split
from server.storage.db import bind, db, is_postgres
from server.storage.fields import to_ms, utcnow
from server.storage.models import Ticket, User
from server.vocabulary import Target

GOALS_MS = {"stats": 100.0, "queue": 5.0}


def timed(fn: Callable[[], Any], runs: int) -> tuple[float, float, float]:
    """(median, p95, median CPU) in milliseconds of ``runs`` calls after one warm-up call.

    The CPU time is this process's own (SQLite runs in it; PostgreSQL does not):
    on a busy machine it shows what an idle core would take.
    """
    fn()
    samples, cpu = [], []
    for _ in range(runs):
        began, began_cpu = time.perf_counter(), time.process_time()
        fn()
        samples.append((time.perf_counter() - began) * 1000)
        cpu.append((time.process_time() - began_cpu) * 1000)
    samples.sort()
    p95 = samples[min(len(samples) - 1, int(len(samples) * 0.95))]
    return statistics.median(samples), p95, statistics.median(cpu)


def stats_call(user: User, days: int) -> Callable[[], Any]:
    def call() -> Any:
        now = utcnow()
        period = make_period(now - timedelta(days=days), now, now)
        filters = TicketFilters()
        return build_report(scoped_tickets(user, filters), make_split(user, filters, period))

    return call


def queue_call(user: User, status: str | None, sort: str) -> Callable[[], Any]:
    def call() -> Any:
        query = apply_filters(visible_tickets(user), TicketFilters(status=status), user)
        numbers, _ = page(query, sort, None, 50)
        return dumps({"items": read_tickets(user, numbers)})

    return call


def baseline() -> Callable[[], Any]:
    """The cheapest read of a 30-day period: counting its index range; the others scale on it."""
    since = to_ms(utcnow() - timedelta(days=30))

    def call() -> Any:
        return Ticket.select().where(Ticket.created_at >= since).count()

    return call


def print_plans(user: User) -> None:
    """The plan of every statistics statement, as the database explains it."""
    now = utcnow()
    period = make_period(now - timedelta(days=30), now, now)
    tickets = scoped_tickets(user, TicketFilters())
    split = make_split(user, TicketFilters(), period)
    queries = {
        "now": now_query(tickets, period),
        "created": created_query(tickets, split),
        "created, pre-aggregated": settled_created_query(split),
        "resolved": resolved_query(tickets, split),
        "resolved, pre-aggregated": settled_resolved_query(split),
        "first response times": histogram_query(tickets, split, Target.FIRST_RESPONSE),
        "first response times, pre-aggregated": settled_histogram_query(
            split, Target.FIRST_RESPONSE
        ),
        "top organizations": top_query(tickets, period, Ticket.organization),
    }
    explain = "EXPLAIN" if is_postgres() else "EXPLAIN QUERY PLAN"
    for name, query in queries.items():
        sql, params = db.get_sql_context().sql(query).query()
        print(f"-- {name}")
        for row in db.execute_sql(f"{explain} {sql}", params):
            print("   ", row[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--plans", action="store_true", help="print each statement's plan")
    args = parser.parse_args()
    bind(args.database_url)
    with db.connection_context():
        staff = User.select().where(User.role == "agent", User.active == True).first()  # noqa: E712
        biggest = (
            Ticket.select(Ticket.organization)
            .where(Ticket.id <= 20_000)
            .group_by(Ticket.organization)
            .order_by(fn.COUNT(Ticket.id).desc())
            .first()
        )
        customer = User.get(User.organization == biggest.organization_id, User.role == "customer")
        total = Ticket.select().count()
        if args.plans:
            print_plans(staff)
        load = os.getloadavg()[0]
        print(f"{db.obj.__class__.__name__}, {total:,} tickets, {args.runs} runs each")
        print(f"load average {load:.1f} on {os.cpu_count()} cores (figures scale with it)")
        base, _, _ = timed(baseline(), args.runs)
        print(f"baseline: COUNT(*) of the last 30 days' index range: {base:.1f} ms")
        cases = [
            ("stats", "staff, last 7 days", stats_call(staff, 7)),
            ("stats", "staff, last 30 days", stats_call(staff, 30)),
            ("stats", "staff, last 90 days", stats_call(staff, 90)),
            ("stats", "biggest customer, 30 days", stats_call(customer, 30)),
            ("queue", "open by urgency, page 1", queue_call(staff, "new,open,waiting", "urgency")),
            ("queue", "newest, page 1", queue_call(staff, None, "-number")),
            ("queue", "customer, newest, page 1", queue_call(customer, None, "-number")),
        ]
        for kind, label, call in cases:
            median, p95, cpu = timed(call, args.runs)
            verdict = "ok" if median <= GOALS_MS[kind] else "OVER"
            print(
                f"{kind:5} {label:28} median {median:7.1f} ms  p95 {p95:7.1f} ms  cpu {cpu:6.1f} ms"
                f"  x{median / base:5.1f} baseline  (goal {GOALS_MS[kind]:.0f} ms: {verdict})"
            )


if __name__ == "__main__":
    main()
