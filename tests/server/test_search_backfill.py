"""An installation upgraded to the search finds what was written before it (migration 23).

Tickets and replies written before the index existed are indexed by the
migration's back-fill: here the index is taken away and the schema set back to
version 17, as a database from before the search looks, and ``migrate`` runs.
"""

from __future__ import annotations

from server.storage import search_index
from server.storage.db import db, is_postgres
from server.storage.migrations import LATEST, migrate
from server.storage.models import SchemaVersion
from tests.support.live import own_server
from tests.support.tickets import file_ticket


def _as_before_the_search() -> None:
    with db.connection_context(), db.atomic():
        for table in search_index.SQLITE_TABLES:
            db.execute_sql(f"DROP TABLE IF EXISTS {table}" + (" CASCADE" if is_postgres() else ""))
        SchemaVersion.update(version=17).execute()


def test_words_written_before_the_upgrade_are_found_after_it(database_url: str) -> None:
    with own_server(database_url) as live:
        customer, agent = live.person("customer"), live.person("agent")
        number = file_ticket(customer, "Old ticket", "written before the search")["number"]
        agent.api().post(
            f"/tickets/{number}/messages", json={"body": "an old quixotic reply"}
        ).raise_for_status()
        token = agent.token
    _as_before_the_search()
    with db.connection_context():
        assert migrate() == (17, LATEST)
    with own_server(database_url) as live:
        api = live.anonymous()
        api.headers["Authorization"] = f"Bearer {token}"
        found = api.get("/tickets", params={"q": "quixotic"}).json()["items"]
        assert [(t["number"], t["match"]["field"]) for t in found] == [(number, "reply")]
        found = api.get("/tickets", params={"q": "written before"}).json()["items"]
        assert [t["number"] for t in found] == [number]
