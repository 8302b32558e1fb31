"""Read models: ``GET /tickets?q=``, the search that finds a ticket by any word anyone wrote on it.

The words are looked up in the full-text index (server/storage/search_index.py):
every word must appear, as a whole word and in any case, in one text (a
subject, a description, one reply or note). Whole words only: a prefix query
merges the lists of every word it starts (``kw12*`` read 90 ms where ``kw12``
read 0.4 ms at 500,000 messages), and a search must stay fast for any word.
Besides, the words as typed are looked for in the ticket's customer (name,
email), organization (name, customer number) and service
(``search_context.py``). Who sees what is the rules' (``visibility``): a
customer's search reads only their organization's tickets and never an
internal note, so a note's words find nothing for them.

Hits are ranked by where they matched: the subject, then the customer,
organization or service, then the description, then the conversation; newer
first within each. Each of the four is one query that reads at most a page of
rows in index order (newest first), whatever the number of matches, and the
rank is the same on both databases (tests/api/test_search_same_on_both.py).
A page ends in a cursor to the next while there are more hits, up to
``DEEPEST`` (each page reads the hits before it again: a search is not a list).
Each hit is the ticket (``ticket_read``) with ``match``: which text matched,
a snippet of it and where the words are in the snippet.
"""

from __future__ import annotations

import base64
import binascii
import json
import time
from dataclasses import replace
from typing import Any, cast

from peewee import SQL, Expression, ModelSelect, Table, fn

from server.helpdesk.errors import DomainError
from server.helpdesk.visibility import visible_tickets
from server.reads.listing import TicketFilters, apply_filters, ordered
from server.reads.search_context import Hit, context_hits
from server.reads.snippets import snippet
from server.reads.ticket_read import read_tickets
from server.storage.db import db, is_postgres
from server.storage.models import Message, Ticket, User
from server.storage.search_index import words

SUBJECT, CONTEXT, DESCRIPTION, CONVERSATION = range(4)
"""The ranks, best first."""
ROUNDS = 4
"""How many pages of matching messages a search reads at most to fill its page of tickets."""
DEEPEST = 1000
"""A search pages this many hits deep at most (narrow it with more words or filters)."""
RARE = 0.005
"""A word in fewer than this share of rows is read from the GIN index (PostgreSQL)."""
STATS_SECONDS = 300.0
"""How long the planner's word statistics are kept before they are read again."""
_COMMON: dict[str, tuple[float, dict[str, float]]] = {}


def _offset(cursor: str | None) -> int:
    """How many hits the pages before ``cursor`` showed; a 400 for a cursor not ours."""
    if not cursor:
        return 0
    try:
        data = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (binascii.Error, ValueError, UnicodeDecodeError, RecursionError) as exc:
        raise DomainError("the cursor is not valid") from exc
    if not (isinstance(data, list) and len(data) == 2 and data[0] == "q"):
        raise DomainError("the cursor is not valid for a search")
    offset = data[1]
    if not isinstance(offset, int) or isinstance(offset, bool) or not 0 < offset <= DEEPEST:
        raise DomainError("the cursor is not valid for a search")
    return offset


def search_page(
    user: User,
    filters: TicketFilters,
    limit: int,
    cursor: str | None = None,
    sort: str | None = None,
) -> dict[str, Any]:
    """``{"items", "next_cursor"}``: the next ``limit`` hits of ``filters.q`` that ``user`` may see.

    A page after the first reads the hits before it again (each tier up to the
    page's end), so a search pages at most ``DEEPEST`` hits deep. ``sort=urgency``
    (the admin app's queue) orders the first ``DEEPEST`` hits by urgency instead.
    """
    offset = _offset(cursor)
    shown = limit
    limit = DEEPEST + 1 if sort == "urgency" else offset + limit + 1
    terms = words(filters.q or "")
    with db.connection_context():
        base = apply_filters(visible_tickets(user), replace(filters, q=None), user)
        hits: dict[int, Hit] = {}
        if terms:
            _collect(hits, _ticket_hits(base, terms, SUBJECT, limit), limit)
        _collect(hits, context_hits(base, filters.q or "", user, limit), limit)
        if terms:
            _collect(hits, _ticket_hits(base, terms, DESCRIPTION, limit), limit)
            if len(hits) < limit:
                _collect(hits, _message_hits(base, terms, user, limit, set(hits)), limit)
        ranked = list(hits)
        if sort == "urgency" and ranked:
            by_urgency = ordered(Ticket.select(Ticket.id).where(Ticket.id.in_(ranked)), sort)
            ranked = [int(row[0]) for row in cast(list[tuple[int]], list(by_urgency.tuples()))]
        page = ranked[offset : offset + shown]
        tickets = read_tickets(user, page)
    more = len(ranked) > offset + shown and offset + shown < DEEPEST
    next_cursor = _cursor(offset + shown) if more else None
    for item in tickets:
        hit = hits[item["number"]]
        text, marks = snippet(hit.text, terms, filters.q or "")
        item["match"] = {
            "field": hit.field,
            "message": hit.message,
            "snippet": text,
            "marks": marks,
        }
    return {"items": tickets, "next_cursor": next_cursor}


def _cursor(offset: int) -> str:
    raw = json.dumps(["q", offset], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _collect(hits: dict[int, Hit], found: list[Hit], limit: int) -> None:
    """Add ``found`` to ``hits`` in order, each ticket once (its best match), up to ``limit``."""
    for hit in found:
        if len(hits) >= limit:
            return
        hits.setdefault(hit.number, hit)


def _query(terms: list[str], column: str | None) -> str:
    """The index query for all of ``terms``, in ``column`` only if given.

    The terms are words (``search_index.words``: letters and digits), so quoting
    them makes each a plain term to FTS5 and to ``to_tsquery`` alike.
    """
    if is_postgres():
        weight = {"subject": ":A", "body": ":B"}.get(column or "", "")
        return " & ".join(f"'{t}'{weight}" for t in terms)
    phrase = " ".join(f'"{t}"' for t in terms)
    return f"{column} : ({phrase})" if column else phrase


def _matches(table: Table, column: Any, query: str) -> Expression:
    """``column`` matches the index query ``query`` (FTS5 MATCH, or tsvector ``@@`` a tsquery)."""
    if is_postgres():
        return Expression(column, "@@", fn.to_tsquery(SQL("'simple'"), query))
    return Expression(getattr(table.c, table.__name__), "MATCH", query)


def _frequency(table: str, terms: list[str]) -> float:
    """PostgreSQL: the share of ``table``'s rows holding the rarest of ``terms``, as estimated
    from the planner's own statistics of the most common words (read once a while)."""
    read = _COMMON.get(table)
    if read is None or time.monotonic() - read[0] > STATS_SECONDS:
        row = db.execute_sql(
            "SELECT most_common_elems::text::text[], most_common_elem_freqs FROM pg_stats "
            "WHERE tablename = %s AND attname = 'words'",
            (table,),
        ).fetchone()
        words, freqs = (row[0] or [], row[1] or []) if row else ([], [])
        read = _COMMON[table] = (time.monotonic(), dict(zip(words, freqs, strict=False)))
    return min(read[1].get(term, 0.0) for term in terms)  # a word not listed is a rare one


def _newest_first(table: str, key: Any, terms: list[str]) -> tuple[Any, bool]:
    """Newest first by ``key``, and whether the words are rare (PostgreSQL).

    For a rare word the order is ``key + 0`` and ``_rows`` keeps the planner off a
    scan of every row, so it reads the word's few rows from the GIN index and sorts
    them: backwards along the primary key, or in a parallel scan, it read every row
    looking for them (49 ms for a word in no ticket of 100,000), plans it picks when
    it guesses a rare word at 0.5 % of the rows.
    """
    if is_postgres() and _frequency(table, terms) < RARE:
        return (key + 0).desc(), True
    return key.desc(), False


def _rows(query: Any, rare: bool) -> list[Any]:
    """The rows of ``query``; for rare words with sequential scans off (PostgreSQL)."""
    if not rare:
        return list(query)
    with db.atomic():
        db.execute_sql("SET LOCAL enable_seqscan = off")
        return list(query)


def _ticket_hits(base: ModelSelect[Ticket], terms: list[str], rank: int, limit: int) -> list[Hit]:
    """Tickets whose subject (``SUBJECT``) or subject and description together match."""
    fts = Table("ticket_fts")
    column = "subject" if rank == SUBJECT else None
    if is_postgres():
        joined = base.join(fts, on=(fts.c.ticket_id == Ticket.id))
        where = _matches(fts, fts.c.words, _query(terms, None))  # the GIN index finds these
        if column:  # a weighted query alone is planned as a scan of every row (44 ms)
            where = where & _matches(fts, fts.c.words, _query(terms, column))
        order, rare = _newest_first("ticket_fts", fts.c.ticket_id, terms)
    else:
        joined = base.join(fts, on=(fts.c.rowid == Ticket.id))
        where, order = _matches(fts, None, _query(terms, column)), fts.c.rowid.desc()
        rare = False
    query = (
        joined.select(Ticket.id, Ticket.subject, Ticket.body)
        .where(where)
        .order_by(order)
        .limit(limit)
        .tuples()
    )
    rows = cast(list[tuple[int, str, str]], _rows(query, rare))
    if rank == SUBJECT:
        return [Hit(n, "subject", subject) for n, subject, _ in rows]
    return [Hit(n, "description", body) for n, _, body in rows]


def _message_hits(
    base: ModelSelect[Ticket], terms: list[str], user: User, limit: int, found: set[int]
) -> list[Hit]:
    """Tickets with a reply (or, for staff, a note) that matches, by their newest such message.

    Messages are read newest first a page at a time (several may be on one ticket)
    until ``limit`` new tickets are found or ``ROUNDS`` pages are read.
    """
    fts = Table("message_fts")
    query = _query(terms, None)
    if is_postgres():
        joined = base.join(fts, on=(fts.c.ticket_id == Ticket.id))
        message_id, match = fts.c.message_id, _matches(fts, fts.c.words, query)
        internal = fts.c.internal
    else:
        joined = base.join(Message, on=(Message.ticket == Ticket.id)).join(
            fts, on=(fts.c.rowid == Message.id)
        )
        message_id, match, internal = fts.c.rowid, _matches(fts, None, query), Message.internal
    if not user.is_staff:
        match = match & (internal == False)  # noqa: E712  # peewee builds SQL from ==
    order, rare = (
        _newest_first("message_fts", message_id, terms)
        if is_postgres()
        else (message_id.desc(), False)
    )
    picked: dict[int, int] = {}
    page = limit * 2
    before: int | None = None
    for _ in range(ROUNDS):
        step = joined.select(message_id, Ticket.id).where(match)
        if before is not None:
            step = step.where(message_id < before)
        rows = cast(list[tuple[int, int]], _rows(step.order_by(order).limit(page).tuples(), rare))
        for mid, number in rows:
            if number not in found and number not in picked:
                picked[number] = mid
        if len(rows) < page or len(picked) >= limit:
            break
        before = rows[-1][0]
    if not picked:
        return []
    bodies = {
        m.id: m
        for m in Message.select(Message.id, Message.body, Message.internal).where(
            Message.id.in_(list(picked.values()))
        )
    }
    return [
        Hit(number, "note" if bodies[mid].internal else "reply", bodies[mid].body, mid)
        for number, mid in list(picked.items())[:limit]
        if mid in bodies
    ]
