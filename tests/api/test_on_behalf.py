"""Staff file a ticket for a customer who phoned: the ticket is the customer's, the history
says who filed it, and the customer gets a mail — on both databases."""

from __future__ import annotations

from tests.api.desk_mail import desk, mailbox
from tests.api.tickets_support import counts
from tests.live.mailbox import Mailbox
from tests.support.live import Live

__all__ = ["desk", "mailbox"]  # the fixtures this module's stories use


def test_an_agent_files_for_a_customer_on_the_phone(desk: Live, mailbox: Mailbox) -> None:
    customer, agent = desk.person("customer"), desk.person("agent")
    answer = agent.api().post(
        "/tickets",
        json={
            "subject": "Phoned: SSL expired",
            "body": "Cert ran out today",
            "requester": customer.email.upper(),
        },
    )
    assert answer.status_code == 201, answer.text
    ticket = answer.json()
    assert ticket["requester"]["id"] == customer.id
    assert ticket["organization"]["id"] == customer.user.organization_id
    assert ticket["service"] is not None  # the customer's only service, as when they file
    mine = customer.api().get("/tickets").json()["items"]
    assert [t["number"] for t in mine] == [ticket["number"]]
    created = customer.api().get(f"/tickets/{ticket['number']}/events").json()[0]
    assert created["kind"] == "created"
    assert created["actor"]["name"] == agent.user.name
    assert created["changes"]["on_behalf_of"] == customer.id
    told = mailbox.wait_for(customer.email, 1)[0]
    assert "Opened for you" in str(told["Subject"])
    assert (
        f"{agent.user.name} of our support team opened ticket #{ticket['number']}"
        in told.get_content()
    )


def test_by_id_too_and_only_for_an_active_customer(desk: Live) -> None:
    customer, agent, other_agent = (
        desk.person("customer"),
        desk.person("agent"),
        desk.person("agent"),
    )
    by_id = agent.api().post(
        "/tickets", json={"subject": "x", "body": "y", "requester": customer.id}
    )
    assert by_id.status_code == 201
    assert by_id.json()["requester"]["id"] == customer.id
    before = counts()
    for who in ("nobody@example.com", other_agent.email, 999_999):
        refused = agent.api().post("/tickets", json={"subject": "x", "body": "y", "requester": who})
        assert refused.status_code == 422, (who, refused.text)
    assert agent.api().post("/tickets", json={"subject": "x", "body": "y"}).status_code == 403
    assert counts() == before


def test_a_customer_cannot_file_for_someone_else(desk: Live) -> None:
    customer = desk.person("customer")
    colleague = desk.person("customer", org=None)
    before = counts()
    for who in (colleague.email, customer.email, colleague.id):
        refused = customer.api().post(
            "/tickets", json={"subject": "x", "body": "y", "requester": who}
        )
        assert refused.status_code == 403, refused.text
    assert counts() == before
