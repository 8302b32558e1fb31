"""Full-text search: an agent finds a ticket by a word anyone wrote on it, a customer only by theirs.

``GET /tickets?q=`` looks in the subject, the description, every reply and (for
staff) every internal note, and in the ticket's customer, organization and
service; hits come best first with the snippet that matched. On both databases.
"""

from __future__ import annotations

from typing import Any

import httpx

from tests.support.live import Live
from tests.support.tickets import file_ticket


def search(api: httpx.Client, q: str, **params: Any) -> list[dict[str, Any]]:
    reply = api.get("/tickets", params={"q": q, **params})
    assert reply.status_code == 200, reply.text
    body = reply.json()
    assert body["next_cursor"] is None
    items: list[dict[str, Any]] = body["items"]
    return items


def numbers(api: httpx.Client, q: str, **params: Any) -> list[int]:
    return [item["number"] for item in search(api, q, **params)]


def test_a_word_only_in_a_reply_finds_its_ticket_with_the_snippet(live: Live) -> None:
    anna = live.person("customer")
    agent = live.person("agent")
    staff = agent.api()
    ticket = file_ticket(anna, "Mail stopped", "Since this morning nothing arrives.")
    other = file_ticket(anna, "Invoice question", "Why two invoices?")
    line = "We restarted the postfix queue on mx2; the greylisting cache was full."
    reply = staff.post(f"/tickets/{ticket['number']}/messages", json={"body": line})
    assert reply.status_code == 201, reply.text

    hits = search(staff, "greylisting")
    assert [h["number"] for h in hits] == [ticket["number"]]
    match = hits[0]["match"]
    assert match["field"] == "reply"
    assert match["message"] == reply.json()["id"]
    assert "greylisting cache" in match["snippet"]
    start, end = match["marks"][0]
    assert match["snippet"][start:end] == "greylisting"
    assert hits[0]["subject"] == "Mail stopped"  # the ticket itself, as GET /tickets/{n}
    assert numbers(staff, "GREYLISTING") == [ticket["number"]]  # any case
    assert numbers(staff, "greylist") == []  # whole words
    assert numbers(staff, "postfix greylisting") == [ticket["number"]]  # every word
    assert numbers(staff, "postfix invoices") == []  # ... in one text
    assert numbers(anna.api(), "greylisting") == [ticket["number"]]  # a public reply
    assert numbers(staff, "invoices") == [other["number"]]


def test_ranked_subject_first_then_description_then_conversation(live: Live) -> None:
    bo = live.person("customer")
    staff = live.person("agent").api()
    in_reply = file_ticket(bo, "Slow pages", "The shop is slow.")
    staff.post(
        f"/tickets/{in_reply['number']}/messages", json={"body": "Looks like a zeppelin."}
    ).raise_for_status()
    in_body = file_ticket(bo, "Odd logo", "A zeppelin appears in the header.")
    in_subject = file_ticket(bo, "Zeppelin banner broken", "See the attached screenshot.")
    newer_in_body = file_ticket(bo, "Another", "zeppelin again")
    hits = search(staff, "zeppelin")
    assert [h["number"] for h in hits] == [
        in_subject["number"],
        newer_in_body["number"],
        in_body["number"],
        in_reply["number"],
    ]
    assert [h["match"]["field"] for h in hits] == ["subject", "description", "description", "reply"]
    first = staff.get("/tickets", params={"q": "zeppelin", "limit": 3}).json()
    assert [h["number"] for h in first["items"]] == [h["number"] for h in hits[:3]]
    rest = staff.get("/tickets", params={"q": "zeppelin", "cursor": first["next_cursor"]}).json()
    assert [h["number"] for h in rest["items"]] == [in_reply["number"]]
    assert rest["next_cursor"] is None
    bad = staff.get("/tickets", params={"q": "zeppelin", "cursor": "eyJ4Ijox"})
    assert bad.status_code == 400
    assert numbers(staff, "zeppelin", status="open") == [in_reply["number"]]  # filters still apply


def test_an_internal_note_is_found_by_staff_and_never_by_the_customer(live: Live) -> None:
    cleo = live.person("customer")
    agent = live.person("agent").api()
    ticket = file_ticket(cleo, "Refund", "Please refund the domain.")
    agent.post(
        f"/tickets/{ticket['number']}/messages",
        json={"body": "Customer flagged for chargeback fraud, check first.", "internal": True},
    ).raise_for_status()
    hits = search(agent, "chargeback")
    assert [h["number"] for h in hits] == [ticket["number"]]
    assert hits[0]["match"]["field"] == "note"
    assert search(cleo.api(), "chargeback") == []
    assert search(cleo.api(), "chargeback fraud") == []
    # the customer still finds the ticket by its own words, and the snippet is theirs
    mine = search(cleo.api(), "refund")
    assert [h["match"]["snippet"] for h in mine] == ["Refund"]


def test_a_customer_never_finds_another_organizations_ticket(live: Live) -> None:
    dana, eric = live.person("customer"), live.person("customer")
    theirs = file_ticket(eric, "Quasar certificate", "The quasar cert expired.")
    assert search(dana.api(), "quasar") == []
    assert numbers(eric.api(), "quasar") == [theirs["number"]]
    org_name = eric.user.organization.name if eric.user.organization else ""
    assert search(dana.api(), org_name) == []


def test_found_by_customer_organization_customer_number_and_service(live: Live) -> None:
    org = live.organization(name="Bäckerei Vollkorn")
    fritz = live.person("customer", org=org)
    staff = live.person("agent").api()
    ticket = file_ticket(fritz, "Help", "Something is wrong.")
    for q, field in [
        (fritz.email.upper(), "customer"),
        (fritz.user.name, "customer"),
        ("bäckerei vollk", "organization"),
        (org.customer_number, "organization"),
        (ticket["service"]["label"], "service"),
    ]:
        hits = search(staff, q)
        assert ticket["number"] in [h["number"] for h in hits], q
        found = next(h for h in hits if h["number"] == ticket["number"])
        assert found["match"]["field"] == field, (q, found["match"])
        assert found["match"]["marks"], found["match"]


def test_a_change_is_found_at_once_and_the_old_words_are_gone(live: Live) -> None:
    gina = live.person("customer")
    staff = live.person("agent").api()
    ticket = file_ticket(gina, "Typo in the subjekt", "body")
    assert numbers(staff, "subjekt") == [ticket["number"]]
    staff.patch(
        f"/tickets/{ticket['number']}",
        json={"subject": "Typo fixed in the subject"},
        headers={"If-Match": '"1"'},
    ).raise_for_status()
    assert numbers(staff, "subjekt") == []
    assert numbers(staff, "typo fixed") == [ticket["number"]]


def test_odd_queries_answer_and_leak_nothing(live: Live) -> None:
    hana = live.person("customer")
    api = hana.api()
    file_ticket(hana, "Plain ticket", "Nothing special.")
    for q in ['"', "*", "NEAR(", "a:b", "%", "_", "AND OR NOT", "' OR 1=1 --", "x" * 200, "ü"]:
        reply = api.get("/tickets", params={"q": q})
        assert reply.status_code == 200, (q, reply.text)
    assert api.get("/tickets", params={"q": "x" * 201}).status_code == 422
