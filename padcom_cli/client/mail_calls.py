"""Client: the staff's triage of mail from unknown senders over HTTP — list, link, refuse.

Beside ``api.py`` (``PadcomClient.mail``), so the client's core stays small; every
call raises the client's own errors (``padcom_cli/client/errors.py``): NotFound when
the mail no longer waits (a colleague decided first), InvalidRequest for someone who
cannot have tickets.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from padcom_cli.client.jsontypes import Json

if TYPE_CHECKING:
    from padcom_cli.client.api import PadcomClient


class MailCalls:
    """The calls, on one signed-in client."""

    def __init__(self, client: PadcomClient) -> None:
        self.client = client

    def triage(self) -> list[Json]:
        """The mails waiting, oldest first: ``id``, ``sender``, ``subject``, ``text``,
        ``authentication``, ``received_at``."""
        result: list[Json] = self.client.call("GET", "/mail/triage")
        return result

    def link(self, mail_id: int, customer: int) -> Json:
        """File mail ``mail_id`` as a ticket of customer ``customer`` (a user id); the ticket."""
        result: Json = self.client.call_write(
            "POST", f"/mail/triage/{mail_id}/link", json={"customer": customer}
        )
        return result

    def refuse(self, mail_id: int, reason: str = "") -> Json:
        """Take mail ``mail_id`` out of the triage as refused, with ``reason`` (one line)."""
        result: Json = self.client.call_write(
            "POST", f"/mail/triage/{mail_id}/refuse", json={"reason": reason}
        )
        return result
