"""SQL expressions for the state of each ticket's SLA clock at a moment.

A clock stops when the ticket is resolved and stands still while it waits on
the customer, so "late" compares a due time with the first of: resolution,
the start of the current pause, now. The answers are SQL, never Python loops.
"""

from __future__ import annotations

from peewee import Case, Expression, Function, fn

from server.storage.models import Ticket

HOUR_MS = 3_600_000


def count_if(condition: Expression) -> Function:
    """SUM(CASE WHEN condition THEN 1 ELSE 0 END): rows matching ``condition``."""
    return fn.SUM(Case(None, [(condition, 1)], 0))


def clock_end(now_ms: int) -> Function:
    """Where the clock stands: resolution, else the pause, else now."""
    return fn.COALESCE(Ticket.resolved_at, Ticket.sla_paused_at, now_ms)


def first_response_met() -> Expression:
    return Ticket.first_response_at.is_null(False) & (
        Ticket.first_response_at <= Ticket.first_response_due
    )


def first_response_late(now_ms: int) -> Expression:
    """Answered late, or unanswered and past due while the clock ran."""
    answered_late = Ticket.first_response_at.is_null(False) & (
        Ticket.first_response_at > Ticket.first_response_due
    )
    unanswered_late = Ticket.first_response_at.is_null() & (
        Ticket.first_response_due < clock_end(now_ms)
    )
    return answered_late | unanswered_late


def resolution_met() -> Expression:
    return Ticket.resolved_at.is_null(False) & (Ticket.resolved_at <= Ticket.resolution_due)


def resolution_late(now_ms: int) -> Expression:
    """Resolved late, or unresolved and past due while the clock ran."""
    return Ticket.resolution_due < clock_end(now_ms)


def breached(now_ms: int) -> Expression:
    """Either target missed (for a ticket that is still open)."""
    return first_response_late(now_ms) | resolution_late(now_ms)


def at_risk(now_ms: int) -> Expression:
    """Not yet late, clock running, and a target falls due within the hour."""
    soon = now_ms + HOUR_MS
    response_soon = Ticket.first_response_at.is_null() & (Ticket.first_response_due < soon)
    risky: Expression = (
        ~breached(now_ms)
        & Ticket.sla_paused_at.is_null()
        & (response_soon | (Ticket.resolution_due < soon))
    )
    return risky
