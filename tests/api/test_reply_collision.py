"""Two agents answer one customer: a reply sent with the version its writer saw (``If-Match``,
optional as on tags and macros) is refused when a colleague replied meanwhile, and nothing of it
is stored; without ``If-Match`` a reply goes out as it always did."""

from __future__ import annotations

from tests.api.tickets_support import counts, stored
from tests.support.live import Live
from tests.support.tickets import file_ticket


def test_a_reply_written_while_a_colleague_answered_is_refused_and_stores_nothing(
    live: Live,
) -> None:
    customer, kim, lee = live.person("customer"), live.person("agent"), live.person("agent")
    number = file_ticket(customer.api(), "Mail bounces")["number"]
    seen = kim.api().get(f"/tickets/{number}").json()["version"]  # Kim starts typing
    lee.api().post(f"/tickets/{number}/messages", json={"body": "Fixed the MX."}).raise_for_status()

    before, row = counts(), stored(number)
    key = {"Idempotency-Key": "kim-draft-1"}
    late = kim.api().post(
        f"/tickets/{number}/messages",
        json={"body": "Looking into it."},
        headers={"If-Match": f'"{seen}"', **key},
    )
    assert late.status_code == 412, late.text
    error = late.json()["error"]
    assert error["code"] == "version_mismatch"
    assert error["details"]["current_version"] == seen + 1
    assert counts() == before and stored(number) == row

    now = kim.api().get(f"/tickets/{number}").json()["version"]
    anyway = kim.api().post(  # Kim read Lee's reply and sends anyway, the same draft's key
        f"/tickets/{number}/messages",
        json={"body": "Looking into it."},
        headers={"If-Match": f'"{now}"', **key},
    )
    assert anyway.status_code == 201, anyway.text
    bodies = [m["body"] for m in customer.api().get(f"/tickets/{number}/messages").json()]
    assert bodies == ["Fixed the MX.", "Looking into it."]


def test_a_note_keeps_the_version_and_a_reply_without_if_match_goes_as_before(
    live: Live,
) -> None:
    customer, kim, lee = live.person("customer"), live.person("agent"), live.person("agent")
    number = file_ticket(customer.api())["number"]
    seen = kim.api().get(f"/tickets/{number}").json()["version"]
    lee.api().post(
        f"/tickets/{number}/messages", json={"body": "I call them.", "internal": True}
    ).raise_for_status()
    on_time = kim.api().post(  # a colleague's note changes no version: nothing collides
        f"/tickets/{number}/messages", json={"body": "Hello"}, headers={"If-Match": f'"{seen}"'}
    )
    assert on_time.status_code == 201, on_time.text
    blind = kim.api().post(f"/tickets/{number}/messages", json={"body": "Hello again"})
    assert blind.status_code == 201, blind.text


def test_a_malformed_if_match_is_a_clear_error_and_changes_nothing(live: Live) -> None:
    customer, kim = live.person("customer"), live.person("agent")
    number = file_ticket(customer.api())["number"]
    before = counts()
    for bad in ('"three"', "-1", '"1", "2"'):
        refused = kim.api().post(
            f"/tickets/{number}/messages", json={"body": "x"}, headers={"If-Match": bad}
        )
        assert refused.status_code == 400, (bad, refused.text)
        assert "If-Match must be a ticket version" in refused.json()["error"]["message"]
    assert counts() == before
