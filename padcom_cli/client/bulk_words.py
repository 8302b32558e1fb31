"""Client layer: what a bulk change did, in one summary ("11 changed; 1 refused: #7 …").

Shared by the admin app's bulk actions and any script that reads ``POST /tickets/bulk``.
Every refusal is named with its ticket, its status and why, so 412s (changed by someone
else meanwhile) can be looked at and done again.
"""

from __future__ import annotations

from padcom_cli.client.jsontypes import Json
from padcom_cli.client.plural import counted
from padcom_cli.client.sanitize import clean

WHY = {
    412: "changed by someone else meanwhile",
    403: "not allowed",
    404: "no longer there",
}
"""A refusal's status in words; others say the server's message."""
NAMED = 8
"""Refusals named one by one; past that, counted."""


def refusal(item: Json) -> str:
    """``#7 changed by someone else meanwhile (412)``."""
    status = int(item.get("status") or 0)
    why = WHY.get(status) or clean(str(item.get("message") or "refused"), single_line=True)
    return f"#{int(item['number'])} {why} ({status})"


def summary(result: Json, what: str) -> str:
    """One line: how many tickets got ``what`` and each that was refused, and why."""
    changed = result.get("changed") or []
    refused = result.get("refused") or []
    words = f"{counted(len(changed), 'ticket')} {what}"
    if refused:
        named = "; ".join(refusal(r) for r in refused[:NAMED])
        more = f"; {len(refused) - NAMED} more" if len(refused) > NAMED else ""
        words += f"; {len(refused)} refused: {named}{more}"
    return words
