"""The rows of the administration tables: organizations, people, tokens, services, audit.

Every cell is a ``rich.text.Text`` of cleaned server text (``format.line``): names
and labels come from customers and from billing, and must never be read as markup
or reach the terminal as control characters.
"""

from __future__ import annotations

import json
from typing import Any

from rich.cells import cell_len
from rich.text import Text

from padcom_cli.client.jsontypes import Json
from padcom_tui.format import line, stamp

COLUMNS: dict[str, tuple[str, ...]] = {
    "orgs": ("ID", "Number", "Name"),
    "people": ("ID", "Role", "Email", "Name", "Organization", "State"),
    "tokens": ("ID", "User", "Name", "Created", "Last used", "Expires", "State"),
    "services": ("ID", "Kind", "Label", "Plan", "Datacenter"),
    "audit": ("When", "Who", "What", "On", "Change"),
}


def _t(value: Any) -> Text:
    return Text(line(value))


def org_row(org: Json) -> list[Text]:
    return [_t(org["id"]), _t(org["customer_number"]), _t(org["name"])]


def person_state(user: Json) -> str:
    states = [
        word
        for word, on in (
            ("inactive", not user.get("active", True)),
            ("invited", user.get("invitation_pending")),
            ("2FA", user.get("totp_enabled")),
        )
        if on
    ]
    return " ".join(states) or "active"


def person_row(user: Json) -> list[Text]:
    org = user.get("organization") or {}
    return [
        _t(user["id"]),
        _t(user["role"]),
        _t(user.get("email") or "-"),
        _t(user["name"]),
        _t(org.get("name", "-")),
        _t(person_state(user)),
    ]


def token_row(token: Json) -> list[Text]:
    state = "revoked" if token.get("revoked_at") else "live"
    return [
        _t(token["id"]),
        _t(token["user"]),
        _t(token.get("name") or "-"),
        _t(stamp(token.get("created_at"))),
        _t(stamp(token.get("last_used_at"))),
        _t(stamp(token.get("expires_at"))),
        _t(state),
    ]


def service_row(service: Json) -> list[Text]:
    return [_t(service["id"]), _t(service["kind"]), _t(service["label"]),
            _t(service.get("plan") or "-"), _t(service.get("datacenter") or "-")]  # fmt: skip


def change_words(entry: Json) -> str:
    """``field: before -> after`` for each changed field of an audit entry."""
    before, after = entry.get("before") or {}, entry.get("after") or {}
    return "; ".join(
        f"{key}: {json.dumps(before[key]) if key in before else '-'} -> {json.dumps(value)}"
        for key, value in after.items()
    )


def audit_row(entry: Json) -> list[Text]:
    return [
        _t(stamp(entry["at"])),
        _t(entry["actor_label"]),
        _t(entry["action"]),
        _t(entry.get("target_label") or entry.get("target_id") or "-"),
        _t(change_words(entry)),
    ]


def column_widths(labels: tuple[str, ...], cells: list[list[Text]]) -> list[int]:
    """Each column as wide as its widest cell or label, measured before anything is drawn:
    a DataTable left to size its columns on idle can draw (and cache) rows in between
    at the labels' widths, and under load a name stayed cut to its header's width."""
    return [
        max([cell_len(label), *(row[i].cell_len for row in cells)])
        for i, label in enumerate(labels)
    ]
