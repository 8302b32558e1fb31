"""Merge the ticket on screen into another, chosen by its number, seen before it happens.

Type the other ticket's number and Enter: the dialog reads it and shows its
subject, customer and status, and says so when it belongs to another
organization; Enter again merges (across organizations only after that warning
was on screen). It dismisses with the target as read and whether the merge
crosses organizations; the ticket screen sends it with both versions.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from padcom_cli.client import merging
from padcom_cli.client.errors import PadcomError
from padcom_cli.client.jsontypes import Json
from padcom_cli.client.sanitize import clean
from padcom_tui.background import in_background
from padcom_tui.format import person
from padcom_tui.screens.base import admin_of

if TYPE_CHECKING:
    from padcom_tui.screens.ticket import TicketScreen


@dataclass(frozen=True)
class MergeTarget:
    """The ticket to merge into, as read just now, and whether it is another organization's."""

    ticket: Json
    across: bool


def _org(ticket: Json) -> int | None:
    found = (ticket.get("organization") or {}).get("id")
    return int(found) if isinstance(found, int) else None


class MergeScreen(ModalScreen[MergeTarget | None]):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "dismiss(None)", "Cancel")]

    def __init__(self, duplicate: Json) -> None:
        super().__init__()
        self.duplicate = duplicate
        self.target: Json | None = None

    def compose(self) -> ComposeResult:
        number = self.duplicate["number"]
        subject = clean(str(self.duplicate.get("subject", "")), single_line=True)
        with Vertical(classes="dialog merge"):
            yield Static(Text(f"Merge #{number} ({subject}) into ticket number:"), classes="title")
            yield Input(placeholder="e.g. 1234", type="integer", id="into")
            yield Static(Text("Enter reads it; Enter again merges. Esc cancels."), id="preview")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def on_input_changed(self, _event: Input.Changed) -> None:
        self.target = None  # another number: read it again before merging

    def on_input_submitted(self, event: Input.Submitted) -> None:
        value = event.value.strip()
        if not value.isdigit() or int(value) < 1:
            self._say("A ticket number, please.", "red")
            return
        number = int(value)
        if number == self.duplicate["number"]:
            self._say("That is this ticket; choose the one it duplicates.", "red")
            return
        if self.target is not None and self.target["number"] == number:
            across = _org(self.target) != _org(self.duplicate)
            self.dismiss(MergeTarget(self.target, across))
            return
        client = admin_of(self).client
        in_background(self, lambda: client.get_ticket(number), self._found, failed=self._missing)

    def _found(self, ticket: Json) -> None:
        self.target = ticket
        line = Text(f"#{ticket['number']} ", style="bold")
        line.append(clean(str(ticket.get("subject", "")), single_line=True), style="bold")
        org = clean(str((ticket.get("organization") or {}).get("name", "")), single_line=True)
        line.append(f"\n{person(ticket.get('requester'))} ({org}), {ticket.get('status')}")
        if ticket.get("merged_into"):
            line.append(f"\nIt was merged into #{ticket['merged_into']} itself.", style="red")
        if _org(ticket) != _org(self.duplicate):
            line.append(
                "\nAnother organization: Enter merges across organizations "
                "(its customer never sees this one's words).",
                style="bold yellow",
            )
        else:
            line.append("\nEnter merges; the customers are told.", style="green")
        self.query_one("#preview", Static).update(line)

    def _missing(self, error: PadcomError) -> None:
        self.target = None
        self._say(clean(str(error), single_line=True), "red")

    def _say(self, words: str, style: str) -> None:
        self.query_one("#preview", Static).update(Text(words, style=style))


def merge_from(screen: TicketScreen, ticket: Json) -> None:
    """The merge key on a ticket: choose the target and merge, or, for a ticket already
    merged, offer the undo. The screen reloads after either."""
    from padcom_tui.screens.confirm import ConfirmScreen

    client = admin_of(screen).client
    number = int(ticket["number"])

    def merged(done: Json) -> None:
        screen.notify(f"#{number} merged into #{done['merged_into']}; it is closed.", markup=False)
        screen.action_reload()

    def unmerged(done: Json) -> None:
        screen.notify(f"#{number} is on its own again ({done['status']}).", markup=False)
        screen.action_reload()

    if ticket.get("merged_into"):
        question = f"Ticket #{number} is merged into #{ticket['merged_into']}. Undo the merge?"
        version = int(ticket["version"])

        def undo(yes: bool | None) -> None:
            if yes:
                in_background(
                    screen, lambda: merging.unmerge_ticket(client, number, version), unmerged
                )

        screen.app.push_screen(ConfirmScreen(question, "Unmerge"), undo)
        return

    def chosen(target: MergeTarget | None) -> None:
        if target is None:
            return
        into, into_version = int(target.ticket["number"]), int(target.ticket["version"])
        version = int(ticket["version"])
        in_background(
            screen,
            lambda: merging.merge_ticket(
                client, number, version, into, into_version, across_organizations=target.across
            ),
            merged,
        )

    screen.app.push_screen(MergeScreen(ticket), chosen)
