"""Rich renderables for tickets, conversations, services and accounts.

Every piece of server text goes through ``plain`` (``clean`` + ``Text``), so
markup in a subject shows literally and control characters show as symbols.
Styles are fixed words of ours, never built from server text.
"""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.padding import Padding
from rich.panel import Panel
from rich.rule import Rule
from rich.table import Table
from rich.text import Text

from padcom_cli.client.jsontypes import Json
from padcom_cli.client.sanitize import clean
from padcom_cli.client.search_words import found_in, pieces
from padcom_cli.client.time_words import ago, when
from padcom_cli.client.vocabulary import Priority, Status

STATUS_STYLES: dict[str, str] = {
    Status.NEW: "bold cyan",
    Status.OPEN: "green",
    Status.WAITING: "yellow",
    Status.RESOLVED: "dim",
    Status.CLOSED: "dim",
}
PRIORITY_STYLES: dict[str, str] = {
    Priority.URGENT: "bold red",
    Priority.HIGH: "red",
    Priority.NORMAL: "",
    Priority.LOW: "dim",
}


def plain(value: object, style: str = "", *, single_line: bool = False) -> Text:
    """Untrusted text as a Rich ``Text``: never markup, control characters made visible."""
    return Text(clean("" if value is None else str(value), single_line=single_line), style=style)


def person(user: Json | None) -> Text:
    """``Name <email>``, ``Name`` (staff shown to a customer have no email), or ``-``."""
    if not user:
        return Text("-")
    email = user.get("email")
    return plain(
        f"{user.get('name', '')} <{email}>" if email else user.get("name", ""), single_line=True
    )


def service(item: Json | None) -> Text:
    """``webhosting site.example``, or ``-``."""
    if not item:
        return Text("-")
    return plain(f"{item.get('kind', '')} {item.get('label', '')}", single_line=True)


def status(value: str) -> Text:
    return plain(value, STATUS_STYLES.get(value, ""), single_line=True)


def priority(value: str) -> Text:
    return plain(value, PRIORITY_STYLES.get(value, ""), single_line=True)


def ticket_table(tickets: list[Json]) -> Table:
    """One row per ticket: number, status, priority, subject, service, last change."""
    table = Table(box=None, pad_edge=False, header_style="bold")
    table.add_column("#", justify="right")
    table.add_column("Status")
    table.add_column("Priority")
    table.add_column("Subject", overflow="fold", ratio=1)
    table.add_column("Service")
    table.add_column("Updated", no_wrap=True)
    tagged = any(t.get("tags") for t in tickets)  # staff see tags; customers have none
    if tagged:
        table.add_column("Tags")
    for t in tickets:
        cells = [
            Text(str(t["number"])),
            status(t["status"]),
            priority(t["priority"]),
            plain(t["subject"], single_line=True),
            service(t.get("service")),
            Text(ago(t.get("updated_at"))),
        ]
        if tagged:
            cells.append(plain(",".join(t.get("tags") or []), "cyan", single_line=True))
        table.add_row(*cells)
    return table


def snippet(match: Json | None) -> Text:
    """A search hit's snippet, its matched words in bold (pieces already sanitised)."""
    text = Text()
    for piece, marked in pieces(match):
        text.append(piece, style="bold" if marked else "")
    return text


def hits_table(tickets: list[Json]) -> Table:
    """Search hits, best first: number, status, subject, where it was found and the snippet."""
    table = Table(box=None, pad_edge=False, header_style="bold")
    table.add_column("#", justify="right")
    table.add_column("Status")
    table.add_column("Subject", overflow="fold", ratio=1)
    table.add_column("Found in", no_wrap=True)
    table.add_column("Snippet", overflow="fold", ratio=2)
    for t in tickets:
        table.add_row(
            Text(str(t["number"])),
            status(t["status"]),
            plain(t["subject"], single_line=True),
            Text(found_in(t.get("match"))),
            snippet(t.get("match")),
        )
    return table


def _properties(ticket: Json) -> Table:
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold")
    grid.add_column()
    rows: list[tuple[str, Text]] = []
    if ticket.get("deleted_at"):  # only staff see a deleted ticket: out of every queue
        rows.append(
            ("Deleted", Text(f"by the customer, {when(ticket['deleted_at'])}", style="bold red"))
        )
    rows += [
        ("Status", status(ticket["status"])),
        ("Priority", priority(ticket["priority"])),
        ("Category", plain(ticket["category"])),
        ("Service", service(ticket.get("service"))),
        ("Requester", person(ticket.get("requester"))),
        ("Assignee", person(ticket.get("assignee"))),
        ("Opened", Text(when(ticket.get("created_at")))),
        ("Updated", Text(when(ticket.get("updated_at")))),
    ]
    if ticket.get("closed_at"):
        rows.append(("Closed", Text(when(ticket["closed_at"]))))
    elif ticket.get("resolution_due") and not ticket.get("deleted_at"):  # its clocks stopped
        rows.append(("Due", Text(when(ticket["resolution_due"]))))
    rows += _merge_and_rating(ticket)
    if ticket.get("tags"):
        rows.append(("Tags", plain(", ".join(ticket["tags"]), "cyan", single_line=True)))
    rows.append(("Version", Text(str(ticket["version"]))))
    for label, value in rows:
        grid.add_row(label, value)
    return grid


def _merge_and_rating(ticket: Json) -> list[tuple[str, Text]]:
    """Where a merged duplicate went, what was merged here, and the customer's rating."""
    rows: list[tuple[str, Text]] = []
    if isinstance(ticket.get("merged_into"), int):
        rows.append(("Merged", Text(f"merged into #{ticket['merged_into']}", style="yellow")))
    merged = [n for n in ticket.get("merged") or [] if isinstance(n, int)]
    if merged:
        rows.append(("Duplicates", Text(", ".join(f"#{n}" for n in merged))))
    rated = ticket.get("satisfaction")
    if isinstance(rated, dict):
        line = plain(rated.get("rating"), single_line=True)
        if rated.get("comment"):
            line.append(" — ")
            line.append_text(plain(rated["comment"], single_line=True))
        rows.append(("Rating", line))
    return rows


def title(ticket: Json) -> Text:
    """``#12 Subject`` in bold, on one line."""
    text = Text(f"#{ticket['number']} ", style="bold")
    text.append_text(plain(ticket["subject"], "bold", single_line=True))
    return text


def message(item: Json) -> RenderableType:
    """Author and time over the body, indented; the body's trailing blank lines (a file
    or ``echo`` ends in a newline) are not shown, one empty line separates messages."""
    header = person(item.get("author"))
    header.stylize("bold")
    header.append(f"  {when(item.get('created_at'))}", style="dim")
    if item.get("internal"):
        header.append("  internal note", style="yellow")
    body = (item.get("body") or "").rstrip()
    files = item.get("attachments") or []
    if not files:
        return Group(header, Padding(plain(body), (0, 0, 1, 2), expand=False))
    shown = plain(body)
    for file in files:  # names are untrusted text like the body
        shown.append(f"\n[file {file.get('id')}] ", style="dim")
        shown.append_text(plain(str(file.get("filename", "")), single_line=True))
        shown.append(f"  {file.get('size')} bytes", style="dim")
    return Group(header, Padding(shown, (0, 0, 1, 2), expand=False))


def ticket_detail(ticket: Json, messages: list[Json]) -> list[RenderableType]:
    """The ticket's properties and body, then the conversation, oldest first."""
    parts: list[RenderableType] = [
        title(ticket),
        _properties(ticket),
        # a Text title: a str would go through Rich's markup and emoji parsers (~3 ms to load)
        Panel(plain(ticket.get("body")), title=Text("Description"), title_align="left"),
    ]
    if messages:
        parts.append(Rule(f"Conversation ({len(messages)})", align="left", style="dim"))
        parts.extend(message(m) for m in messages)
    else:
        parts.append(Text("No replies yet.", style="dim"))
    return parts


def services_table(services: list[Json]) -> Table:
    table = Table(box=None, pad_edge=False, header_style="bold")
    for column in ("ID", "Kind", "Label", "State", "Server", "Datacenter", "Plan"):
        table.add_column(column)
    for s in services:
        state = str(s.get("state") or "active")
        table.add_row(
            Text(str(s["id"])),
            plain(s.get("kind"), single_line=True),
            plain(s.get("label"), single_line=True),
            plain(state, "" if state == "active" else "yellow", single_line=True),
            plain(s.get("server") or "-", single_line=True),
            plain(s.get("datacenter") or "-", single_line=True),
            plain(s.get("plan") or "-", single_line=True),
        )
    return table


def account(me: Json, url: str) -> Text:
    """``Signed in to URL as Name <email> (role), Organization``."""
    text = Text("Signed in to ")
    text.append(clean(url, single_line=True), style="bold")
    text.append(" as ")
    text.append_text(person(me))
    text.append(f" ({clean(me.get('role', ''), single_line=True)})")
    org = me.get("organization")
    if org:
        text.append(", ")
        text.append_text(
            plain(f"{org.get('name', '')} (customer {org.get('customer_number', '')})")
        )
    return text


def history(events: list[Json]) -> RenderableType:
    """Every change to a ticket, oldest first: when, who, what."""
    from padcom_cli.client.event_words import actor, changes

    table = Table(box=None, pad_edge=False, header_style="bold", title_justify="left")
    table.add_column("When", no_wrap=True)
    table.add_column("Who")
    table.add_column("What", overflow="fold", ratio=1)
    for event in events:
        table.add_row(Text(when(event.get("at"))), Text(actor(event)), Text(changes(event)))
    return Group(Rule("History", align="left", style="dim"), table)
