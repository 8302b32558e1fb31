"""The helpdesk's words as the clients know them (client package): one place for the CLI and the TUI.

The server announces the same words in its OpenAPI document (its enums);
``tests/cli/test_vocabulary.py`` compares the two, so neither side can add,
drop or rename a word alone. Orders here are for showing: ``PRIORITIES`` runs
from least to most urgent, as the API lists them; ``MOST_URGENT_FIRST`` is the
queue's and the dashboard's order.
"""

# The words mirror server/vocabulary.py on purpose (the clients may not import the server;
# tests/cli/test_vocabulary.py proves they agree), so the twin check leaves this file out.
# pylint: disable=duplicate-code

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum


class Status(StrEnum):
    NEW = "new"
    OPEN = "open"
    WAITING = "waiting"
    RESOLVED = "resolved"
    CLOSED = "closed"


class Priority(StrEnum):
    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"
    URGENT = "urgent"


class Category(StrEnum):
    HARDWARE = "hardware"
    SOFTWARE = "software"
    USAGE = "usage"
    SECURITY = "security"
    OTHER = "other"


class Role(StrEnum):
    CUSTOMER = "customer"
    AGENT = "agent"
    ADMIN = "admin"


class ServiceKind(StrEnum):
    WEBHOSTING = "webhosting"
    VPS = "vps"
    DEDICATED = "dedicated"
    DOMAIN = "domain"
    MAIL = "mail"


class ServiceState(StrEnum):
    ACTIVE = "active"
    SUSPENDED = "suspended"
    CANCELLED = "cancelled"


class LinkKind(StrEnum):
    RELATED = "related"
    SAME_OUTAGE = "same_outage"
    CAUSED_BY = "caused_by"


class IncidentSeverity(StrEnum):
    MINOR = "minor"
    MAJOR = "major"
    CRITICAL = "critical"


class IncidentState(StrEnum):
    OPEN = "open"
    ACKNOWLEDGED = "acknowledged"
    RESOLVED = "resolved"


class EventKind(StrEnum):
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
    GOOD = "good"
    BAD = "bad"


class PresenceState(StrEnum):
    VIEWING = "viewing"
    WRITING = "writing"
    LEFT = "left"


STATUSES = tuple(Status)
INCIDENT_SEVERITIES = tuple(IncidentSeverity)
LINK_KINDS = tuple(LinkKind)
SERVICE_STATES = tuple(ServiceState)
PRIORITIES = tuple(Priority)
CATEGORIES = tuple(Category)
OPEN_STATUSES = (Status.NEW, Status.OPEN, Status.WAITING)
"""Work still to do, as the server counts it: the queue's default, "open" in the statistics."""
DONE_STATUSES = (Status.RESOLVED, Status.CLOSED)
STAFF_ROLES = (Role.AGENT, Role.ADMIN)
"""Who may use the admin app."""
OPEN_WORK = ",".join(OPEN_STATUSES)
"""The open statuses as one ``status`` filter of the API."""
MOST_URGENT_FIRST = tuple(reversed(PRIORITIES))
URGENCY = {p: rank for rank, p in enumerate(PRIORITIES)}
"""How urgent each priority is, for sorting (higher is more urgent)."""


def spelled(words: Iterable[str]) -> str:
    """``a, b or c``: the words as help texts list them."""
    found = [str(w) for w in words]
    return found[0] if len(found) == 1 else f"{', '.join(found[:-1])} or {found[-1]}"


class SendAndSet(StrEnum):
    """The statuses a staff reply may set as it is sent (``--set``, the admin app's keys)."""

    WAITING = Status.WAITING.value
    RESOLVED = Status.RESOLVED.value
