"""Mail from unknown senders (``e`` on the queue): read each, link it to a customer, or refuse it.

A mail from an address of no account waits here, in no organization's ticket
(``GET /mail/triage``). The list shows who sent it, the subject, when and its
first lines; the mail under the cursor is shown whole below (all of it the
sender's words, so cleaned like any ticket text: ``padcom_cli.client.sanitize``).
``l`` (or Enter) links it to a customer (screens/mail_link.py) and opens the ticket
it became; ``x`` refuses it with a reason (kept, its sender never answered).
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Static

from padcom_cli.client.jsontypes import Json
from padcom_cli.client.plural import counted
from padcom_cli.client.sanitize import clean
from padcom_cli.client.triage_words import opening
from padcom_tui.background import in_background
from padcom_tui.format import fit, line, stamp
from padcom_tui.screens.base import PadcomScreen
from padcom_tui.widgets.keys_footer import KeysFooter


def mail_text(mail: Json) -> Text:
    """One mail whole: who, what, when, what the sender's server checked, then its text."""
    shown = Text()
    for label, value in (
        ("From", line(mail.get("sender"))),
        ("Subject", line(mail.get("subject")) or "(no subject)"),
        ("Received", stamp(mail.get("received_at"))),
        ("Checked", line(mail.get("authentication")) or "nothing (no Authentication-Results)"),
    ):
        shown.append(f"{label}: ", style="bold")
        shown.append(f"{value}\n")
    shown.append("\n")
    shown.append(clean(str(mail.get("text") or "(the mail had no text)").rstrip()))
    return shown


class TriageScreen(PadcomScreen[None]):
    AUTO_FOCUS = "#triage-list"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back"),
        Binding("l", "link", "Link to customer"),
        Binding("x", "refuse", "Refuse"),
        Binding("ctrl+r", "reload", "Reload"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.mails: dict[str, Json] = {}

    def compose(self) -> ComposeResult:
        yield Static(Text("Mail from unknown senders", style="bold"), classes="title")
        yield Static(Text("loading…", style="dim"), id="triage-count")
        table: DataTable[str | Text] = DataTable(id="triage-list", cursor_type="row")
        yield table
        with VerticalScroll(id="triage-mail"):
            yield Static("", id="triage-text")
        yield KeysFooter()

    @property
    def table(self) -> DataTable[str | Text]:
        return self.query_one("#triage-list", DataTable)

    def on_mount(self) -> None:
        self.table.add_columns("From", "Subject", "Received", "Text")
        self.action_reload()

    def action_reload(self) -> None:
        in_background(self, self.padcom.client.mail.triage, self.show, group="triage")

    def show(self, mails: list[Json]) -> None:
        """The mails waiting, oldest first; the cursor stays on the same mail where it can."""
        table = self.table
        current = self.current
        self.mails = {str(m["id"]): m for m in mails}
        table.clear()
        width = max(self.app.size.width // 4, 12)
        for mail in mails:
            table.add_row(
                Text(fit(line(mail.get("sender")), width)),
                Text(fit(line(mail.get("subject")) or "(no subject)", width)),
                Text(stamp(mail.get("received_at"))),
                Text(fit(opening(str(mail.get("text") or "")), width), style="dim"),
                key=str(mail["id"]),
            )
        if current is not None and str(current["id"]) in self.mails:
            table.move_cursor(row=table.get_row_index(str(current["id"])))
        count = counted(len(mails), "mail") + " waiting" if mails else "No mail waits in triage."
        self.query_one("#triage-count", Static).update(Text(count, style="dim"))
        self._preview()

    @property
    def current(self) -> Json | None:
        """The mail under the cursor."""
        table = self.table
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return self.mails.get(str(key))

    @on(DataTable.RowHighlighted, "#triage-list")
    def _preview(self) -> None:
        mail = self.current
        text = mail_text(mail) if mail else Text("Nothing to read.", style="dim")
        self.query_one("#triage-text", Static).update(text)
        self.query_one("#triage-mail", VerticalScroll).scroll_home(animate=False)

    @on(DataTable.RowSelected, "#triage-list")
    def _selected(self) -> None:
        self.action_link()

    def action_link(self) -> None:
        from padcom_tui.screens.mail_link import LinkMailScreen
        from padcom_tui.screens.ticket import TicketScreen

        mail = self.current
        if mail is None:
            return

        def linked(number: int | None) -> None:
            if number is not None:
                self.action_reload()
                self.app.push_screen(TicketScreen(number))

        self.app.push_screen(LinkMailScreen(mail), linked)

    def action_refuse(self) -> None:
        from padcom_tui.screens.prompt import PromptScreen

        mail = self.current
        if mail is None:
            return
        mail_id, sender = int(mail["id"]), line(mail.get("sender"))

        def why(reason: str | None) -> None:
            if reason is None:
                return
            client = self.padcom.client
            in_background(
                self, lambda: client.mail.refuse(mail_id, reason), self._refused, group="send"
            )

        prompt = f"Refuse the mail from {sender}? It is kept and never answered."
        self.app.push_screen(PromptScreen(prompt, "why: spam, a wrong address…"), why)

    def _refused(self, refused: Json) -> None:
        self.notify(f"Refused the mail from {line(refused.get('sender'))}.", markup=False)
        self.action_reload()

    def action_back(self) -> None:
        self.dismiss(None)
