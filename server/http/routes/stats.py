"""HTTP layer: ``GET /stats``: the numbers behind the dashboard and ``padcom stats``."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request

from server.http.deps import CurrentUser
from server.http.errors import Invalid
from server.http.stats_gate import StatsGate
from server.http.stats_shapes import StatsOut
from server.reads.listing import TicketFilters
from server.stats.incidents import incident_stats
from server.stats.report import report_for
from server.stats.scope import make_period
from server.storage.fields import utcnow

router = APIRouter(tags=["stats"])


@router.get("/stats", response_model=StatsOut)
async def stats(
    request: Request,
    user: CurrentUser,
    start: Annotated[
        datetime | None, Query(alias="from", description="period start (default: to - 30 days)")
    ] = None,
    end: Annotated[
        datetime | None, Query(alias="to", description="period end (default: now)")
    ] = None,
    organization: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
    category: Annotated[str | None, Query(max_length=100, description="comma-separated")] = None,
    priority: Annotated[str | None, Query(max_length=100, description="comma-separated")] = None,
    assignee: Annotated[str | None, Query(max_length=12, description="id, me or none")] = None,
) -> dict[str, Any]:
    """The queue now and the period's figures, for the tickets the user may see.

    Staff count every ticket (deleted ones too: the work on them happened); a
    customer counts their organization's tickets they have not deleted.
    Identical requests share one computation; see server/http/stats_gate.py.
    """

    def compute() -> dict[str, Any]:
        try:
            period = make_period(start, end, utcnow())
        except (OverflowError, ValueError) as exc:  # dates near year 1 or 9999
            raise Invalid("the period is out of range") from exc
        filters = TicketFilters(
            priority=priority,
            category=category,
            assignee=assignee,
            organization=str(organization) if organization else None,
        )
        report = report_for(user, filters, period)
        if user.is_staff:
            report["incidents"] = incident_stats(period)
        return report

    gate: StatsGate = request.app.state.stats_gate
    key = (start, end, organization, category, priority, assignee)
    report: dict[str, Any] = await gate.report(user.id, key, compute)
    return report
