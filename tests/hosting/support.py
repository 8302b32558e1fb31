"""What the hosting stories share: a helpdesk that mails and takes alerts, and customers on a server.

``hosting_helpdesk`` is a real server (a thread) that mails a loopback mailbox
and accepts alerts from one source, ``prometheus``, by bearer token (and from
``zabbix`` by HMAC). ``hosted`` gives an organization, its customer and a
service on the named server, made through the staff API as an operator would.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from server.helpdesk.alert_settings import AlertSettings, AlertSource
from server.outbox.settings import MailSettings
from tests.live.mailbox import Mailbox
from tests.live.outbox_support import FAST_RETRIES
from tests.support.live import Live, Person, own_server

BEARER = "alertmanager-secret-2026-token"
HMAC_KEY = "zabbix-hmac-key-2026-long-enough"
SOURCES = AlertSettings(
    sources=(AlertSource("prometheus", token=BEARER), AlertSource("zabbix", hmac_key=HMAC_KEY)),
    flap_seconds=600,
    flap_limit=2,
)


@contextmanager
def hosting_helpdesk(database_url: str, mailbox: Mailbox, **overrides: Any) -> Iterator[Live]:
    """A server that mails ``mailbox`` (plain SMTP on loopback) and takes the test's alerts."""
    mail = MailSettings(
        host="127.0.0.1", port=mailbox.port, security="none", sender="help@padcom.test",
        staff=(),
    )  # fmt: skip
    values: dict[str, Any] = {"mail": mail, "outbox": FAST_RETRIES, "alerts": SOURCES}
    values.update(overrides)
    with own_server(database_url, **values) as world:
        yield world


@dataclass
class Hosted:
    """A customer whose organization rents one service on ``server``."""

    customer: Person
    service: dict[str, Any]


def hosted(live: Live, staff: Person, server: str, label: str, datacenter: str = "FRA-1") -> Hosted:
    """A new organization with a customer and a webhosting service on ``server`` (staff API)."""
    org = live.organization(services=0)
    customer = live.person("customer", org=org)
    reply = staff.api().post(
        "/services",
        json={
            "organization": org.id,
            "kind": "webhosting",
            "label": label,
            "plan": "M",
            "server": server,
            "datacenter": datacenter,
            "ips": ["203.0.113.7"],
            "hostnames": [label],
        },
    )
    assert reply.status_code == 201, reply.text
    return Hosted(customer, reply.json())


def alertmanager_body(status: str, server: str, fingerprint: str = "f00dfeed") -> dict[str, Any]:
    """What Alertmanager's webhook sends for one alert (version 4)."""
    return {
        "version": "4",
        "status": status,
        "receiver": "padcom",
        "groupKey": '{}:{alertname="HostDown"}',
        "alerts": [
            {
                "status": status,
                "labels": {
                    "alertname": "HostDown",
                    "instance": f"{server}:9100",
                    "severity": "critical",
                },
                "annotations": {"summary": f"Web server {server} does not answer."},
                "startsAt": "2026-12-01T10:00:00Z",
                "endsAt": "0001-01-01T00:00:00Z",
                "fingerprint": fingerprint,
            }
        ],
    }
