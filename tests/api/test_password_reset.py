"""A customer who forgot their password resets it by mail; an invited person sets their first.

Through a real SMTP server (aiosmtpd on loopback), on both databases. The code
works once and only for its address; the answer to a request is the same for an
address nobody has; setting the password signs every session out.
"""

from __future__ import annotations

import re
import statistics
import time
from collections.abc import Iterator

import httpx
import pytest

from server.outbox.settings import MailSettings, OutboxSettings
from server.outbox.worker import SCRUBBED
from server.storage.db import db
from server.storage.identity_models import OneTimeCode
from server.storage.models import Outbox
from tests.live.mailbox import Mailbox
from tests.support.live import Live, Person, own_server
from tests.support.ports import free_port

NEW_PASSWORD = "walnut orchard in late october"
CODE = re.compile(r"Your code: ([a-z0-9-]+)")
QUICK = OutboxSettings(first_retry_seconds=0.1, max_retry_seconds=0.4, poll_seconds=0.2)


@pytest.fixture(scope="module")
def mailbox(database_url: str) -> Iterator[Mailbox]:
    """A fresh mailbox per database (the same addresses are used on each)."""
    box = Mailbox(free_port()).start()
    yield box
    box.stop()


@pytest.fixture(scope="module")
def helpdesk(database_url: str, mailbox: Mailbox) -> Iterator[Live]:
    mail = MailSettings(
        host="127.0.0.1", port=mailbox.port, security="none", sender="help@padcom.test"
    )
    with own_server(database_url, mail=mail, outbox=QUICK) as world:
        yield world


def _code_for(mailbox: Mailbox, address: str, count: int = 1) -> str:
    mail = mailbox.wait_for(address, count)[-1]
    found = CODE.search(mail.get_content())
    assert found, mail.get_content()
    return found.group(1)


def _request(api: httpx.Client, email: str) -> httpx.Response:
    return api.post("/auth/reset", json={"email": email})


def _confirm(api: httpx.Client, email: str, code: str, password: str = NEW_PASSWORD) -> int:
    body = {"email": email, "code": code, "new_password": password}
    return api.post("/auth/reset/confirm", json=body).status_code


def test_a_customer_resets_a_forgotten_password_by_mail(helpdesk: Live, mailbox: Mailbox) -> None:
    anna = helpdesk.person("customer")
    laptop = anna.api()
    with helpdesk.anonymous() as api:
        asked = _request(api, anna.email.upper())
        assert asked.status_code == 202
        code = _code_for(mailbox, anna.email)
        assert _confirm(api, anna.email, code, "password123") == 422  # the policy still holds
        assert _confirm(api, anna.email, code) == 204
        assert laptop.get("/me").status_code == 401  # every session signed out
        signed_in = api.post("/auth/login", json={"email": anna.email, "password": NEW_PASSWORD})
        assert signed_in.status_code == 200
        assert _confirm(api, anna.email, code, "another fine long passphrase") == 422  # used


def test_unknown_and_known_addresses_get_the_same_answer_in_the_same_time(
    helpdesk: Live, mailbox: Mailbox
) -> None:
    known = helpdesk.person("customer")
    timings: dict[str, list[float]] = {"known": [], "unknown": []}
    answers = set()
    with helpdesk.anonymous() as api:
        for i in range(6):
            for kind, email in (("known", known.email), ("unknown", f"nobody{i}@example.com")):
                started = time.perf_counter()
                reply = _request(api, email)
                timings[kind].append(time.perf_counter() - started)
                answers.add((reply.status_code, reply.text))
    assert len(answers) == 1
    known_median, unknown_median = (statistics.median(t) for t in timings.values())
    assert abs(known_median - unknown_median) < 0.05, timings
    assert not mailbox.to("nobody0@example.com")
    # three requests per address per hour: the fourth and later sent nothing
    assert len(mailbox.wait_for(known.email, 3)) == 3
    time.sleep(1)
    assert len(mailbox.to(known.email)) == 3


def test_a_code_works_only_for_its_address_and_only_the_newest_one(
    helpdesk: Live, mailbox: Mailbox
) -> None:
    bea, carl = helpdesk.person("customer"), helpdesk.person("customer")
    with helpdesk.anonymous() as api:
        _request(api, bea.email)
        first = _code_for(mailbox, bea.email)
        _request(api, bea.email)
        second = _code_for(mailbox, bea.email, 2)
        assert _confirm(api, carl.email, second) == 422
        assert _confirm(api, bea.email, first) == 422  # voided by the newer one
        assert _confirm(api, bea.email, "abcd-efgh-jkmn-pqrs") == 422
        assert _confirm(api, bea.email, second) == 204


def test_only_a_digest_of_the_code_is_kept_and_the_sent_mail_is_blanked(
    helpdesk: Live, mailbox: Mailbox
) -> None:
    dora = helpdesk.person("customer")
    with helpdesk.anonymous() as api:
        _request(api, dora.email)
    code = _code_for(mailbox, dora.email)
    with db.connection_context():
        stored = [row.code_hash for row in OneTimeCode.select()]
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            bodies = [
                row.payload["body"] for row in Outbox.select().where(Outbox.target == dora.email)
            ]
            if bodies == [SCRUBBED]:
                break
            time.sleep(0.1)
    assert code not in stored and code.replace("-", "") not in stored
    assert bodies == [SCRUBBED]


def test_an_invited_person_sets_their_own_password(helpdesk: Live, mailbox: Mailbox) -> None:
    admin = helpdesk.person("admin")
    org = helpdesk.organization()
    body = {"email": "erik@kunde.example", "name": "Erik", "organization": org.id}
    made = admin.api().post("/invitations", json=body)
    assert made.status_code == 201, made.text
    assert made.json()["invitation_pending"] is True
    with helpdesk.anonymous() as api:
        refused = api.post(
            "/auth/login", json={"email": "erik@kunde.example", "password": "!invited"}
        )
        assert refused.status_code == 401
        code = _code_for(mailbox, "erik@kunde.example")
        assert _confirm(api, "erik@kunde.example", code) == 204
        signed_in = api.post(
            "/auth/login", json={"email": "erik@kunde.example", "password": NEW_PASSWORD}
        )
        assert signed_in.status_code == 200
    shown = admin.api().get(f"/users/{made.json()['id']}").json()
    assert shown["invitation_pending"] is False
    actions = [
        e["action"] for e in admin.api().get("/audit", params={"q": "erik@"}).json()["items"]
    ]
    assert actions == ["invitation.accepted", "user.invited"]


def test_a_person_lists_and_ends_their_own_sessions(helpdesk: Live) -> None:
    fred: Person = helpdesk.person("customer")
    with helpdesk.anonymous() as api:
        other = api.post("/auth/login", json={"email": fred.email, "password": fred.password})
    other_id = next(s for s in fred.api().get("/me/tokens").json() if not s["current"])["id"]
    stranger = helpdesk.person("customer")
    assert stranger.api().delete(f"/me/tokens/{other_id}").status_code == 404
    assert fred.api().delete(f"/me/tokens/{other_id}").status_code == 204
    headers = {"Authorization": f"Bearer {other.json()['token']}"}
    with httpx.Client(base_url=f"{helpdesk.url}/api/v1", headers=headers) as gone:
        assert gone.get("/me").status_code == 401
    assert [s["current"] for s in fred.api().get("/me/tokens").json()] == [True]
