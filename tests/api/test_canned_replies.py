"""Canned replies: admins share answers, agents keep their own, placeholders are filled per ticket."""

from __future__ import annotations

from tests.support.live import Live
from tests.support.tickets import file_number

LOGS = (
    "Hello {customer.name}, about #{ticket.number} ({service.label}): send the logs. {agent.name}"
)


def test_an_admin_shares_a_reply_and_an_agent_renders_it_for_a_ticket(live: Live) -> None:
    customer, agent, admin = live.person("customer"), live.person("agent"), live.person("admin")
    number = file_number(customer, "Website down")
    made = admin.api().post(
        "/canned-replies", json={"name": "Need logs", "body": LOGS, "shared": True}
    )
    assert made.status_code == 201, made.text
    reply = made.json()
    assert reply["shared"] and reply["owner"] is None
    assert reply["placeholders"] == [
        "customer.name",
        "ticket.number",
        "service.label",
        "agent.name",
    ]
    assert any(r["id"] == reply["id"] for r in agent.api().get("/canned-replies").json())
    shown = agent.api().get(f"/canned-replies/{reply['id']}/rendered", params={"ticket": number})
    assert shown.status_code == 200, shown.text
    ticket = agent.api().get(f"/tickets/{number}").json()
    assert shown.json()["body"] == (
        f"Hello {customer.user.name}, about #{number} ({ticket['service']['label']}): "
        f"send the logs. {agent.user.name}"
    )


def test_an_unknown_placeholder_is_refused_on_save(live: Live) -> None:
    agent = live.person("agent")
    refused = agent.api().post(
        "/canned-replies", json={"name": "Typo", "body": "Hi {custmer.name}, {{literal}}"}
    )
    assert refused.status_code == 422
    error = refused.json()["error"]
    assert "{custmer.name}" in error["message"] and error["details"]["unknown"] == ["custmer.name"]
    literal = agent.api().post("/canned-replies", json={"name": "Braces", "body": "Use {{x}}"})
    assert literal.status_code == 201 and literal.json()["placeholders"] == []
    edit = agent.api().patch(f"/canned-replies/{literal.json()['id']}", json={"body": "{nope}"})
    assert edit.status_code == 422
    assert agent.api().get(f"/canned-replies/{literal.json()['id']}").json()["body"] == "Use {{x}}"


def test_personal_replies_are_their_owners_alone(live: Live) -> None:
    ana, ben, admin = live.person("agent"), live.person("agent"), live.person("admin")
    mine = ana.api().post("/canned-replies", json={"name": "My sign-off", "body": "Cheers, Ana"})
    assert mine.status_code == 201
    rid = mine.json()["id"]
    assert rid not in [r["id"] for r in ben.api().get("/canned-replies").json()]
    for person in (ben, admin):
        assert person.api().get(f"/canned-replies/{rid}").status_code == 404
        assert person.api().patch(f"/canned-replies/{rid}", json={"name": "x"}).status_code == 404
        assert person.api().delete(f"/canned-replies/{rid}").status_code == 404
    assert ana.api().patch(f"/canned-replies/{rid}", json={"name": "Sign-off"}).json()["name"] == (
        "Sign-off"
    )
    shared = ana.api().post("/canned-replies", json={"name": "Shared", "body": "x", "shared": True})
    assert shared.status_code == 403  # only admins share
    assert ana.api().delete(f"/canned-replies/{rid}").status_code == 204
    assert ana.api().get(f"/canned-replies/{rid}").status_code == 404


def test_agents_use_but_do_not_change_shared_replies_and_customers_get_403(live: Live) -> None:
    agent, admin, customer = live.person("agent"), live.person("admin"), live.person("customer")
    rid = (
        admin.api()
        .post("/canned-replies", json={"name": "Welcome", "body": "Hi", "shared": True})
        .json()["id"]
    )
    assert agent.api().patch(f"/canned-replies/{rid}", json={"body": "Yo"}).status_code == 403
    assert agent.api().delete(f"/canned-replies/{rid}").status_code == 403
    api = customer.api()
    assert api.get("/canned-replies").status_code == 403
    assert api.get(f"/canned-replies/{rid}").status_code == 403
    assert api.post("/canned-replies", json={"name": "x", "body": "y"}).status_code == 403
    number = file_number(customer)
    assert api.get(f"/canned-replies/{rid}/rendered", params={"ticket": number}).status_code == 403
    assert (
        agent.api().get(f"/canned-replies/{rid}/rendered", params={"ticket": 999999}).status_code
        == 404
    )
    assert "agent.name" in agent.api().get("/canned-replies/placeholders").json()["placeholders"]


def test_oversized_and_malformed_requests_change_nothing(live: Live) -> None:
    agent = live.person("agent")
    api = agent.api()
    before = len(api.get("/canned-replies").json())
    for body in (
        {"name": "x" * 101, "body": "y"},
        {"name": "", "body": "y"},
        {"name": "x", "body": "y" * (64 * 1024 + 1)},
        {"name": "x", "body": "y", "owner": 1},
        {"name": 3, "body": "y"},
    ):
        assert api.post("/canned-replies", json=body).status_code == 422, body
    assert api.post("/macros", json={"name": "x" * 101, "actions": [
        {"action": "status", "value": "open"}]}).status_code == 422  # fmt: skip
    assert len(api.get("/canned-replies").json()) == before
    assert api.get("/canned-replies/0").status_code == 422
    assert api.get("/canned-replies/99999999").status_code == 404
