"""Request and response shapes of the API; the OpenAPI document is built from them.

Request models forbid unknown fields, so a customer who sends ``assignee``,
``requester``, ``version`` or a timestamp gets a 422 and nothing changes.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
)
from pydantic_core import PydanticCustomError

from server.reads.listing import SORT_PATTERN
from server.vocabulary import (
    Category,
    Priority,
    Rating,
    Role,
    ServiceState,
    Status,
)

MAX_BODY_CHARS = 64 * 1024


def _one_line(value: str) -> str:
    """Refuse a line break of any kind (``str.splitlines``): a subject heads a table row and a mail."""
    if len(value.splitlines()) > 1:
        raise PydanticCustomError("one_line", "must be one line (no line breaks)")
    return value


Subject = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=200),
    AfterValidator(_one_line),
]
Reason = Annotated[  # why staff decided something, for the record: one line, may be empty
    str, StringConstraints(strip_whitespace=True, max_length=300), AfterValidator(_one_line)
]
Body = Annotated[str, StringConstraints(min_length=1, max_length=MAX_BODY_CHARS)]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Password = Annotated[str, StringConstraints(min_length=1, max_length=1024)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


# --- requests -------------------------------------------------------------


class LoginIn(Strict):
    email: Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=254)]
    password: Password
    token_name: Annotated[str, StringConstraints(max_length=100)] = ""
    totp: Annotated[str, StringConstraints(strip_whitespace=True, max_length=32)] | None = None
    """A code from the authenticator app, or a recovery code, for two-factor sign-in."""


UploadId = Annotated[int, Field(ge=1, le=2**31 - 1)]
UploadIds = Annotated[
    list[UploadId],
    Field(max_length=100, description="ids of your uploads (POST /uploads) to attach"),
]


class TicketIn(Strict):
    subject: Subject
    body: Body
    category: Category = Category.OTHER
    priority: Priority = Priority.NORMAL
    service: int | None = Field(default=None, ge=1, le=2**31 - 1)
    attachments: UploadIds = Field(default_factory=list)
    requester: (
        Annotated[int, Field(ge=1, le=2**31 - 1)]
        | Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=254)]
        | None
    ) = Field(default=None, description="staff only: the customer (id or email) filed for")


class MergeIn(Strict):
    into: int = Field(ge=1, le=2**31 - 1, description="the ticket the duplicate joins")
    into_version: int = Field(ge=1, le=2**31 - 1, description="the target's version last seen")
    across_organizations: bool = False


class RatingIn(Strict):
    rating: Rating
    comment: Annotated[str, StringConstraints(max_length=2000)] = ""


class TicketPatch(Strict):
    subject: Subject | None = None
    body: Body | None = None
    category: Category | None = None
    priority: Priority | None = None
    status: Status | None = None
    service: int | None = Field(default=None, ge=1, le=2**31 - 1)
    assignee: int | None = Field(default=None, ge=1, le=2**31 - 1)


class MessageIn(Strict):
    body: Body
    internal: bool = False
    status: Status | None = Field(
        default=None, description="staff replies only: set this status with it (send and set)"
    )
    attachments: UploadIds = Field(default_factory=list)


def fingerprinted(data: BaseModel) -> dict[str, Any]:
    """A request body as its Idempotency-Key fingerprint covers it: without the fields added
    since keys were kept (``attachments``, a reply's ``status``) when they are empty, so a
    key's fingerprint reads as it did before they existed."""
    body = data.model_dump()
    for added in ("attachments", "status"):
        if not body.get(added):
            body.pop(added, None)
    return body


ViewName = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=60),
    AfterValidator(_one_line),
]
ViewFilters = Annotated[
    dict[str, Annotated[str, StringConstraints(max_length=200)]], Field(max_length=12)
]
ViewSort = Annotated[str, StringConstraints(pattern=SORT_PATTERN)]


class ViewIn(Strict):
    """A saved view: ``GET /tickets`` filters and a sort under a name."""

    name: ViewName
    filters: ViewFilters = Field(default_factory=dict)
    sort: ViewSort = "urgency"
    position: int = Field(default=0, ge=0, le=999)
    shared: bool = False


class ViewPatch(Strict):
    name: ViewName | None = None
    filters: ViewFilters | None = None
    sort: ViewSort | None = None
    position: int | None = Field(default=None, ge=0, le=999)


class ViewOut(BaseModel):
    id: int
    name: str
    filters: dict[str, str]
    sort: str
    position: int
    shared: bool
    mine: bool


class OrganizationOut(BaseModel):
    id: int
    name: str
    customer_number: str


class ServiceOut(BaseModel):
    id: int
    kind: str
    label: str
    plan: str
    datacenter: str
    state: ServiceState
    server: str
    ips: list[str]
    hostnames: list[str]


class StaffServiceOut(ServiceOut):
    organization: int


class UserOut(BaseModel):
    id: int
    email: str | None = Field(description="null for a staff member shown to a customer")
    name: str
    role: Role
    organization: OrganizationOut | None


class MeOut(UserOut):
    services: list[ServiceOut]


class UserAdminOut(UserOut):
    active: bool
    last_login_at: datetime | None
    created_at: datetime
    invitation_pending: bool = Field(False, description="invited, no password set yet")
    totp_enabled: bool = Field(False, description="two-factor sign-in is on")


class LoginOut(BaseModel):
    token: str
    expires_at: datetime
    user: UserOut
    scope: str = Field(
        "full", description="'enrol': the role requires two-factor sign-in; enrol under /me/totp"
    )


class SatisfactionOut(BaseModel):
    rating: Rating
    comment: str
    at: datetime


class TicketOut(BaseModel):
    number: int
    subject: str
    body: str
    category: Category
    priority: Priority
    status: Status
    requester: UserOut
    organization: OrganizationOut
    service: ServiceOut | None
    assignee: UserOut | None
    created_at: datetime
    updated_at: datetime
    first_response_at: datetime | None
    resolved_at: datetime | None
    closed_at: datetime | None
    first_response_due: datetime | None
    resolution_due: datetime | None
    version: int
    deleted_at: datetime | None = None
    incidents: list[int] = Field(default_factory=list, description="incidents it is linked to")
    merged_into: int | None = Field(default=None, description="the ticket this one was merged into")
    merged: list[int] = Field(default_factory=list, description="tickets merged into this one")
    satisfaction: SatisfactionOut | None = Field(
        default=None, description="the customer's rating of the latest resolution, if any"
    )
    tags: list[str] | None = Field(
        default=None, description="staff only: the ticket's tags, sorted (absent for customers)"
    )


class AttachmentOut(BaseModel):
    id: int
    filename: str
    size: int
    content_type: str = Field(description="sniffed from the content, never the client's word")
    message: int | None = Field(description="the message it is on; null: the ticket's description")
    internal: bool
    created_at: datetime


class MessageOut(BaseModel):
    id: int
    ticket: int | None = Field(default=None, description="the ticket it was written on")
    author: UserOut
    body: str
    internal: bool
    created_at: datetime
    attachments: list[AttachmentOut] = []


class LimitsOut(BaseModel):
    max_request_bytes: int = Field(description="any request body; larger is a 413")
    max_body_chars: int = Field(description="a description or reply")
    max_file_bytes: int = Field(description="one attachment")
    max_ticket_bytes: int = Field(description="all attachments of one ticket together")
    max_files: int = Field(description="attachments on one ticket, reply or note at once")


class TokenOut(BaseModel):
    id: int
    user: int
    name: str
    created_at: datetime
    expires_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class SearchMatch(BaseModel):
    """Why a search found the ticket: the text (``field``), a one-line snippet of it, and
    the ``[start, end)`` offsets of the matched words in the snippet."""

    field: str
    message: int | None
    snippet: str
    marks: list[list[int]]


class TicketHit(TicketOut):
    """A ticket of a list; with ``q``, a search hit with its ``match``."""

    match: SearchMatch | None = None


class TicketPage(BaseModel):
    items: list[TicketHit]
    next_cursor: str | None


class Page(BaseModel):
    items: list[Any]
    next_cursor: str | None = None


class ErrorBody(BaseModel):
    code: str
    message: str
    details: dict[str, Any] | None = None


class ErrorOut(BaseModel):
    error: ErrorBody
