"""Services with their state and place: staff manage them, customers see their own, the queue
filters by server and datacenter, a suspended customer still gets help; and migration 31
turns the old ``active`` flag into a state without losing a service, on both databases."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playhouse.migrate import SchemaMigrator
from playhouse.migrate import migrate as alter

from server.storage.db import bind, db
from server.storage.hosting_models import HOSTING_MODELS
from server.storage.migrations import LATEST, migrate
from server.storage.models import Organization, SchemaVersion, Service
from tests.hosting.support import hosted
from tests.support.live import Live
from tests.support.tickets import file_number


def test_staff_manage_services_and_customers_see_their_own(live: Live) -> None:
    agent = live.person("agent")
    one = hosted(live, agent, "web-31", "shop.example", datacenter="NBG-2")
    assert one.service["state"] == "active" and one.service["ips"] == ["203.0.113.7"]

    changed = agent.api().patch(
        f"/services/{one.service['id']}",
        json={"state": "suspended", "server": "web-32", "ips": ["2001:db8::7", "203.0.113.8"]},
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["state"] == "suspended" and changed.json()["ips"][0] == "2001:db8::7"
    on_32 = agent.api().get("/services", params={"server": "web-32"}).json()
    assert [s["id"] for s in on_32] == [one.service["id"]]
    assert (
        agent.api().get("/services", params={"state": "suspended", "server": "web-31"}).json() == []
    )

    mine = one.customer.api().get("/me").json()["services"]
    assert [(s["label"], s["state"], s["server"]) for s in mine] == [
        ("shop.example", "suspended", "web-32")
    ]
    # a suspended customer can still file and read tickets
    number = file_number(one.customer, "Why suspended?", "Our shop is offline.")
    shown = one.customer.api().get(f"/tickets/{number}").json()
    assert shown["service"]["state"] == "suspended" and shown["service"]["server"] == "web-32"

    agent.api().patch(f"/services/{one.service['id']}", json={"state": "cancelled"})
    assert one.customer.api().get("/me").json()["services"] == []


@pytest.mark.parametrize(
    "patch",
    [
        {"state": "paused"},
        {"ips": ["300.1.1.1"]},
        {"hostnames": ["not a host"]},
        {"server": "web 07; drop"},
        {"state": None},
        {"active": False},
        {"ips": ["203.0.113.1"] * 65},
    ],
)
def test_bad_service_values_are_refused_and_change_nothing(
    live: Live, patch: dict[str, object]
) -> None:
    agent = live.person("agent")
    one = hosted(live, agent, "web-33", "refuse.example")
    reply = agent.api().patch(f"/services/{one.service['id']}", json=patch)
    assert reply.status_code == 422, reply.text
    assert agent.api().get(f"/services/{one.service['id']}").json() == {
        **one.service,
        "organization": one.service["organization"],
    }


def test_the_queue_filters_by_server_and_datacenter(live: Live) -> None:
    agent = live.person("agent")
    fra = hosted(live, agent, "web-41", "fra.example", datacenter="FRA-9")
    nbg = hosted(live, agent, "web-42", "nbg.example", datacenter="NBG-9")
    a = file_number(fra.customer, "A", service=fra.service["id"])
    b = file_number(nbg.customer, "B", service=nbg.service["id"])

    def numbers(**params: str) -> list[int]:
        reply = agent.api().get("/tickets", params=params)
        assert reply.status_code == 200, reply.text
        return [t["number"] for t in reply.json()["items"]]

    assert numbers(server="web-41") == [a]
    assert numbers(datacenter="NBG-9") == [b]
    assert numbers(server="web-41,web-42") == [b, a]
    assert numbers(server="web-41", datacenter="NBG-9") == []
    assert fra.customer.api().get("/tickets", params={"server": "web-42"}).json()["items"] == []
    assert agent.api().get("/tickets", params={"server": ","}).status_code == 422


def test_a_customer_cannot_manage_services(live: Live) -> None:
    agent = live.person("agent")
    one = hosted(live, agent, "web-51", "mine.example")
    api = one.customer.api()
    assert api.get("/services").status_code == 403
    assert api.patch(f"/services/{one.service['id']}", json={"state": "active"}).status_code == 403
    other = hosted(live, agent, "web-51", "other.example")
    assert api.get(f"/services/{other.service['id']}/incidents").status_code == 404
    assert api.get(f"/services/{one.service['id']}/incidents").json() == []


INSERT_OLD = (
    "INSERT INTO service (organization_id, kind, label, plan, datacenter, active) "
    "VALUES (?, 'vps', ?, '', 'FRA-1', ?)"
)


@pytest.fixture
def schema_17(database_url: str) -> Iterator[None]:
    """A database as schema 17 left it: services with an ``active`` flag, no hosting tables."""
    bind(database_url)
    migrate()
    with db.connection_context(), db.atomic():
        db.drop_tables(HOSTING_MODELS)
        migrator = SchemaMigrator.from_database(db.obj)
        db.execute_sql("DROP INDEX service_server")
        alter(
            *(migrator.drop_column("service", c) for c in ("state", "server", "ips", "hostnames"))
        )
        db.execute_sql("ALTER TABLE service ADD COLUMN active BOOLEAN NOT NULL DEFAULT TRUE")
        org = Organization.create(name="Migrated GmbH", customer_number="M-17")
        for label, active in (("kept.example", True), ("gone.example", False)):
            db.execute_sql(INSERT_OLD.replace("?", db.param), (org.id, label, active))
        SchemaVersion.update(version=17).execute()
    yield
    db.close_all()


def test_migration_31_turns_active_into_a_state(schema_17: None) -> None:
    assert migrate() == (17, LATEST)
    with db.connection_context():
        states = {
            s.label: (s.state, s.server, s.ips)
            for s in Service.select().where(Service.label.endswith(".example"))
        }
        assert states["kept.example"] == ("active", "", [])
        assert states["gone.example"] == ("cancelled", "", [])
        assert "active" not in {c.name for c in db.get_columns("service")}
        assert all(db.table_exists(m._meta.table_name) for m in HOSTING_MODELS)
    assert migrate() == (LATEST, LATEST)


def test_staff_find_a_customers_tickets_by_the_ip_or_hostname_of_their_service(
    live: Live,
) -> None:
    agent = live.person("agent")
    one = hosted(live, agent, "web-41", "baeckerei-huber.example")
    agent.api().patch(
        f"/services/{one.service['id']}",
        json={"ips": ["198.51.100.23"], "hostnames": ["mail.baeckerei-huber.example"]},
    ).raise_for_status()
    number = file_number(one.customer.api(), subject="Shop is slow", service=one.service["id"])

    for words in ("198.51.100.23", "mail.baeckerei-huber", "web-41"):
        hits = agent.api().get("/tickets", params={"q": words}).json()["items"]
        found = {hit["number"]: hit["match"] for hit in hits}
        assert number in found, (words, hits)
        assert found[number]["field"] == "service" and words in found[number]["snippet"]
    other = agent.api().get("/tickets", params={"q": "198.51.100.99"}).json()["items"]
    assert number not in {hit["number"] for hit in other}
