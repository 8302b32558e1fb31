"""Rules layer: staff triage of mail from unknown senders: link it to a customer, or refuse it.

``mail_in.receive`` keeps such a mail as ``triage`` in no organization. Staff
either link it to a customer, which files it as that customer's ticket on their
behalf (the history says who; the customer is mailed "opened for you"), or
refuse it (spam, a wrong address): it is kept with the reason and leaves the
triage. Both are in the audit trail, since neither has a ticket event to say who
decided. Who may do either is the route's rule (staff only).
"""

from __future__ import annotations

from server.helpdesk import attachments, tickets
from server.helpdesk.audit import Actor, record
from server.helpdesk.errors import Invalid, NotFound
from server.helpdesk.mail_in import Rules, text_and_files
from server.helpdesk.mail_parse import parse
from server.storage.mail_models import InboundMail
from server.storage.models import Event, User
from server.vocabulary import AuditAction, Category, MailState, Priority

TARGET_KIND = "mail"
"""The audit trail's ``target_kind`` of a triage decision (its ``target_id``: the mail's id)."""


def triage(limit: int = 100) -> list[InboundMail]:
    """Mails from unknown senders waiting for staff, oldest first."""
    return list(
        InboundMail.select()
        .where(InboundMail.state == MailState.TRIAGE)
        .order_by(InboundMail.id)
        .limit(limit)
    )


def _waiting(inbound_id: int) -> InboundMail:
    row: InboundMail | None = (
        InboundMail.select()
        .where(InboundMail.id == inbound_id, InboundMail.state == MailState.TRIAGE)
        .first()
    )
    if row is None:
        raise NotFound(f"no mail {inbound_id} waits in triage")
    return row


def link_triage(
    staff: User, inbound_id: int, customer_id: int, rules: Rules
) -> tuple[InboundMail, list[Event]]:
    """File a triage mail as a ticket of customer ``customer_id``, by ``staff`` on their
    behalf, with the mail's files. Raises NotFound, Invalid."""
    row = _waiting(inbound_id)
    customer = User.get_or_none(User.id == customer_id, User.active == True)  # noqa: E712
    if customer is None or customer.is_staff or customer.organization_id is None:
        raise Invalid(f"user {customer_id} is not an active customer")
    parsed = parse(attachments.blob_bytes(row.content_id))
    text, files = text_and_files(parsed)
    new = tickets.NewTicket(
        subject=parsed.subject or "(no subject)",
        body=text,
        category=Category.OTHER,
        priority=Priority.NORMAL,
        requester=int(customer.id),
    )
    ticket, events = tickets.create_ticket(staff, new, rules.sla)
    left_out = attachments.attach_bytes(customer, files, ticket, None, rules.files)
    reason = f"linked by {staff.email}" + (f"; {'; '.join(left_out)}" if left_out else "")
    InboundMail.update(
        state=MailState.FILED, ticket=ticket.id, user=customer.id, reason=reason[:500], text=""
    ).where(InboundMail.id == row.id).execute()
    record(Actor.of(staff), AuditAction.MAIL_LINKED, TARGET_KIND, row.id, row.sender,
           before={"state": MailState.TRIAGE},
           after={"state": MailState.FILED, "ticket": ticket.id, "customer": customer.email})  # fmt: skip
    row.state, row.ticket_id = MailState.FILED, ticket.id
    return row, events


def refuse_triage(staff: User, inbound_id: int, why: str) -> InboundMail:
    """Take a triage mail out of the triage as refused (kept, with ``why`` and who decided);
    nothing is sent to its sender. Raises NotFound."""
    row = _waiting(inbound_id)
    reason = f"refused by {staff.email}" + (f": {why}" if why else "")
    InboundMail.update(state=MailState.REFUSED, reason=reason[:500], text="").where(
        InboundMail.id == row.id
    ).execute()
    record(Actor.of(staff), AuditAction.MAIL_REFUSED, TARGET_KIND, row.id, row.sender,
           before={"state": MailState.TRIAGE},
           after={"state": MailState.REFUSED, "reason": why})  # fmt: skip
    row.state, row.reason = MailState.REFUSED, reason[:500]
    return row
