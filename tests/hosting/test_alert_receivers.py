"""The alert receivers: each source proves itself, repeats add to what they opened, a flapping
alert is damped, and a receiver without a configured source does not exist."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.hosting.support import BEARER, HMAC_KEY, alertmanager_body, hosting_helpdesk
from tests.live.mailbox import Mailbox
from tests.live.outbox_support import fresh_mailbox
from tests.support.live import Live

mailbox = pytest.fixture(scope="module", name="mailbox")(fresh_mailbox)


@pytest.fixture(scope="module")
def helpdesk(database_url: str, mailbox: Mailbox) -> Iterator[Live]:
    with hosting_helpdesk(database_url, mailbox) as world:
        yield world


def _signed(live: Live, body: dict[str, Any], key: str = HMAC_KEY) -> httpx.Response:
    raw = json.dumps(body).encode()
    signature = hmac.new(key.encode(), raw, hashlib.sha256).hexdigest()
    with live.anonymous() as api:
        return api.post(
            "/alerts/generic",
            content=raw,
            headers={
                "Content-Type": "application/json",
                "X-Padcom-Source": "zabbix",
                "X-Padcom-Signature": f"sha256={signature}",
            },
        )


def _bearer(live: Live, body: dict[str, Any], token: str = BEARER) -> httpx.Response:
    with live.anonymous() as api:
        return api.post(
            "/alerts/alertmanager", json=body, headers={"Authorization": f"Bearer {token}"}
        )


def test_only_a_source_with_its_own_secret_is_heard(helpdesk: Live) -> None:
    agent = helpdesk.person("agent")
    body = alertmanager_body("firing", "db-01", fingerprint="auth-1")
    assert _bearer(helpdesk, body, token="wrong-token-of-someone-else").status_code == 401
    assert (
        _bearer(helpdesk, body, token=agent.token).status_code == 401
    )  # a user's token is not one
    with helpdesk.anonymous() as api:
        assert api.post("/alerts/alertmanager", json=body).status_code == 401
    generic = {"alerts": [{"status": "firing", "name": "DiskFull", "server": "db-02"}]}
    assert _signed(helpdesk, generic, key="a-key-nobody-configured-here").status_code == 401
    assert agent.api().get("/incidents").json() == []  # nothing was opened

    heard = _signed(helpdesk, generic)
    assert heard.status_code == 200, heard.text
    assert heard.json()["source"] == "zabbix"
    assert heard.json()["results"][0]["action"] == "opened"
    assert _signed(helpdesk, {"alerts": [{"status": "maybe", "name": "x"}]}).status_code == 422


def test_repeats_add_and_flapping_is_damped(helpdesk: Live) -> None:
    agent = helpdesk.person("agent")
    firing = alertmanager_body("firing", "web-90", fingerprint="flappy")
    resolved = alertmanager_body("resolved", "web-90", fingerprint="flappy")
    opened = _bearer(helpdesk, firing).json()["results"][0]
    number = opened["incident"]
    for _ in range(3):
        assert _bearer(helpdesk, firing).json()["results"][0]["action"] == "repeated"
    assert [
        i["number"] for i in agent.api().get("/incidents").json() if "web-90" in i["servers"]
    ] == [number]

    assert _bearer(helpdesk, resolved).json()["results"][0]["action"] == "resolved"
    assert agent.api().get(f"/incidents/{number}").json()["state"] == "resolved"
    again = _bearer(helpdesk, firing).json()["results"][0]
    assert again == {"fingerprint": "flappy", "incident": number, "action": "flapping"}
    assert agent.api().get(f"/incidents/{number}").json()["state"] == "open"
    assert _bearer(helpdesk, resolved).json()["results"][0]["action"] == "resolved"
    assert _bearer(helpdesk, firing).json()["results"][0]["action"] == "flapping"
    # past the flap limit (2) a recovery no longer resolves it: staff decide
    assert _bearer(helpdesk, resolved).json()["results"][0]["action"] == "recovered"
    shown = agent.api().get(f"/incidents/{number}").json()
    assert shown["state"] == "open"
    notes = [u["body"] for u in shown["updates"] if u["internal"]]
    assert any("flapping" in n for n in notes) and any("recovered" in n for n in notes)
    customer = helpdesk.person("customer")
    assert customer.api().get(f"/incidents/{number}").status_code == 404  # not theirs


def test_a_second_alert_for_the_same_server_joins_its_incident(helpdesk: Live) -> None:
    first = _bearer(helpdesk, alertmanager_body("firing", "web-91", fingerprint="one")).json()
    body = alertmanager_body("firing", "web-91", fingerprint="two")
    body["alerts"][0]["labels"]["alertname"] = "HighLoad"
    second = _bearer(helpdesk, body).json()["results"][0]
    assert second["action"] == "joined" and second["incident"] == first["results"][0]["incident"]
    assert (
        _bearer(helpdesk, alertmanager_body("resolved", "web-91", fingerprint="one")).json()[
            "results"
        ][0]["action"]
        == "recovered"
    )  # HighLoad still fires
    assert (
        _bearer(helpdesk, alertmanager_body("resolved", "web-91", fingerprint="two")).json()[
            "results"
        ][0]["action"]
        == "resolved"
    )


def test_without_a_source_the_receivers_do_not_exist(live: Live) -> None:
    with live.anonymous() as api:
        body = alertmanager_body("firing", "web-01")
        reply = api.post(
            "/alerts/alertmanager", json=body, headers={"Authorization": f"Bearer {BEARER}"}
        )
        assert reply.status_code == 404
