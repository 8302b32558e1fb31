"""The same desk on SQLite and on PostgreSQL answers every search with the same hits, in order.

The two databases index differently (FTS5, ``tsvector``); the words they are
given are cut by Python alike (server/storage/search_index.py). Here one story
is played against a server on each, and every query's hits (which ticket, what
matched, the snippet and its marks) are compared, with ticket numbers taken
out (each database counts its own).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support.databases import postgres_database, require_postgres, sqlite_url
from tests.support.live import Live, own_server
from tests.support.tickets import file_ticket

pytestmark = pytest.mark.postgres
CUSTOMER_NUMBER = re.compile(r"\(T\d+-\d+\)")
"""The test organizations' customer numbers are unique per run, so not compared."""

QUERIES = [
    "disk", "DISK full", "backu", "backup failed", "quota", "mx2", "straße", "Straße",
    "café", "cafe", "ssl", "renew", "internal", "fraud", "vollk", "vollkorn", "müller",
    "zz", "a", "1", "2026", "de", "the", "full disk on", "ünïcödé", "日本",
]  # fmt: skip

STORY = [  # subject, body, replies (text, internal)
    ("Disk full on web01", "The disk is full since the backup.", [("Backup failed at 03:00", False)]),
    ("Backup failed", "Nightly backup failed again, disk quota?", [("Quota raised.", False)]),
    ("Mail to mx2 bounces", "Straße und Café: Umlaute im Betreff", [("fraud suspected", True)]),
    ("SSL renew", "Please renew the SSL certificate for 2026.", [("Renewed, internal CA", True)]),
    ("日本語のメール", "ünïcödé test with cafe", [("the full disk on db is fine", False)]),
    ("Quota", "quota quota quota", []),
]  # fmt: skip


def _play(live: Live) -> dict[int, str]:
    """The story on ``live``'s server; returns ticket number → subject."""
    org = live.organization(name="Bäckerei Vollkorn Müller")
    customer = live.person("customer", org=org)
    staff = live.person("agent").api()
    subjects = {}
    for subject, body, replies in STORY:
        ticket = file_ticket(customer, subject, body)
        subjects[ticket["number"]] = subject
        for text, internal in replies:
            staff.post(
                f"/tickets/{ticket['number']}/messages", json={"body": text, "internal": internal}
            ).raise_for_status()
    return subjects


def _answers(live: Live, subjects: dict[int, str], role: str) -> list[Any]:
    person = live.people[0] if role == "customer" else live.people[1]
    api = person.api()
    answers = []
    for q in QUERIES:
        reply = api.get("/tickets", params={"q": q})
        assert reply.status_code == 200, reply.text
        answers.append(
            [
                (
                    q,
                    subjects[item["number"]],
                    item["match"]["field"],
                    CUSTOMER_NUMBER.sub("(number)", item["match"]["snippet"]),
                    item["match"]["marks"],
                )
                for item in reply.json()["items"]
            ]
        )
    return answers


@pytest.fixture(scope="module")
def both(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    require_postgres()
    folder: Path = tmp_path_factory.mktemp("sqlite")
    results: dict[str, Any] = {}
    with postgres_database() as pg_url:
        for name, url in (("sqlite", sqlite_url(folder)), ("postgres", pg_url)):
            with own_server(url) as live:
                subjects = _play(live)
                results[name] = {
                    role: _answers(live, subjects, role) for role in ("agent", "customer")
                }
    yield results


@pytest.mark.parametrize("role", ["agent", "customer"])
def test_every_query_answers_the_same_on_both_databases(both: dict[str, Any], role: str) -> None:
    for sqlite, postgres in zip(both["sqlite"][role], both["postgres"][role], strict=True):
        assert sqlite == postgres
    found = [answer for answer in both["sqlite"][role] if answer]
    assert len(found) >= len(QUERIES) // 2  # the story is found, not two empty lists compared


def test_the_customer_never_sees_a_note_on_either(both: dict[str, Any]) -> None:
    for name in ("sqlite", "postgres"):
        fields = {hit[2] for answer in both[name]["customer"] for hit in answer}
        assert "note" not in fields, name
        assert "note" in {hit[2] for answer in both[name]["agent"] for hit in answer}, name
