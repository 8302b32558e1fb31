"""What naming a ticket's incidents costs the hottest read: ``read_tickets`` for 1 and 50 tickets.

    .venv/bin/python -m bench.ticket_incidents [--database-url sqlite:////tmp/x.db]

Since the ticket JSON says which incidents a ticket is linked to (``incidents``:
the queue folds an outage's tickets by it), every read runs one more statement,
``SELECT ticket_id, incident_id FROM link WHERE ... ticket_id IN (...)``. This
prints, in the same run, the whole read (as GET /tickets/{n} and a queue page
do it) beside the ticket SELECT alone (the baseline: the read without the new
statement), with 500 of 20,000 tickets linked to incidents. Under a minute.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from bench.generate import Shape, generate
from server.reads import ticket_read
from server.storage.db import bind, db
from server.storage.hosting_models import Incident, Link
from server.storage.migrations import migrate
from server.storage.models import User
from server.vocabulary import LinkKind, Role


def _median_us(call: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        call()
        times.append(time.perf_counter() - began)
    return statistics.median(times) * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", default="")
    parser.add_argument("--runs", type=int, default=2000)
    args = parser.parse_args()
    url = args.database_url or f"sqlite:///{Path(tempfile.mkdtemp()) / 'bench.db'}"
    bind(url)
    migrate()
    generate(Shape(tickets=20_000, organizations=200), seed=7)
    with db.connection_context():
        staff = User.get(User.role == Role.AGENT)
        incident = Incident.create(title="bench outage", servers=["web-01"])
        Link.insert_many(
            [
                {"ticket": n, "incident": incident.id, "kind": LinkKind.SAME_OUTAGE}
                for n in range(1, 501)
            ]
        ).execute()
        param = db.obj.param
        for count in (1, 50):
            numbers = list(range(480, 480 + count))  # some linked, some not

            def whole(numbers: list[int] = numbers) -> object:
                return ticket_read.read_tickets(staff, numbers)

            def baseline(numbers: list[int] = numbers) -> object:
                sql = ticket_read._sql(param, False, len(numbers))  # pylint: disable=protected-access
                return db.execute_sql(sql, numbers).fetchall()

            base, full = _median_us(baseline, args.runs), _median_us(whole, args.runs)
            print(
                f"{count:>3} tickets: ticket SELECT alone {base:7.1f} µs · read_tickets with "
                f"incidents {full:7.1f} µs (the JSON included)"
            )
        for count in (1, 50):
            numbers = list(range(480, 480 + count))
            marks = ", ".join([param] * count)
            sql = ticket_read._INCIDENTS.format(marks=marks)  # pylint: disable=protected-access

            def statement(sql: str = sql, numbers: list[int] = numbers) -> object:
                return db.execute_sql(sql, numbers).fetchall()

            extra = _median_us(statement, args.runs)
            plan = db.execute_sql(f"EXPLAIN QUERY PLAN {sql}", numbers).fetchall()
            print(f"  the incidents statement alone, {count} tickets: {extra:7.1f} µs  {plan}")
    db.close_all()


if __name__ == "__main__":
    main()
