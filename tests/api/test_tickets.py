"""Filing, showing and finding tickets, as a customer and as staff."""

from __future__ import annotations

from tests.api.tickets_support import all_numbers, counts
from tests.support.live import Live
from tests.support.tickets import file_ticket


def test_a_customer_files_a_ticket_with_only_subject_and_body(live: Live) -> None:
    alice = live.person("customer")
    ticket = file_ticket(alice.api(), "Mail bounces")
    assert ticket["requester"]["id"] == alice.id
    assert ticket["organization"]["id"] == alice.user.organization_id
    assert ticket["service"]["kind"] == "webhosting"  # the organization's only service
    assert (ticket["status"], ticket["priority"], ticket["category"]) == ("new", "normal", "other")
    assert ticket["assignee"] is None and ticket["version"] == 1
    assert ticket["first_response_due"] and ticket["resolution_due"]
    assert ticket.get("deleted_at") is None


def test_no_service_is_guessed_when_the_organization_rents_two(live: Live) -> None:
    org = live.organization(services=2)
    bea = live.person("customer", org=org)
    assert file_ticket(bea.api())["service"] is None


def test_a_customer_names_one_of_their_services_but_not_anothers(live: Live) -> None:
    org = live.organization(services=2)
    cleo = live.person("customer", org=org)
    mine = cleo.api().get("/me").json()["services"][1]["id"]
    assert file_ticket(cleo.api(), service=mine)["service"]["id"] == mine
    stranger = live.person("customer")
    theirs = stranger.api().get("/me").json()["services"][0]["id"]
    before = counts()
    refused = cleo.api().post("/tickets", json={"subject": "x", "body": "y", "service": theirs})
    assert refused.status_code == 422
    assert refused.json()["error"]["code"] == "invalid"
    assert counts() == before


def test_staff_cannot_file_tickets_for_no_organization(live: Live) -> None:
    agent = live.person("agent")
    before = counts()
    assert agent.api().post("/tickets", json={"subject": "x", "body": "y"}).status_code == 403
    assert counts() == before


def test_a_filed_ticket_shows_with_its_version_as_etag(live: Live) -> None:
    dan = live.person("customer")
    ticket = file_ticket(dan.api(), "Disk full", priority="high", category="hardware")
    shown = dan.api().get(f"/tickets/{ticket['number']}")
    assert shown.status_code == 200
    assert shown.headers["etag"] == '"1"'
    assert shown.json() == ticket
    staff_view = live.person("agent").api().get(f"/tickets/{ticket['number']}").json()
    assert staff_view["deleted_at"] is None and staff_view["subject"] == "Disk full"


def test_the_list_filters_by_every_field(live: Live) -> None:
    org = live.organization()
    eve, fay = live.person("customer", org=org), live.person("customer", org=org)
    agent = live.person("agent")
    staff = agent.api()
    low = file_ticket(eve.api(), "Quota 100% full", priority="low", category="usage")
    urgent = file_ticket(eve.api(), "Server DOWN", priority="urgent", category="hardware")
    spam = file_ticket(fay.api(), "Mails in spam_folder", category="software")
    staff.patch(
        f"/tickets/{urgent['number']}",
        json={"assignee": agent.id, "status": "waiting"},
        headers={"If-Match": '"1"'},
    ).raise_for_status()
    api = eve.api()

    def numbers(**params: str) -> set[int]:
        return set(all_numbers(api, **params))

    everything = {low["number"], urgent["number"], spam["number"]}
    assert numbers() == everything
    assert numbers(status="new") == {low["number"], spam["number"]}
    assert numbers(status="waiting,resolved") == {urgent["number"]}
    assert numbers(priority="urgent") == {urgent["number"]}
    assert numbers(priority="low,normal") == {low["number"], spam["number"]}
    assert numbers(category="usage") == {low["number"]}
    assert numbers(assignee=str(agent.id)) == {urgent["number"]}
    assert numbers(assignee="none") == {low["number"], spam["number"]}
    assert set(all_numbers(staff, assignee="me", organization=str(org.id))) == {urgent["number"]}
    assert numbers(requester="me") == {low["number"], urgent["number"]}
    assert numbers(requester=str(fay.id)) == {spam["number"]}
    assert numbers(q="server down") == {urgent["number"]}  # case-insensitive
    assert numbers(q="100%") == {low["number"]}  # % is a literal
    assert numbers(q="m_ils") == set()  # _ is a literal, not a wildcard
    assert numbers(q="spam_folder") == {spam["number"]}  # the words spam and folder
    assert numbers(q="please help") == everything  # the body counts too
    for bad in ({"status": "nope"}, {"priority": "high,bogus"}, {"assignee": "someone"}):
        refused = api.get("/tickets", params=bad)
        assert refused.status_code == 422, bad
        assert refused.json()["error"]["code"] == "invalid"


def test_sort_orders_and_page_size_limits(live: Live) -> None:
    gus = live.person("customer")
    api = gus.api()
    made = [
        file_ticket(api, f"ticket {i}", priority=p)
        for i, p in enumerate(["low", "urgent", "normal", "urgent", "high"])
    ]
    numbers = [t["number"] for t in made]
    assert all_numbers(api) == numbers[::-1]
    assert all_numbers(api, sort="number", limit=2) == numbers
    assert all_numbers(api, sort="-updated") == numbers[::-1]
    api.patch(
        f"/tickets/{numbers[0]}", json={"subject": "touched"}, headers={"If-Match": '"1"'}
    ).raise_for_status()
    assert all_numbers(api, sort="-updated")[0] == numbers[0]
    assert all_numbers(api, sort="updated")[-1] == numbers[0]
    by_urgency = all_numbers(api, sort="urgency", limit=1)
    assert by_urgency[:2] == [numbers[1], numbers[3]]
    assert by_urgency[2:] == [numbers[4], numbers[2], numbers[0]]
    assert len(api.get("/tickets", params={"limit": 100}).json()["items"]) == 5
    for bad in ({"limit": 101}, {"limit": 0}, {"sort": "shoe_size"}, {"sort": "--subject"}):
        refused = api.get("/tickets", params=bad)
        assert refused.status_code == 422, bad
        assert refused.json()["error"]["code"] == "invalid"
