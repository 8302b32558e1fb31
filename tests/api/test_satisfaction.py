"""How did we do? The requester rates each resolution once; the answer shows on the ticket,
in its history and in ``/stats``; nobody else can rate it — on both databases."""

from __future__ import annotations

import httpx
from typer.testing import CliRunner

from padcom_cli.app import app
from tests.api.desk_mail import desk, mailbox
from tests.live.mailbox import Mailbox
from tests.support.live import Live, Person
from tests.support.tickets import file_number

__all__ = ["desk", "mailbox"]  # the fixtures this module's stories use


def _set(api: httpx.Client, number: int, **fields: object) -> None:
    version = api.get(f"/tickets/{number}").json()["version"]
    answer = api.patch(f"/tickets/{number}", json=fields, headers={"If-Match": f'"{version}"'})
    assert answer.status_code == 200, answer.text


def _resolved(customer: Person, agent: Person, subject: str = "PHP errors") -> int:
    number = file_number(customer, subject)
    _set(agent.api(), number, assignee=agent.id, category="software")
    _set(agent.api(), number, status="resolved")
    return number


def _rate(who: Person, number: int, rating: str, comment: str = "") -> httpx.Response:
    return who.api().post(f"/tickets/{number}/rating", json={"rating": rating, "comment": comment})


def test_the_resolve_mail_asks_and_the_answer_is_kept_once(desk: Live, mailbox: Mailbox) -> None:
    customer, agent = desk.person("customer"), desk.person("agent")
    number = _resolved(customer, agent)
    asked = mailbox.wait_for(customer.email, 1)[-1].get_content()
    assert f"padcom ticket rate {number} good" in asked

    answer = _rate(customer, number, "good", "fast and friendly")
    assert answer.status_code == 201, answer.text
    assert answer.json()["satisfaction"]["rating"] == "good"
    assert answer.json()["satisfaction"]["comment"] == "fast and friendly"
    seen = agent.api().get(f"/tickets/{number}").json()["satisfaction"]
    assert seen["rating"] == "good"
    rated = agent.api().get(f"/tickets/{number}/events").json()[-1]
    assert (rated["kind"], rated["changes"]) == (
        "rated",
        {"rating": "good", "comment": "fast and friendly"},
    )
    again = _rate(customer, number, "bad")
    assert again.status_code == 409
    assert agent.api().get(f"/tickets/{number}").json()["satisfaction"]["rating"] == "good"


def test_a_reopened_and_re_resolved_ticket_asks_again(desk: Live) -> None:
    customer, agent = desk.person("customer"), desk.person("agent")
    number = _resolved(customer, agent)
    assert _rate(customer, number, "good").status_code == 201
    reopened = customer.api().post(f"/tickets/{number}/messages", json={"body": "broken again"})
    assert reopened.status_code == 201
    assert customer.api().get(f"/tickets/{number}").json()["satisfaction"] is None
    assert _rate(customer, number, "bad").status_code == 409  # not resolved now
    _set(agent.api(), number, status="resolved")
    assert _rate(customer, number, "bad", "took two tries").status_code == 201
    _set(customer.api(), number, status="closed")  # closing keeps the resolution's rating
    assert customer.api().get(f"/tickets/{number}").json()["satisfaction"]["rating"] == "bad"


def test_nobody_but_the_requester_rates(desk: Live) -> None:
    customer, agent = desk.person("customer"), desk.person("agent")
    org = desk.organization()
    requester = desk.person("customer", org=org)
    colleague = desk.person("customer", org=org)
    number = _resolved(requester, agent)
    assert _rate(colleague, number, "bad").status_code == 403
    assert _rate(customer, number, "bad").status_code == 404  # another organization's
    assert _rate(agent, number, "good").status_code == 403
    assert _rate(requester, number, "meh").status_code == 422
    assert requester.api().get(f"/tickets/{number}").json()["satisfaction"] is None


def test_stats_count_the_ratings_per_agent_and_category(desk: Live) -> None:
    org = desk.organization()
    customer, agent = desk.person("customer", org=org), desk.person("agent")
    good = _resolved(customer, agent, "one")
    bad = _resolved(customer, agent, "two")
    assert _rate(customer, good, "good").status_code == 201
    assert _rate(customer, bad, "bad").status_code == 201
    file_number(customer, "not resolved, not rated")
    figures = agent.api().get("/stats", params={"organization": org.id}).json()["satisfaction"]
    assert (figures["good"], figures["bad"], figures["percent"]) == (1, 1, 50.0)
    assert figures["by_agent"] == [
        {"id": agent.id, "name": agent.user.name, "good": 1, "bad": 1, "percent": 50.0}
    ]
    assert figures["by_category"]["software"] == {"good": 1, "bad": 1, "percent": 50.0}
    assert figures["by_category"]["usage"] == {"good": 0, "bad": 0, "percent": None}
    assert sum(day["good"] + day["bad"] for day in figures["by_day"]) == 2
    own = customer.api().get("/stats").json()["satisfaction"]
    assert (own["good"], own["bad"]) == (1, 1)
    shown = CliRunner().invoke(
        app, ["stats"], env={"PADCOM_URL": desk.url, "PADCOM_TOKEN": customer.token}
    )
    assert "Satisfied" in shown.stdout and "50.0 % (1 good, 1 bad)" in shown.stdout
