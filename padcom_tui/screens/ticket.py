"""One ticket: properties, conversation, history and the customer's account; actions by key.

Every change carries the version it was based on; when the server says someone
else got there first, the conflict dialog shows what changed and can re-apply.
A live event on the ticket is applied as it comes, without a request: it carries
the ticket as it is now, itself for the history and the message it added.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.events import Resize
from textual.widgets import TabbedContent, TabPane

from padcom_cli.client.api import PadcomClient
from padcom_cli.client.errors import Conflict, PadcomError
from padcom_cli.client.hosting import Hosting
from padcom_cli.client.jsontypes import Json
from padcom_cli.client.live import ticket_views
from padcom_cli.client.vocabulary import (
    CATEGORIES,
    MOST_URGENT_FIRST,
    STATUSES,
    EventKind,
    Status,
)
from padcom_tui.background import in_background
from padcom_tui.format import person
from padcom_tui.messages import EventsArrived, Reconnected
from padcom_tui.screens.choice import ChoiceScreen
from padcom_tui.screens.confirm import ConfirmScreen
from padcom_tui.screens.conflict import conflict_text
from padcom_tui.screens.merge_dialog import merge_from
from padcom_tui.screens.ticket_answering import Answering
from padcom_tui.screens.ticket_incidents import IncidentLinks
from padcom_tui.widgets.conversation import Conversation
from padcom_tui.widgets.customer_account import Account
from padcom_tui.widgets.history import History
from padcom_tui.widgets.keys_footer import KeysFooter
from padcom_tui.widgets.presence_line import PresenceLine
from padcom_tui.widgets.related_tickets import SHOWN as RELATED
from padcom_tui.widgets.related_tickets import RelatedTickets
from padcom_tui.widgets.reply_pane import ReplyPane
from padcom_tui.widgets.status_line import StatusLine
from padcom_tui.widgets.ticket_header import TicketHeader

LIVE_EXTRAS = ("ticket_now", "message")
"""What a stream event carries beyond the Event of ``GET /tickets/{n}/events``."""
WIDE = 120
"""From this width on, the customer's account stays in view beside the conversation."""


def _present(client: PadcomClient, number: int) -> list[Json]:
    """Who is on the ticket now; presence is a courtesy, so a failure shows nobody."""
    try:
        return client.on_ticket(number)
    except PadcomError:
        return []


@dataclass
class TicketData:
    """Everything the view shows, fetched together."""

    ticket: Json
    messages: list[Json]
    history: list[Json]
    services: list[Json]
    staff: list[Json]
    incidents: list[Json] = field(default_factory=list)
    """The open incidents that hit the ticket's service (its server's, its datacenter's...)."""
    links: list[Json] = field(default_factory=list)
    """Its links to other tickets and to incidents."""
    theirs: list[Json] = field(default_factory=list)
    """The requester's tickets, open first (the Customer tab)."""
    organization: list[Json] = field(default_factory=list)
    """The organization's tickets, open first."""
    present: list[Json] = field(default_factory=list)
    """Who of the staff is on the ticket now (the stream says who comes and goes after)."""

    @classmethod
    def fetch(cls, client: PadcomClient, number: int, staff: list[Json] | None) -> TicketData:
        ticket = client.get_ticket(number)
        org = (ticket.get("organization") or {}).get("id")
        hosting = Hosting(client)
        service = ticket.get("service")
        requester = (ticket.get("requester") or {}).get("id")
        return cls(
            ticket=ticket,
            messages=client.messages(number),
            history=client.history(number),
            services=client.services(org) if org else [],
            staff=staff if staff is not None else client.users(role="staff"),
            incidents=hosting.service_incidents(int(service["id"])) if service else [],
            links=hosting.links(number),
            # sort=status is the lifecycle order: a customer's open work comes first
            theirs=client.list_tickets(requester=str(requester), sort="status", limit=RELATED + 1)[
                "items"
            ]
            if requester
            else [],
            organization=(
                client.list_tickets(organization=org, limit=2 * RELATED, sort="status")["items"]
                if org
                else []
            ),
            present=_present(client, number),
        )

    @property
    def names(self) -> dict[int, str]:
        return {int(u["id"]): person(u) for u in self.staff}

    def apply(self, events: list[Json]) -> None:
        """Take in stream events on this ticket (oldest first): the ticket as it is now,
        each event in the history, each message it added; what is already here stays once."""
        view = ticket_views(events).get(int(self.ticket["number"]))
        if view is not None and int(view["version"]) >= int(self.ticket["version"]):
            self.ticket = view
        known = {int(e["id"]) for e in self.history}
        posted = {int(m["id"]) for m in self.messages}
        for event in events:
            if int(event["id"]) not in known:
                self.history.append({k: v for k, v in event.items() if k not in LIVE_EXTRAS})
            message = event.get("message")
            if message is not None and int(message["id"]) not in posted:
                self.messages.append(message)
                posted.add(int(message["id"]))


class TicketScreen(Answering, IncidentLinks):
    """Dismisses with the ticket as last seen, so the queue can update its row."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back"),
        Binding("r", "reply", "Reply"),
        Binding("n", "note", "Note"),
        Binding("s", "status", "Status"),
        Binding("p", "priority", "Priority"),
        Binding("c", "category", "Category"),
        Binding("a", "assign", "Assign"),
        Binding("f", "files", "Files"),
        # listed in ? help and the command palette; the footer keeps the keys it had
        Binding("M", "macro", "Macro", key_display="M", show=False),
        Binding("greater_than_sign", "quote", "Quote", key_display=">", show=False),
        Binding("ctrl+t", "toggle_editor", "Editor", show=False),
        Binding("ctrl+g", "canned", "Canned reply", show=False),
        Binding("t", "tags", "Tags", show=False),
        Binding("D", "merge", "Merge (duplicate of…)", key_display="D", show=False),  # in ? help
        Binding("ctrl+r", "reload", "Reload", show=False),
        Binding("1", "tab('conversation')", "Conversation tab", show=False),
        Binding("2", "tab('customer')", "Customer tab", show=False),
        Binding("3", "tab('history')", "History tab", show=False),
    ]

    def __init__(self, number: int) -> None:
        super().__init__()
        self.number = number
        self.data: TicketData | None = None
        self.reading = False
        """A full read is on its way: a live event then waits for it (it may be older)."""

    def compose(self) -> ComposeResult:
        yield TicketHeader(f"#{self.number} loading…")
        yield PresenceLine(self.number, id="presence")
        with Horizontal(id="body"):
            with TabbedContent():
                with TabPane("Conversation", id="conversation"):
                    yield Conversation()
                with TabPane("Customer", id="customer"):
                    yield Account()
                    yield RelatedTickets(id="related")
                with TabPane("History", id="history"):
                    yield History()
            yield ReplyPane(self.number, self.padcom.drafts, id="editor")
            yield Account(id="side")  # the customer beside the conversation on wide terminals
        yield StatusLine()
        yield KeysFooter()

    def on_mount(self) -> None:
        self.query_one(StatusLine).set_detail(f"ticket #{self.number}")
        self._lay_out(self.app.size.width)
        self.action_reload()

    def on_resize(self, event: Resize) -> None:
        self._lay_out(event.size.width)

    def _lay_out(self, width: int) -> None:
        self.set_class(width >= WIDE, "wide")
        split = width >= self.padcom.settings.split_width
        self.set_class(split, "split")
        self.set_class(not split, "-narrow")

    # -- loading ------------------------------------------------------------------------

    def action_reload(self) -> None:
        staff = self.data.staff if self.data else None
        self.reading = True
        in_background(
            self,
            lambda: TicketData.fetch(self.client, self.number, staff),
            self.show,
            failed=self._load_failed,
            group="load",
            exclusive=True,
        )

    def _load_failed(self, error: PadcomError) -> None:
        self.reading = False
        self.padcom.report(error)

    def show(self, data: TicketData) -> None:
        first = self.data is None
        self.data, self.reading = data, False
        now = self.padcom.clock()
        self.query_one(TicketHeader).show(data.ticket, now, data.incidents, data.links)
        self.query_one(Conversation).show(data.ticket, data.messages)
        self.query_one(History).show(data.history, data.names)
        for account in self.query(Account):
            account.show(data.ticket, data.services)
        self.query_one(RelatedTickets).show(data.ticket, data.theirs, data.organization)
        present, data.present = data.present, []  # taken once: the stream keeps it current after
        self.padcom.presence.take(self.number, present, (self.padcom.me or {}).get("id"))
        self.presence.show()
        if first:
            self._restore_draft()

    def on_events_arrived(self, message: EventsArrived) -> None:
        here = [e for e in message.events if int(e["ticket"]) == self.number]
        if any(e.get("kind") == EventKind.PRESENCE for e in here):
            self.presence.show()  # the app's board took them in; they change nothing else
        mine = [e for e in here if e.get("kind") != EventKind.PRESENCE]
        if not mine:
            return
        me = (self.padcom.me or {}).get("id")
        others = {person(e.get("actor")) for e in mine if (e.get("actor") or {}).get("id") != me}
        if others:
            self.notify(
                f"Changed by {', '.join(sorted(others))}.",
                title=f"Ticket #{self.number}",
                markup=False,
            )
        if self.data is None or self.reading:
            self.action_reload()  # read again after these events: the read on its way may predate them
            return
        if ticket_views(mine).get(self.number) is None:
            self.action_reload()  # no view to apply (gone, or an event without one): ask
            return
        self.data.apply(mine)
        self.show(self.data)

    def on_reconnected(self, _message: Reconnected) -> None:
        self.action_reload()

    def action_tab(self, name: str) -> None:
        self.query_one(TabbedContent).active = name

    @property
    def presence(self) -> PresenceLine:
        return self.query_one(PresenceLine)

    def action_back(self) -> None:
        self.presence.leave()
        self.dismiss(self.data.ticket if self.data else None)

    # -- changes ---------------------------------------------------------------------------

    def _choose(self, title: str, field: str, options: list[tuple[str, str]], current: str) -> None:
        def chosen(value: str | None) -> None:
            if value is None or value == current:
                return
            if field == "status" and value == Status.CLOSED:
                self.app.push_screen(
                    ConfirmScreen(f"Close ticket #{self.number}? The customer is told.", "Close"),
                    lambda yes: self.change({field: value}, f"{field} → {value}") if yes else None,
                )
                return
            shown = dict((v, label) for label, v in options)[value]
            changes: Json = {
                field: None if value == "none" else (int(value) if field == "assignee" else value)
            }
            self.change(changes, f"{field} → {shown}")

        self.app.push_screen(ChoiceScreen(title, options, current), chosen)

    def _current(self, field: str) -> str:
        return str(self.data.ticket[field]) if self.data else ""

    def action_status(self) -> None:
        if self.data:
            self._choose(
                "Set status", "status", [(s, s) for s in STATUSES], self._current("status")
            )

    def action_priority(self) -> None:
        if self.data:
            self._choose(
                "Set priority",
                "priority",
                [(p, p) for p in MOST_URGENT_FIRST],
                self._current("priority"),
            )

    def action_category(self) -> None:
        if self.data:
            self._choose(
                "Set category", "category", [(c, c) for c in CATEGORIES], self._current("category")
            )

    def action_merge(self) -> None:
        """Merge this ticket into another by number (or undo its merge): merge_dialog.py."""
        if self.data:
            merge_from(self, self.data.ticket)

    def action_files(self) -> None:
        from padcom_tui.screens.files import FilesScreen

        self.app.push_screen(FilesScreen(self.number))

    def action_assign(self) -> None:
        if not self.data:
            return
        me = self.padcom.me or {}
        options = [(f"me ({person(me)})", str(me["id"]))] if me.get("id") else []
        options.append(("nobody", "none"))
        options += [  # only people who can take it: active staff (the server lists no system account)
            (person(u), str(u["id"]))
            for u in self.data.staff
            if u["id"] != me.get("id") and u.get("active", True)
        ]
        current = str((self.data.ticket.get("assignee") or {}).get("id") or "none")
        self._choose("Assign to", "assignee", options, current)

    def change(self, changes: Json, mine: str) -> None:
        """PATCH the ticket as of the version shown; on a conflict, ask to re-apply."""
        if not self.data:
            return
        version = self.data.ticket["version"]

        def changed(ticket: Json) -> None:
            self.notify(f"#{self.number}: {mine}.", markup=False)
            self.action_reload()

        def failed(error: PadcomError) -> None:
            if isinstance(error, Conflict):
                self._conflict(changes, mine)
            else:
                self.padcom.report(error)

        in_background(
            self,
            lambda: self.client.update_ticket(self.number, version, changes),
            changed,
            failed=failed,
            group="send",
        )

    def _conflict(self, changes: Json, mine: str) -> None:
        assert self.data is not None
        before, staff = self.data, self.data.staff
        last_seen = max((int(e["id"]) for e in before.history), default=0)

        def fetched(now: TicketData) -> None:
            from padcom_tui.screens.conflict import ConflictScreen

            newer = [e for e in now.history if int(e["id"]) > last_seen]
            text = conflict_text(before.ticket, now.ticket, newer, mine, now.names)
            self.show(now)
            self.app.push_screen(
                ConflictScreen(text), lambda again: self.change(changes, mine) if again else None
            )

        in_background(
            self,
            lambda: TicketData.fetch(self.client, self.number, staff),
            fetched,
            group="load",
            exclusive=True,
        )
