"""A resuming stream's history is read through an index, so a page costs a page.

Each page of a replay is ``server.helpdesk.visibility.event_page_queries``: for staff a
range of the primary key, for a customer a range of ``(organization, id)`` and, once they
see an incident, a range of ``(incident, id)`` beside it. Checked on a
log of 20,000 events where the customer's organization has only a few, so a
scan along ``id`` filtering by organization would read nearly all of them.
"""

from __future__ import annotations

from typing import Any

from server.helpdesk.visibility import event_page_queries, visible_events_between
from server.storage.db import db, is_postgres
from server.storage.models import Event
from tests.support.live import Live

EVENTS = 20_000
BUSY_ORGANIZATIONS = 4


def _plan(query: Any) -> str:
    sql, params = query.sql()
    explain = "EXPLAIN" if is_postgres() else "EXPLAIN QUERY PLAN"
    with db.connection_context():
        return "\n".join(str(row[-1]) for row in db.execute_sql(f"{explain} {sql}", params))


def test_replay_pages_read_through_an_index(live: Live) -> None:
    people = [live.person("customer") for _ in range(BUSY_ORGANIZATIONS + 1)]
    tickets = [
        person.api().post("/tickets", json={"subject": "History", "body": "-"}).json()["number"]
        for person in people
    ]
    quiet, busy = people[0], people[1:]
    rows = [
        {
            "ticket": tickets[1 + n % BUSY_ORGANIZATIONS],
            "organization": busy[n % BUSY_ORGANIZATIONS].user.organization_id,
            "kind": "replied",
            "actor": busy[n % BUSY_ORGANIZATIONS].id,
            "changes": {},
        }
        for n in range(EVENTS)
    ]
    with db.connection_context(), db.atomic():
        for start in range(0, EVENTS, 1000):
            Event.insert_many(rows[start : start + 1000]).execute()
    with db.connection_context():
        db.execute_sql("ANALYZE event" if is_postgres() else "ANALYZE")
        latest = Event.select().order_by(Event.id.desc()).first().id

    (customer_plan,) = [_plan(q) for q in event_page_queries(quiet.user, 0, latest, 100)]
    (staff_plan,) = [
        _plan(q) for q in event_page_queries(live.person("agent").user, 0, latest, 100)
    ]

    # (organization, id), or the organization's own index: SQLite keeps the rowid in every index
    assert "USING INDEX event_organization_id" in customer_plan or (
        "Index Scan using event_organization_id" in customer_plan
    ), customer_plan
    assert ("event_pkey" if is_postgres() else "INTEGER PRIMARY KEY") in staff_plan, staff_plan

    # a customer who sees an incident reads its events through (incident, id) beside them
    agent = live.person("agent")
    reply = agent.api().post("/incidents", json={"title": "Phones down", "public": True})
    assert reply.status_code == 201, reply.text
    with db.connection_context():
        db.execute_sql("ANALYZE event" if is_postgres() else "ANALYZE")
        latest = Event.select().order_by(Event.id.desc()).first().id
    by_ticket, by_incident = [_plan(q) for q in event_page_queries(quiet.user, 0, latest, 100)]
    assert "event_organization_id" in by_ticket, by_ticket
    assert "event_incident_id" in by_incident, by_incident
    with db.connection_context():
        seen = visible_events_between(quiet.user, 0, latest, 100)
    assert [e.kind for e in seen] == ["created", "incident_declared"], seen
