"""Rules layer: tags on tickets — staff-only words, normalised once, optionally from an allow-list.

A tag is a free word an agent puts on a ticket ("spam", "outage-fra1") to find
and count tickets by. Tags are for staff only: a customer never reads them (the
ticket JSON has no ``tags`` for them), never filters by them and never sets them;
the ``tagged`` event is internal. So, like an internal note, a tag change leaves
the ticket's ``version`` and ``updated_at`` alone: a customer's ``If-Match`` must
not fail for a change they cannot see. Adding and removing are set operations,
so two agents tagging at once lose nothing; a caller that sends a version still
gets StaleVersion when the ticket moved on (macros do).

When admins keep an allow-list (``AllowedTag`` rows), only its words may be put on
a ticket; an empty list means free words.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

from server.helpdesk.errors import Forbidden, Invalid
from server.helpdesk.tickets import refuse_if_stale, ticket_event
from server.helpdesk.visibility import get_ticket
from server.storage.desk_models import TAG_MAX, AllowedTag, TicketTag
from server.storage.models import Event, Ticket, User
from server.vocabulary import EventKind, Role

MAX_TAGS = 20
"""Tags one ticket may carry, and words one request may name."""
MAX_ALLOWED = 1000
"""Words the allow-list may hold."""


def normalise(word: str) -> str:
    """``word`` as stored: NFKC, lower case, trimmed; raises Invalid for anything not one short word.

    Refused: empty, longer than ``TAG_MAX``, any white space, control, format or
    separator character (a tag heads a table cell and a filter's comma list), and commas.
    """
    tag = unicodedata.normalize("NFKC", word).strip().lower()
    if not tag:
        raise Invalid("a tag cannot be empty")
    if len(tag) > TAG_MAX:
        raise Invalid(f"a tag has at most {TAG_MAX} characters: {tag[:TAG_MAX]!r}…")
    for char in tag:
        if char == "," or char.isspace() or unicodedata.category(char)[0] in "CZ":
            raise Invalid(
                f"a tag is one word without spaces, commas or control characters: {tag!r}"
            )
    return tag


def normalise_all(words: Iterable[str]) -> list[str]:
    """Every word normalised, duplicates dropped, in the order given; raises Invalid."""
    seen: dict[str, None] = {}
    for word in words:
        seen[normalise(word)] = None
    if len(seen) > MAX_TAGS:
        raise Invalid(f"at most {MAX_TAGS} tags at once")
    return list(seen)


def allowed() -> list[str]:
    """The admins' allow-list, sorted; empty when tags are free words."""
    return [row.tag for row in AllowedTag.select().order_by(AllowedTag.tag)]


def set_allowed(user: User, words: Iterable[str]) -> list[str]:
    """Replace the allow-list (admins); an empty list makes tags free words again.

    Tags already on tickets stay. Raises Forbidden, Invalid.
    """
    if user.role != Role.ADMIN:
        raise Forbidden("only administrators keep the list of allowed tags")
    tags = sorted({normalise(word) for word in words})
    if len(tags) > MAX_ALLOWED:
        raise Invalid(f"at most {MAX_ALLOWED} allowed tags")
    AllowedTag.delete().execute()
    if tags:
        AllowedTag.insert_many([{"tag": tag} for tag in tags]).execute()
    return tags


def change_allowed(user: User, add: Iterable[str], remove: Iterable[str]) -> list[str]:
    """Put words on the allow-list and take words off in one step, so two admins at once lose
    neither's words; returns the list now.

    Taking off the last word is refused: an empty list lets any word in, which an admin
    says on purpose (``set_allowed([])``). Tags already on tickets stay. Raises
    Forbidden, Invalid.
    """
    if user.role != Role.ADMIN:
        raise Forbidden("only administrators keep the list of allowed tags")
    adding, removing = {normalise(word) for word in add}, {normalise(word) for word in remove}
    both = adding & removing
    if both:
        raise Invalid(f"a tag cannot be allowed and disallowed at once: {', '.join(sorted(both))}")
    before = set(allowed())
    after = (before | adding) - removing
    if before and not after:
        raise Invalid(
            "taking off every allowed tag would let any word in; "
            "to allow any word, empty the list on purpose"
        )
    if len(after) > MAX_ALLOWED:
        raise Invalid(f"at most {MAX_ALLOWED} allowed tags")
    if adding - before:
        rows = [{"tag": tag} for tag in sorted(adding - before)]
        AllowedTag.insert_many(rows).on_conflict_ignore().execute()
    if removing & before:
        AllowedTag.delete().where(AllowedTag.tag.in_(sorted(removing & before))).execute()
    return sorted(after)


def tags_of(ticket_id: int) -> list[str]:
    return [
        row.tag
        for row in TicketTag.select(TicketTag.tag)
        .where(TicketTag.ticket == ticket_id)
        .order_by(TicketTag.tag)
    ]


def wanted_words(add: Iterable[str], remove: Iterable[str]) -> tuple[list[str], list[str]]:
    """The words to add and to remove, normalised; raises Invalid for a malformed word, one
    both added and removed, or one to add that is outside the allow-list (when kept)."""
    adding, removing = normalise_all(add), normalise_all(remove)
    both = set(adding) & set(removing)
    if both:
        raise Invalid(f"a tag cannot be added and removed at once: {', '.join(sorted(both))}")
    allow = set(allowed())
    outside = [tag for tag in adding if allow and tag not in allow]
    if outside:
        raise Invalid(
            f"not on the list of allowed tags: {', '.join(outside)}",
            details={"allowed": sorted(allow)},
        )
    return adding, removing


def change_tags(
    user: User,
    number: int,
    add: Iterable[str],
    remove: Iterable[str],
    expected_version: int | None = None,
    ticket: Ticket | None = None,
) -> tuple[Ticket, list[Event]]:
    """Put ``add`` on ticket ``number`` and take ``remove`` off; one internal ``tagged`` event.

    Nothing changes (and no event) when the tags already are so. ``ticket`` is the
    row already locked by the caller (a macro). Raises Forbidden (customers),
    NotFound, Invalid (a malformed word, one outside the allow-list, too many),
    StaleVersion.
    """
    if not user.is_staff:
        raise Forbidden("tags are for support staff only")
    adding, removing = wanted_words(add, remove)
    if ticket is None:
        ticket = get_ticket(user, number, for_update=True)
    refuse_if_stale(ticket, expected_version)
    before = tags_of(ticket.id)
    after = sorted((set(before) | set(adding)) - set(removing))
    if after == before:
        return ticket, []
    if len(after) > MAX_TAGS:
        raise Invalid(f"a ticket carries at most {MAX_TAGS} tags")
    new = [tag for tag in adding if tag not in before]
    if new:
        TicketTag.insert_many([{"ticket": ticket.id, "tag": tag} for tag in new]).execute()
    gone = [tag for tag in removing if tag in before]
    if gone:
        TicketTag.delete().where(TicketTag.ticket == ticket.id, TicketTag.tag.in_(gone)).execute()
    event = ticket_event(ticket, user, EventKind.TAGGED, {"tags": [before, after]}, internal=True)
    return ticket, [event]
