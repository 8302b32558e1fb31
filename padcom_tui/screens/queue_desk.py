"""The queue's desk work: filters and sort by dialog, saved views on 1-9, selection, bulk.

Kept beside ``queue.py`` (which pages and follows live changes) so each stays small.
The keys are one scheme with the ticket screen: ``s``/``p``/``c``/``a`` *change* status,
priority, category and assignee, here of the selected tickets (or the one under the
cursor), there of the ticket shown; ``T`` tags them (``t`` shows one tag's tickets);
filters live under ``f``, the order under ``o``. A bulk change is one request
(``POST /tickets/bulk``): each ticket as of the version the agent saw (tags alone
commute, so the server applies them whatever the version), one confirmation before,
one summary after (``client.bulk_words``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from textual.notifications import SeverityLevel

from padcom_cli.client.bulk_words import summary
from padcom_cli.client.jsontypes import Json
from padcom_cli.client.plural import counted
from padcom_cli.client.vocabulary import CATEGORIES, MOST_URGENT_FIRST, OPEN_WORK, STATUSES
from padcom_tui.background import in_background
from padcom_tui.format import person
from padcom_tui.screens.choice import ChoiceScreen
from padcom_tui.screens.confirm import ConfirmScreen
from padcom_tui.screens.multi_choice import MultiChoiceScreen
from padcom_tui.screens.prompt import PromptScreen

if TYPE_CHECKING:
    from padcom_tui.screens.queue import QueueScreen

SORTS = [
    ("urgency: priority, then the SLA", "urgency"),
    ("due soonest", "due"),
    ("newest", "-number"),
    ("oldest", "number"),
    ("changed latest", "-updated"),
    ("untouched longest", "updated"),
    ("priority, lowest first", "priority"),
    ("status", "status"),
    ("category", "category"),
    ("subject", "subject"),
    ("organization", "organization"),
    ("assignee", "assignee"),
]
"""The orders offered by ``o``; the API takes these and each column's reverse."""
SELECT_ALL_LIMIT = 1000
""""Select all matching" fetches at most this many tickets."""
BULK_CHUNK = 200
"""Tickets per ``POST /tickets/bulk`` (the server's limit)."""
FILTERS: list[tuple[str, str]] = [
    ("status", "status"),
    ("priority", "priority"),
    ("category", "category"),
    ("assignee", "assignee"),
    ("deleted by the customer", "deleted"),
    ("clear every filter", "clear"),
]


def _values(name: str) -> list[tuple[str, str]]:
    if name == "status":
        return [(s, s) for s in STATUSES]
    if name == "priority":
        return [(p, p) for p in MOST_URGENT_FIRST]
    if name == "category":
        return [(c, c) for c in CATEGORIES]
    return [("me", "me"), ("nobody", "none")]


def choose_filter(screen: QueueScreen) -> None:
    """``f``: which filter, then its values (several at once: status new and open)."""

    def field_chosen(name: str | None) -> None:
        filters = screen.queue.filters
        if name is None:
            return
        if name == "clear":
            screen.load(filters.__class__(sort=filters.sort))
            return
        if name == "deleted":
            on = filters.deleted != "true"
            screen.load(
                filters.but(deleted="true" if on else None, status=None if on else OPEN_WORK)
            )
            return
        current = (getattr(filters, name) or "").split(",")
        screen.app.push_screen(
            MultiChoiceScreen(f"Show {name}", _values(name), current),
            lambda ticked: (
                None
                if ticked is None
                else screen.load(filters.but(**{name: ",".join(ticked) or None}))
            ),
        )

    screen.app.push_screen(ChoiceScreen("Filter by", FILTERS), field_chosen)


def choose_sort(screen: QueueScreen) -> None:
    """``o``: the order of the queue (every column, both ways through the API)."""
    current = screen.queue.filters.sort
    screen.app.push_screen(
        ChoiceScreen("Order by", SORTS, current),
        lambda sort: None if sort is None else screen.load(screen.queue.filters.but(sort=sort)),
    )


# -- saved views -------------------------------------------------------------------------


def with_views(screen: QueueScreen, then: Callable[[list[Json]], Any]) -> None:
    """The agent's views (read once, then kept), then ``then(views)``."""
    if screen.views is not None:
        then(screen.views)
        return

    def got(views: list[Json]) -> None:
        screen.views = views
        then(views)

    in_background(screen, screen.padcom.client.views, got, group="views")


def open_view(screen: QueueScreen, index: int) -> None:
    """``1``-``9``: show saved view ``index`` (1-based) as the queue."""

    def show(views: list[Json]) -> None:
        if not 0 < index <= len(views):
            screen.notify(f"No view {index}: {len(views)} saved (w saves this one).")
            return
        view = views[index - 1]
        screen.view_name = str(view.get("name") or "")
        screen.load(screen.queue.filters.of_view(view))

    with_views(screen, show)


def save_view(screen: QueueScreen) -> None:
    """``w``: keep the filters and order shown as a view of one's own, on the server."""
    filters = screen.queue.filters

    def named(name: str | None) -> None:
        if name is None:
            return

        def saved(view: Json) -> None:
            screen.views = None  # read again: the number keys follow the server's order
            screen.view_name = str(view.get("name") or "")
            screen.notify(
                f"Saved as view {view.get('position')}: {screen.view_name}.", markup=False
            )
            screen.status()

        in_background(
            screen,
            lambda: screen.padcom.client.save_view(name, filters.params(), filters.sort),
            saved,
        )

    screen.app.push_screen(PromptScreen("Save these filters as a view", "name"), named)


# -- selection -----------------------------------------------------------------------------


def toggle(screen: QueueScreen, move: int = 1) -> None:
    """``space``: select or unselect the ticket under the cursor, then step down."""
    number = screen.table.current_number
    if number is None:
        return
    if number in screen.selected:
        del screen.selected[number]
    else:
        screen.selected[number] = screen.queue.tickets[number]
    screen.show_selection([number])
    if move:
        screen.table.action_cursor_down()


def extend(screen: QueueScreen, step: int) -> None:
    """``shift+down``/``shift+up``: select this row and the next one in that direction."""
    number = screen.table.current_number
    if number is None:
        return
    screen.selected[number] = screen.queue.tickets[number]
    if step > 0:
        screen.table.action_cursor_down()
    else:
        screen.table.action_cursor_up()
    after = screen.table.current_number
    if after is not None:
        screen.selected[after] = screen.queue.tickets[after]
    screen.show_selection([n for n in (number, after) if n is not None])


def select_all(screen: QueueScreen) -> None:
    """``*``: every ticket matching the filters, loaded or not (up to SELECT_ALL_LIMIT)."""
    filters = screen.queue.filters

    def fetch() -> list[Json]:
        client = screen.padcom.client
        return list(
            client.iter_tickets(limit=SELECT_ALL_LIMIT, sort=filters.sort, **filters.params())
        )

    def got(tickets: list[Json]) -> None:
        if filters != screen.queue.filters:
            return
        screen.selected = {int(t["number"]): t for t in tickets}
        screen.show_selection(list(screen.queue.tickets))
        screen.notify(f"Selected all {len(tickets)} matching.", markup=False)

    in_background(screen, fetch, got, group="select")


def clear(screen: QueueScreen) -> bool:
    """Unselect everything; False when nothing was selected."""
    if not screen.selected:
        return False
    shown = list(screen.selected)
    screen.selected = {}
    screen.show_selection(shown)
    return True


# -- bulk changes --------------------------------------------------------------------------


def targets(screen: QueueScreen) -> dict[int, Json]:
    """What ``s``/``p``/``c``/``a`` change: the selection, else the ticket under the cursor."""
    if screen.selected:
        return dict(screen.selected)
    number = screen.table.current_number
    return {number: screen.queue.tickets[number]} if number is not None else {}


def change(screen: QueueScreen, field: str) -> None:
    """Pick the new value of ``field`` for the targets, confirm once, send, sum up."""
    chosen = targets(screen)
    if not chosen:
        return
    if field == "assignee":
        in_background(
            screen,
            lambda: screen.padcom.client.users(role="staff"),
            lambda staff: _pick(screen, field, chosen, _people(screen, staff)),
        )
        return
    _pick(screen, field, chosen, _values(field))


def _people(screen: QueueScreen, staff: list[Json]) -> list[tuple[str, str]]:
    me = screen.padcom.me or {}
    options = [(f"me ({person(me)})", str(me["id"]))] if me.get("id") else []
    options.append(("nobody", "none"))
    options += [
        (person(u), str(u["id"]))
        for u in staff
        if u["id"] != me.get("id") and u.get("active", True)
    ]
    return options


def _pick(
    screen: QueueScreen, field: str, chosen: dict[int, Json], options: list[tuple[str, str]]
) -> None:
    current = {str(_current(t, field)) for t in chosen.values()}
    now = current.pop() if len(current) == 1 else None

    def picked(value: str | None) -> None:
        if value is None:
            return
        label = dict((v, label) for label, v in options)[value]
        what = f"{field} → {label}"
        wanted: Json = {
            field: None if value == "none" else int(value) if field == "assignee" else value
        }
        screen.app.push_screen(
            ConfirmScreen(_question(f"Set {what}", chosen), "Change"),
            lambda yes: send(screen, chosen, wanted, what) if yes else None,
        )

    title = f"Set {field} of {len(chosen)} ticket{'s' if len(chosen) != 1 else ''}"
    screen.app.push_screen(ChoiceScreen(title, options, now), picked)


def _question(change: str, chosen: dict[int, Json]) -> str:
    """``Set status → open on 3 tickets (#4, #7, #9)?``: the confirmation of a bulk change."""
    numbers = ", ".join(f"#{n}" for n in list(chosen)[:6]) + ("…" if len(chosen) > 6 else "")
    return f"{change} on {counted(len(chosen), 'ticket')} ({numbers})?"


def tag(screen: QueueScreen) -> None:
    """``T``: words to put on the targets and to take off, one confirmation, one summary."""
    from padcom_tui.screens.bulk_tags import BulkTagDialog, TagChange

    chosen = targets(screen)
    if not chosen:
        return

    def typed(change: TagChange | None) -> None:
        if change is None:
            return
        add, remove = change
        phrase = "; ".join(
            f"{verb} {', '.join(tags)}" for verb, tags in (("add", add), ("remove", remove)) if tags
        )
        wanted: Json = {"add_tags": add, "remove_tags": remove}
        screen.app.push_screen(
            ConfirmScreen(_question(phrase.capitalize(), chosen), "Tag"),
            lambda yes: send(screen, chosen, wanted, f"tagged ({phrase})") if yes else None,
        )

    screen.app.push_screen(BulkTagDialog(list(chosen.values())), typed)


def _current(ticket: Json, field: str) -> Any:
    if field == "assignee":
        return (ticket.get("assignee") or {}).get("id") or "none"
    return ticket.get(field)


def send(screen: QueueScreen, chosen: dict[int, Json], wanted: Json, what: str) -> None:
    """One request per BULK_CHUNK tickets, each as of the version the agent saw."""
    pairs = [(n, int(t["version"])) for n, t in chosen.items()]

    def call() -> Json:
        client = screen.padcom.client
        result: Json = {"changed": [], "refused": []}
        for start in range(0, len(pairs), BULK_CHUNK):
            part = client.bulk_update(pairs[start : start + BULK_CHUNK], wanted)
            result["changed"] += part["changed"]
            result["refused"] += part["refused"]
        return result

    def done(result: Json) -> None:
        changed = {int(t["number"]) for t in result["changed"]}
        for number in changed:
            screen.selected.pop(number, None)
        screen.merge(result["changed"])
        screen.show_selection(list(changed))
        severity: SeverityLevel = "warning" if result["refused"] else "information"
        screen.notify(summary(result, what), title="Bulk change", severity=severity, markup=False)
        screen.last_bulk = result

    in_background(screen, call, done, group="send")
