"""Rules layer: the customer's answer to "how did we do?", once per resolution.

A resolved (or closed) ticket may be rated ``good`` or ``bad`` by its requester,
once for that resolution: the rating is keyed by the ticket's ``resolved_at``, so
a ticket reopened and resolved again has a new resolution and asks again, while
closing a resolved ticket keeps the one it has. The resolve mail asks the
question (server/outbox/mail_words.py); the answer is on the ticket's JSON, in
its history (a ``rated`` event) and in ``/stats`` (server/stats/satisfaction.py).
There is no login-free rating link: the customer answers with ``padcom ticket
rate`` or the API, signed in.
"""

from __future__ import annotations

from server.helpdesk.errors import Conflict, Forbidden
from server.helpdesk.visibility import get_ticket
from server.storage.fields import utcnow
from server.storage.models import Event, Ticket, User
from server.storage.rating_models import TicketRating
from server.vocabulary import DONE_STATUSES, EventKind, Rating


def rate(user: User, number: int, score: Rating, comment: str) -> tuple[Ticket, list[Event]]:
    """``user`` rates the latest resolution of ticket ``number``.

    Raises NotFound (not theirs to see), Forbidden (staff, or a colleague's
    ticket), Conflict (not resolved, or this resolution already rated).
    """
    ticket = get_ticket(user, number, for_update=True)
    if user.is_staff:
        raise Forbidden("ratings are the customer's; staff cannot rate a ticket")
    if ticket.requester_id != user.id:
        raise Forbidden(f"only the person who filed ticket {number} can rate it")
    if ticket.status not in DONE_STATUSES or ticket.resolved_at is None:
        raise Conflict(f"ticket {number} is not resolved; rate it once it is")
    taken = TicketRating.select().where(
        TicketRating.ticket == ticket.id, TicketRating.resolved_at == ticket.resolved_at
    )
    if taken.exists():
        raise Conflict(f"ticket {number} was already rated for this resolution")
    now = utcnow()
    version = ticket.version + 1  # the ticket's JSON shows the rating: its ETag moves with it
    Ticket.update(updated_at=now, version=version).where(Ticket.id == ticket.id).execute()
    ticket.updated_at, ticket.version = now, version
    TicketRating.create(
        ticket=ticket.id,
        resolved_at=ticket.resolved_at,
        rater=user.id,
        score=score.value,
        comment=comment,
        agent=ticket.assignee_id,
        category=ticket.category,
        created_at=now,
    )
    changes = {"rating": score.value, "comment": comment} if comment else {"rating": score.value}
    event = Event(
        ticket=ticket.id,
        organization=ticket.organization_id,
        kind=EventKind.RATED,
        actor=user.id,
        changes=changes,
        at=now,
    )
    return ticket, [event]
