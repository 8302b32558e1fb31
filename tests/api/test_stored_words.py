"""Every word is stored as the code pinned here, and a code never changes meaning.

The table below is the stored format: a word stored as text is its own spelling;
a priority is stored as a number, an SLA target as a number (statistics) and a
bit (breaches), and the statistics' duration key packs a bucket start with the
priority's and category's numbers (``bucket * 4096 + priority * 64 + category``). Changing a code here means rewriting stored rows, which a
migration may not do; a new word takes a new code. The live part files and
changes tickets through the API, on both databases, and reads the raw rows.
"""

from __future__ import annotations

from typing import Any

import httpx

from server.storage.db import db
from server.vocabulary import (
    AUDIT_ACTIONS,
    BREACH_BITS,
    CATEGORIES,
    CATEGORY_CODES,
    EVENT_KINDS,
    INCIDENT_SEVERITIES,
    LINK_KINDS,
    PRIORITY_CODES,
    RATINGS,
    ROLES,
    SERVICE_KINDS,
    SERVICE_STATES,
    STATUSES,
    TARGET_CODES,
    AlertState,
    CodePurpose,
    IncidentState,
    OutboxState,
    Status,
    TokenScope,
)
from tests.support.live import Live
from tests.support.tickets import file_ticket

EVENT_WORDS = [
    "created",
    "updated",
    "replied",
    "note",
    "status",
    "assigned",
    "deleted",
    "sla_breached",
    "linked",
    "unlinked",
    "tagged",
    "macro",
    "merged",
    "unmerged",
    "rated",
    "reminded",
    "incident_declared",
    "incident_changed",
    "incident_updated",
    "incident_resolved",
    "presence",
]
PINNED: dict[str, dict[str, int | str]] = {
    "priority": {"low": 0, "normal": 1, "high": 2, "urgent": 3},
    "category code": {"hardware": 0, "software": 1, "usage": 2, "security": 3, "other": 4},
    "stats metric": {"first_response": 0, "resolution": 1},
    "breach bit": {"first_response": 1, "resolution": 2},
    "status": {w: w for w in ("new", "open", "waiting", "resolved", "closed")},
    "category": {w: w for w in ("hardware", "software", "usage", "security", "other")},
    "role": {w: w for w in ("customer", "agent", "admin")},
    "service kind": {w: w for w in ("webhosting", "vps", "dedicated", "domain", "mail")},
    "event kind": {w: w for w in EVENT_WORDS},
    "outbox state": {w: w for w in ("pending", "sent", "failed")},
    "service state": {w: w for w in ("active", "suspended", "cancelled")},
    "link kind": {w: w for w in ("related", "same_outage", "caused_by")},
    "incident severity": {w: w for w in ("minor", "major", "critical")},
    "incident state": {w: w for w in ("open", "acknowledged", "resolved")},
    "alert state": {w: w for w in ("firing", "resolved")},
    "token scope": {w: w for w in ("full", "enrol")},
    "code purpose": {w: w for w in ("reset", "invite")},
    "audit action": {
        w: w
        for w in (
            "org.added",
            "org.changed",
            "service.added",
            "service.changed",
            "user.added",
            "user.invited",
            "user.changed",
            "user.signed_out",
            "user.totp_reset",
            "token.revoked",
            "password.changed",
            "password.reset",
            "invitation.accepted",
            "totp.enabled",
            "totp.disabled",
            "import.applied",
            "settings.changed",
            "mail.linked",
            "mail.refused",
        )
    },
    "rating": {w: w for w in ("good", "bad")},
}


def _as_text(words: tuple[Any, ...]) -> dict[str, int | str]:
    return {str(w): str(w) for w in words}


def test_each_word_keeps_the_code_it_is_stored_as() -> None:
    assert {
        "priority": {str(w): c for w, c in PRIORITY_CODES.items()},
        "category code": {str(w): c for w, c in CATEGORY_CODES.items()},
        "stats metric": {str(w): c for w, c in TARGET_CODES.items()},
        "breach bit": {str(w): c for w, c in BREACH_BITS.items()},
        "status": _as_text(STATUSES),
        "category": _as_text(CATEGORIES),
        "role": _as_text(ROLES),
        "service kind": _as_text(SERVICE_KINDS),
        "event kind": _as_text(EVENT_KINDS),
        "outbox state": _as_text(tuple(OutboxState)),
        "service state": _as_text(SERVICE_STATES),
        "link kind": _as_text(LINK_KINDS),
        "incident severity": _as_text(INCIDENT_SEVERITIES),
        "incident state": _as_text(tuple(IncidentState)),
        "alert state": _as_text(tuple(AlertState)),
        "token scope": _as_text(tuple(TokenScope)),
        "code purpose": _as_text(tuple(CodePurpose)),
        "audit action": _as_text(AUDIT_ACTIONS),
        "rating": _as_text(RATINGS),
    } == PINNED


def _change(api: httpx.Client, number: int, **fields: str) -> dict[str, Any]:
    version = api.get(f"/tickets/{number}").json()["version"]
    reply = api.patch(f"/tickets/{number}", json=fields, headers={"If-Match": f'"{version}"'})
    assert reply.status_code == 200, reply.text
    found: dict[str, Any] = reply.json()
    return found


def _rows(sql: str) -> list[tuple[Any, ...]]:
    with db.connection_context():
        return list(db.execute_sql(sql).fetchall())


def test_the_database_holds_the_pinned_codes_of_what_the_api_shows(live: Live) -> None:
    customer, agent = live.person("customer"), live.person("agent")
    shown = {}
    for n, category in enumerate(PINNED["category"]):
        priority = list(PINNED["priority"])[n % 4]
        number = file_ticket(customer.api(), category=category, priority=priority)["number"]
        status = list(PINNED["status"])[n]
        if status != Status.NEW:
            _change(agent.api(), number, status=status)
        shown[number] = agent.api().get(f"/tickets/{number}").json()

    stored = _rows("SELECT id, priority, category, status FROM ticket")
    assert {number: (PINNED["priority"][t["priority"]], t["category"], t["status"]) for number, t in shown.items()} == {
        number: (priority, category, status) for number, priority, category, status in stored
    }  # fmt: skip
    roles = {role for (role,) in _rows('SELECT role FROM "user"')}
    assert {"customer", "agent"} <= roles <= set(PINNED["role"])
    kinds = {kind for (kind,) in _rows("SELECT kind FROM event")}
    assert {"created", "status"} <= kinds <= set(PINNED["event kind"])

    settled = _rows("SELECT priority, category FROM stats_settled_day WHERE tickets > 0")
    category_of = {code: word for word, code in PINNED["category code"].items()}
    durations = [
        ((key - key // 4096 * 4096) // 64, category_of[key - key // 64 * 64])
        for (key,) in _rows("SELECT group_key FROM stats_settled_duration WHERE tickets > 0")
    ]
    resolved = {
        (PINNED["priority"][t["priority"]], t["category"])
        for t in shown.values()
        if t["status"] in ("resolved", "closed")
    }
    assert set(settled) == resolved
    assert set(durations) <= resolved and durations
