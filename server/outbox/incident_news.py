"""Outbox: the mail an incident's subscribers get, written in the transaction of the update.

A subscriber chose to hear of the incident instead of filing a ticket, so
there is no ticket to reply on: the mail is an outbox row of its own, keyed by
the incident's update and the person (so it goes out once), and delivery asks
again whether they may still see the incident (``audience``). Whoever a reply
on a linked ticket told already is not in ``News.subscribers``.
"""

from __future__ import annotations

import hashlib

from server.helpdesk.incidents import News
from server.outbox import audience
from server.outbox.settings import MailSettings
from server.storage.models import Outbox, User

FOOTER = "\n\n-- \nYou get this because you subscribed to this incident (padcom status)."


def tell(news: News | None, mail: MailSettings) -> int:
    """Queue one mail per subscriber of ``news``; returns how many. Runs in the transaction."""
    if news is None or not news.subscribers or not mail.enabled:
        return 0
    domain = mail.sender.rpartition("@")[2] or "localhost"
    people = User.select().where(User.id.in_(news.subscribers), User.active == True)  # noqa: E712
    rows = []
    for user in people:
        digest = hashlib.sha256(user.email.encode()).hexdigest()[:16]
        key = f"incident:{news.incident.id}:{news.update_id}:{user.id}"
        rows.append(
            {
                "channel": "mail",
                "dedupe_key": key,
                "target": user.email,
                "event_id": None,
                "payload": {
                    "subject": news.subject,
                    "body": news.body + FOOTER,
                    "message_id": f"<padcom.incident.{news.update_id}.{digest}@{domain}>",
                    audience.TO_USER: user.id,
                    audience.INCIDENT: news.incident.id,
                    audience.STAFF_ONLY: False,
                },
            }
        )
    if rows:
        Outbox.insert_many(rows).on_conflict_ignore().execute()
    return len(rows)
