"""The queue's keys that bring work in: a ticket for a caller (``N``), mail from strangers (``e``).

A base of ``QueueScreen`` (``screens/queue.py``, which would pass 400 lines with
them), as ``queue_tags.TagAndMacroKeys`` is for tags and macros.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from padcom_tui.screens.queue_tags import TagAndMacroKeys

if TYPE_CHECKING:
    from padcom_cli.client.jsontypes import Json


class IntakeKeys(TagAndMacroKeys):
    """``N`` and ``e`` in the queue; ``ticket_closed`` is the queue's."""

    if TYPE_CHECKING:

        def ticket_closed(self, ticket: Json | None) -> None: ...

    def action_new_ticket(self) -> None:
        """File a ticket for a customer who phoned (screens/new_ticket.py), then open it."""
        from padcom_tui.screens.new_ticket import NewTicketScreen
        from padcom_tui.screens.ticket import TicketScreen

        def filed(number: int | None) -> None:
            if number is not None:
                self.app.push_screen(TicketScreen(number), self.ticket_closed)

        self.app.push_screen(NewTicketScreen(), filed)

    def action_mail_triage(self) -> None:
        """Mail from unknown senders: read, link to a customer, refuse (screens/mail_triage.py)."""
        from padcom_tui.screens.mail_triage import TriageScreen

        self.app.push_screen(TriageScreen())
