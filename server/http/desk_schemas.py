"""Request and response shapes of the staff's desk tools: tags, canned replies, macros, bulk.

Beside ``schemas.py`` (one file per family of shapes). Requests forbid unknown
fields; the rules (server/helpdesk/tags.py, canned.py, macros.py) check the words.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, StringConstraints

from server.http.schemas import Body, Strict, TicketOut
from server.vocabulary import Category, Priority, Status

Word = Annotated[str, StringConstraints(max_length=100)]
"""A tag as sent (the rules normalise it and check it is one word)."""
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
"""The name of a canned reply or macro (what agents search by)."""
Words = Annotated[list[Word], Field(max_length=20)]
Number = Annotated[int, Field(ge=1, le=2**31 - 1)]


class TagsIn(Strict):
    add: Words = []
    remove: Words = []


class AllowedTagsIn(Strict):
    allowed: Annotated[list[Word], Field(max_length=1000)]


class AllowedTagsChange(Strict):
    """Words to put on the allow-list and to take off (the rest of it stays)."""

    add: Annotated[list[Word], Field(max_length=1000)] = []
    remove: Annotated[list[Word], Field(max_length=1000)] = []


class TagCount(BaseModel):
    tag: str
    tickets: int = Field(description="tickets carrying it (deleted ones included)")


class TagsOut(BaseModel):
    allowed: list[str] = Field(description="the admins' allow-list; empty: free words")
    used: list[TagCount]


class CannedIn(Strict):
    name: Name
    body: Body
    shared: bool = Field(default=False, description="for every staff member (admins only)")


class CannedPatch(Strict):
    name: Name | None = None
    body: Body | None = None


class CannedOut(BaseModel):
    id: int
    name: str
    body: str
    shared: bool
    owner: int | None
    placeholders: list[str]
    created_at: datetime
    updated_at: datetime


class RenderedOut(BaseModel):
    id: int
    name: str
    ticket: int
    body: str = Field(description="the body with the ticket's values filled in")


class PlaceholdersOut(BaseModel):
    placeholders: list[str]


class ActionIn(Strict):
    action: Literal["status", "priority", "category", "assign", "add_tags", "remove_tags", "reply"]
    value: Any = Field(description="a word, a staff id / 'me' / null, a list of tags, a reply id")


class MacroIn(Strict):
    name: Name
    actions: Annotated[list[ActionIn], Field(min_length=1, max_length=20)]
    shared: bool = Field(default=False, description="for every staff member (admins only)")


class MacroPatch(Strict):
    name: Name | None = None
    actions: Annotated[list[ActionIn], Field(min_length=1, max_length=20)] | None = None


class MacroOut(BaseModel):
    id: int
    name: str
    actions: list[dict[str, Any]]
    shared: bool
    owner: int | None
    created_at: datetime
    updated_at: datetime


class MacroTarget(Strict):
    number: Number
    version: int | None = Field(default=None, ge=1, description="refuse if the ticket moved on")


class MacroBulkIn(Strict):
    tickets: Annotated[list[MacroTarget], Field(min_length=1, max_length=100)]


class MacroResult(BaseModel):
    number: int
    ok: bool
    ticket: TicketOut | None
    error: dict[str, Any] | None


class MacroBulkOut(BaseModel):
    applied: int
    failed: int
    results: list[MacroResult]


class BulkTicket(Strict):
    """One ticket of a bulk change, at the version the agent saw."""

    number: int = Field(ge=1, le=2**31 - 1)
    version: int = Field(ge=1, le=2**31 - 1)


class BulkChanges(Strict):
    """What a bulk action sets on every ticket (``assignee: null`` unassigns), and the tags it
    puts on each or takes off (the words of a macro's ``add_tags`` / ``remove_tags``)."""

    category: Category | None = None
    priority: Priority | None = None
    status: Status | None = None
    assignee: int | None = Field(default=None, ge=1, le=2**31 - 1)
    add_tags: Words = Field(default_factory=list, description="staff-only words to put on")
    remove_tags: Words = Field(default_factory=list, description="words to take off")


class BulkIn(Strict):
    tickets: list[BulkTicket] = Field(min_length=1, max_length=200)
    changes: BulkChanges


class Refusal(BaseModel):
    number: int
    status: int
    code: str
    message: str


class BulkOut(BaseModel):
    """Every ticket changed (as it is now) and every one refused, with its status."""

    changed: list[TicketOut]
    refused: list[Refusal]
