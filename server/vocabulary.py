"""The words of the helpdesk and the code each is stored as: below every layer, importing nothing.

Why one module: every closed word list (statuses, priorities, categories, roles,
service kinds, event kinds, outbox states, SLA targets) was spelled in a
dozen places, and the stored form of a priority and of the statistics keys was a
word's *index* in a tuple, so reordering or adding a word relabelled stored rows.
Here each word is an enum member whose stored code is written out next to it:
a word stored as text is stored as its own spelling; a word stored as a number
(a priority's rank, an SLA target) has its number in ``*_CODES``. A code is
never reused nor reinterpreted by a migration; a new word takes a new code.
``tests/api/test_stored_words.py`` pins every word's code.

It lives at the top of ``server/`` (not in a layer) because the storage layer,
the lowest one, stores these words and every layer above reads them.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TypeVar

W = TypeVar("W", bound=StrEnum)


class Role(StrEnum):
    """Who a user is; stored as the word (``user.role``)."""

    CUSTOMER = "customer"
    AGENT = "agent"
    ADMIN = "admin"


class Status(StrEnum):
    """Where a ticket is in its life; stored as the word (``ticket.status``)."""

    NEW = "new"
    OPEN = "open"
    WAITING = "waiting"
    RESOLVED = "resolved"
    CLOSED = "closed"


class Priority(StrEnum):
    """How urgent a ticket is, least first; stored as its rank in ``PRIORITY_CODES``."""

    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"
    URGENT = "urgent"


class Category(StrEnum):
    """What a ticket is about; stored as the word (``ticket.category``) and, in the
    statistics' duration key, as its number in ``CATEGORY_CODES``."""

    HARDWARE = "hardware"
    SOFTWARE = "software"
    USAGE = "usage"
    SECURITY = "security"
    OTHER = "other"


class ServiceKind(StrEnum):
    """What an organization rents; stored as the word (``service.kind``)."""

    WEBHOSTING = "webhosting"
    VPS = "vps"
    DEDICATED = "dedicated"
    DOMAIN = "domain"
    MAIL = "mail"


class ServiceState(StrEnum):
    """Where a rented service stands; stored as the word (``service.state``)."""

    ACTIVE = "active"
    SUSPENDED = "suspended"
    CANCELLED = "cancelled"


class LinkKind(StrEnum):
    """How two tickets (or a ticket and an incident) belong together; stored as the word."""

    RELATED = "related"
    SAME_OUTAGE = "same_outage"
    CAUSED_BY = "caused_by"


class IncidentSeverity(StrEnum):
    """How bad an incident is; stored as the word (``incident.severity``)."""

    MINOR = "minor"
    MAJOR = "major"
    CRITICAL = "critical"


class IncidentState(StrEnum):
    """Where an incident is: open (nobody said so yet), acknowledged, resolved; stored as the word."""

    OPEN = "open"
    ACKNOWLEDGED = "acknowledged"
    RESOLVED = "resolved"


class AlertState(StrEnum):
    """What a monitoring alert last said; stored as the word (``alert.state``)."""

    FIRING = "firing"
    RESOLVED = "resolved"


class EventKind(StrEnum):
    """What happened to a ticket or an incident (``incident_*``); stored as the word
    (``event.kind``), sent to webhooks."""

    CREATED = "created"
    UPDATED = "updated"
    REPLIED = "replied"
    NOTE = "note"
    STATUS = "status"
    ASSIGNED = "assigned"
    DELETED = "deleted"
    SLA_BREACHED = "sla_breached"
    LINKED = "linked"
    UNLINKED = "unlinked"
    TAGGED = "tagged"
    MACRO = "macro"
    MERGED = "merged"
    UNMERGED = "unmerged"
    RATED = "rated"
    REMINDED = "reminded"
    INCIDENT_DECLARED = "incident_declared"
    INCIDENT_CHANGED = "incident_changed"
    INCIDENT_UPDATED = "incident_updated"
    INCIDENT_RESOLVED = "incident_resolved"

    PRESENCE = "presence"


class Rating(StrEnum):
    """A customer's answer to "how did we do?"; stored as the word (``rating.score``)."""

    GOOD = "good"
    BAD = "bad"


class PresenceState(StrEnum):
    """What a staff member is doing on a ticket right now (``POST /tickets/{n}/presence``)."""

    VIEWING = "viewing"
    WRITING = "writing"
    LEFT = "left"


class OutboxState(StrEnum):
    """Where a mail or webhook is in its delivery; stored as the word (``outbox.state``)."""

    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"


class TokenScope(StrEnum):
    """What a token may do; stored as the word (``token.scope``).

    ``full`` is every route of its holder's role; ``enrol`` is what a password
    sign-in of someone who must use two-factor sign-in but has not enrolled yet
    gets: enough to enrol (``/me/totp``), read ``/me`` and sign out, nothing more.
    """

    FULL = "full"
    ENROL = "enrol"


class CodePurpose(StrEnum):
    """What a mailed one-time code is for; stored as the word (``one_time_code.purpose``)."""

    RESET = "reset"
    INVITE = "invite"


class AuditAction(StrEnum):
    """A change to people, organizations, services, tokens or a triage mail; stored as the word
    (``audit.action``)."""

    ORG_ADDED = "org.added"
    ORG_CHANGED = "org.changed"
    SERVICE_ADDED = "service.added"
    SERVICE_CHANGED = "service.changed"
    USER_ADDED = "user.added"
    USER_INVITED = "user.invited"
    USER_CHANGED = "user.changed"
    USER_SIGNED_OUT = "user.signed_out"
    USER_TOTP_RESET = "user.totp_reset"
    TOKEN_REVOKED = "token.revoked"  # noqa: S105 - an action word, not a secret
    PASSWORD_CHANGED = "password.changed"  # noqa: S105 - an action word
    PASSWORD_RESET = "password.reset"  # noqa: S105 - an action word
    INVITATION_ACCEPTED = "invitation.accepted"
    TOTP_ENABLED = "totp.enabled"
    TOTP_DISABLED = "totp.disabled"
    IMPORTED = "import.applied"
    SETTINGS_CHANGED = "settings.changed"
    MAIL_LINKED = "mail.linked"  # a triage mail filed as a customer's ticket
    MAIL_REFUSED = "mail.refused"  # a triage mail refused (spam, a wrong address)


class MailState(StrEnum):
    """What became of a mail that came in; stored as the word (``inbound_mail.state``)."""

    FILED = "filed"  # a new ticket
    REPLIED = "replied"  # a reply on its ticket
    TRIAGE = "triage"  # an unknown sender: waits for staff to link it to a customer
    IGNORED = "ignored"  # an auto-reply, a bounce, a list, a loop, a duplicate: no answer
    REFUSED = "refused"  # unusable (no sender, not allowed, a policy): kept with its reason


class Target(StrEnum):
    """A time the helpdesk promises (SLA) and measures (statistics).

    Stored as its number in ``TARGET_CODES`` (``stats_settled_duration.metric``)
    and as its bit in ``BREACH_BITS`` (``ticket.sla_breached``).
    """

    FIRST_RESPONSE = "first_response"
    RESOLUTION = "resolution"


def _codes(words: type[W], codes: dict[W, int]) -> dict[W, int]:
    """``codes`` after checking it gives every word of ``words`` its own code."""
    if set(codes) != set(words) or len(set(codes.values())) != len(codes):
        raise ValueError(f"every {words.__name__} needs one code of its own")
    return codes


PRIORITY_CODES = _codes(
    Priority, {Priority.LOW: 0, Priority.NORMAL: 1, Priority.HIGH: 2, Priority.URGENT: 3}
)
"""The stored number of each priority (``ticket.priority``, the statistics): higher is more urgent."""
PRIORITY_BY_CODE = {code: word for word, code in PRIORITY_CODES.items()}
CATEGORY_CODES = _codes(
    Category,
    {
        Category.HARDWARE: 0,
        Category.SOFTWARE: 1,
        Category.USAGE: 2,
        Category.SECURITY: 3,
        Category.OTHER: 4,
    },
)
"""The stored number of each category in the statistics' duration key (``stats_settled_duration``)."""
CATEGORY_BY_CODE = {code: word for word, code in CATEGORY_CODES.items()}
TARGET_CODES = _codes(Target, {Target.FIRST_RESPONSE: 0, Target.RESOLUTION: 1})
"""The stored number of each target in the statistics (``stats_settled_duration.metric``)."""
BREACH_BITS = _codes(Target, {Target.FIRST_RESPONSE: 1, Target.RESOLUTION: 2})
"""The bit of each target in ``ticket.sla_breached``: the breaches already recorded."""

ROLES = tuple(Role)
STAFF_ROLES = (Role.AGENT, Role.ADMIN)
SYSTEM_ACCOUNT_EMAIL = "sla-clock@padcom.invalid"
"""The SLA clock's account (``user.system``): it signs breach events and is never a person."""
STATUSES = tuple(Status)
OPEN_STATUSES = (Status.NEW, Status.OPEN, Status.WAITING)
"""Work still to do: the queue, the SLA clock, "open" in the statistics."""
DONE_STATUSES = (Status.RESOLVED, Status.CLOSED)
RUNNING_STATUSES = (Status.NEW, Status.OPEN)
"""Open and not waiting on the customer: the SLA clock runs."""
PAUSING_STATUS = Status.WAITING
"""Waiting on the customer: the SLA clock is paused."""
CUSTOMER_STATUSES = (Status.OPEN, Status.CLOSED)
"""The statuses a customer may set on their own ticket (reopen it, or close it)."""
PRIORITIES = tuple(Priority)
CATEGORIES = tuple(Category)
SERVICE_KINDS = tuple(ServiceKind)
EVENT_KINDS = tuple(EventKind)
INCIDENT_EVENT_KINDS = (
    EventKind.INCIDENT_DECLARED,
    EventKind.INCIDENT_CHANGED,
    EventKind.INCIDENT_UPDATED,
    EventKind.INCIDENT_RESOLVED,
)
"""An incident's own events (no ticket): on the stream, not sent to webhooks (which carry a ticket)."""
TICKET_EVENT_KINDS = tuple(k for k in EventKind if k not in INCIDENT_EVENT_KINDS)
TARGETS = tuple(Target)
SERVICE_STATES = tuple(ServiceState)
SERVING_STATES = (ServiceState.ACTIVE, ServiceState.SUSPENDED)
"""Services still on the account: a suspended customer still files and reads tickets."""
LINK_KINDS = tuple(LinkKind)
INCIDENT_SEVERITIES = tuple(IncidentSeverity)
LIVE_INCIDENT_STATES = (IncidentState.OPEN, IncidentState.ACKNOWLEDGED)
"""Incidents not yet resolved: what ``padcom status`` lists and new tickets join."""
AUDIT_ACTIONS = tuple(AuditAction)
RATINGS = tuple(Rating)
