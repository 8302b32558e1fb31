"""The response of ``GET /stats``, as pydantic models (the OpenAPI document shows them).

Durations are whole seconds, percentages have one decimal and are null when
nothing was measured yet, days are UTC dates. Every breakdown lists every
status, priority and category, with zeros, so the shape never changes.
"""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field

from server.vocabulary import Category, Priority


class Spread(BaseModel):
    count: int = Field(description="tickets measured")
    median_seconds: int | None = Field(description="nearest-rank median")
    p90_seconds: int | None = Field(description="nearest-rank 90th percentile")


class DurationStats(BaseModel):
    overall: Spread
    by_priority: dict[Priority, Spread]
    by_category: dict[Category, Spread]


class Compliance(BaseModel):
    met: int = Field(description="targets met")
    late: int = Field(description="targets missed (answered/resolved late, or overdue now)")
    percent: float | None = Field(
        description="met / (met + late) x 100; tickets still in time are left out"
    )


class SlaStats(BaseModel):
    first_response: Compliance
    resolution: Compliance


class Reopens(BaseModel):
    solved: int = Field(description="tickets of the period resolved at least once")
    reopened: int = Field(description="of those, reopened at least once")
    percent: float | None


class Day(BaseModel):
    day: date
    created: int
    resolved: int
    backlog: int = Field(description="open at the end of the day")


class AssigneeLoad(BaseModel):
    id: int
    name: str
    open: int


class OldestOpen(BaseModel):
    number: int
    subject: str
    created_at: datetime
    age_seconds: int


class OpenByStatus(BaseModel):
    new: int
    open: int
    waiting: int


class NowStats(BaseModel):
    open: int
    by_status: OpenByStatus
    by_priority: dict[Priority, int]
    by_category: dict[Category, int]
    by_assignee: list[AssigneeLoad] = Field(description="most loaded first")
    unassigned: int
    at_risk: int = Field(description="a target falls due within the hour")
    breached: int = Field(description="open and past a target")
    oldest_open: OldestOpen | None


class PeriodOut(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    start: datetime = Field(alias="from")
    end: datetime = Field(alias="to")
    days: int


class TopOrganization(BaseModel):
    id: int
    name: str
    tickets: int


class TopService(BaseModel):
    id: int
    kind: str
    label: str
    tickets: int


class TagFigure(BaseModel):
    tag: str
    tickets: int


class TagStats(BaseModel):
    open: list[TagFigure] = Field(description="open tickets carrying each tag now, most first")
    created: list[TagFigure] = Field(description="the period's new tickets per tag")


class StatsOut(BaseModel):
    """Where the queue stands now, and what happened to the tickets created in the period."""

    model_config = ConfigDict(populate_by_name=True)

    generated_at: datetime
    period: PeriodOut
    now: NowStats
    created: int = Field(description="tickets created in the period")
    resolved: int = Field(description="tickets resolved in the period")
    deleted: int = Field(description="of the created, deleted by their customer (staff only)")
    daily: list[Day]
    first_response: DurationStats
    resolution: DurationStats = Field(description="excludes time waiting on the customer")
    sla: SlaStats
    reopens: Reopens
    top_organizations: list[TopOrganization]
    top_services: list[TopService]
    tags: TagStats | None = Field(default=None, description="staff only: tickets per tag")
