"""Read models: the mails from unknown senders waiting in staff triage."""

from __future__ import annotations

from typing import Any

from server.helpdesk.mail_triage import triage
from server.storage.db import db


def triage_json() -> list[dict[str, Any]]:
    """Each waiting mail: who sent it, its subject and trimmed text, when, what was checked."""
    with db.connection_context():
        return [
            {
                "id": row.id,
                "sender": row.sender,
                "subject": row.subject,
                "text": row.text,
                "authentication": row.authentication,
                "received_at": row.received_at,
            }
            for row in triage()
        ]
