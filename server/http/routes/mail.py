"""HTTP layer: the triage of mail from unknown senders (rules: server/helpdesk/mail_triage.py).

Staff only: such a mail is in no organization's ticket until a staff member
links it to a customer, which files it as that customer's ticket, or refuses it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Path, Request, Response
from pydantic import BaseModel, Field

from server.helpdesk import mail_in, mail_triage
from server.http.deps import AppSettings, StaffUser, write
from server.http.schemas import Reason, Strict
from server.reads import mail_read
from server.reads.ticket_read import JSON, dumps, ticket_now
from server.storage.models import Event

router = APIRouter(tags=["mail"])


class TriageOut(BaseModel):
    id: int
    sender: str
    subject: str
    text: str
    authentication: str = Field(description="what Authentication-Results said (dkim=, spf=)")
    received_at: datetime


class LinkIn(Strict):
    customer: int = Field(ge=1, le=2**31 - 1, description="the customer whose ticket it becomes")


class RefuseIn(Strict):
    reason: Reason = Field(default="", description="why, for the record (spam, a wrong address)")


class RefusedOut(BaseModel):
    id: int
    sender: str
    subject: str
    state: str
    reason: str


@router.get("/mail/triage", response_model=list[TriageOut])
def list_triage(user: StaffUser) -> list[dict[str, Any]]:
    """Mails from addresses of no account, oldest first (staff only)."""
    return mail_read.triage_json()


@router.post("/mail/triage/{mail_id}/link", status_code=201)
def link(
    mail_id: Annotated[int, Path(ge=1, le=2**31 - 1)],
    data: LinkIn,
    request: Request,
    user: StaffUser,
    settings: AppSettings,
) -> Response:
    """File the mail as a ticket of ``customer``; answers the new ticket."""
    rules = mail_in.Rules(settings.mail_in, settings.sla, settings.files)

    def change() -> tuple[int, list[Event]]:
        row, events = mail_triage.link_triage(user, mail_id, data.customer, rules)
        return int(row.ticket_id or 0), events

    number = write(request, change)
    return Response(dumps(ticket_now(user, number)), 201, media_type=JSON)


@router.post("/mail/triage/{mail_id}/refuse", response_model=RefusedOut)
def refuse(
    mail_id: Annotated[int, Path(ge=1, le=2**31 - 1)],
    data: RefuseIn,
    request: Request,
    user: StaffUser,
) -> dict[str, Any]:
    """Take the mail out of the triage as refused, kept with the reason; its sender hears nothing."""

    def change() -> tuple[dict[str, Any], list[Event]]:
        row = mail_triage.refuse_triage(user, mail_id, data.reason)
        shown = {"id": row.id, "sender": row.sender, "subject": row.subject}
        return {**shown, "state": row.state, "reason": row.reason}, []

    return write(request, change)
