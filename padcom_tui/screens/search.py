"""The search screen: type words, see the best hits with the text that matched, open one.

``/`` in the queue opens it. The server ranks the hits (``GET /tickets?q=``:
subject, customer, description, conversation; notes too for staff); each row
shows the ticket, where it was found and a snippet with the matched words in
bold, all as plain text (``padcom_cli.client.search_words`` sanitises it).
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from padcom_cli.client.jsontypes import Json
from padcom_cli.client.plural import counted
from padcom_cli.client.search_words import found_in, pieces
from padcom_tui.background import in_background
from padcom_tui.format import line
from padcom_tui.screens.base import PadcomScreen
from padcom_tui.widgets.keys_footer import KeysFooter

HITS = 50
"""The best hits asked for (the server answers at most this many)."""


def hit_text(hit: Json) -> Text:
    """One hit: ``#N subject`` on the first line, ``found in: snippet`` below."""
    text = Text()
    text.append(f"#{hit['number']} ", style="bold")
    text.append(line(hit.get("subject")))
    text.append(f"  {hit.get('status', '')}\n", style="dim")
    text.append(f"  {found_in(hit.get('match'))}: ", style="italic")
    for piece, marked in pieces(hit.get("match")):
        text.append(piece, style="bold reverse" if marked else "")
    return text


class SearchScreen(PadcomScreen[None]):
    AUTO_FOCUS = "#words"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back"),
        Binding("down", "to_hits", "Hits", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.hits: list[Json] = []

    def compose(self) -> ComposeResult:
        yield Input(
            placeholder="words, a customer, an email, a customer number or a service; enter",
            id="words",
        )
        yield Static("", id="found")
        yield OptionList(id="hits")
        yield KeysFooter()

    @on(Input.Submitted, "#words")
    def _search(self, event: Input.Submitted) -> None:
        words = event.value.strip()
        if not words:
            return
        self.query_one("#found", Static).update(Text("searching…"))
        in_background(
            self,
            lambda: self.padcom.client.list_tickets(q=words, limit=HITS),
            lambda page: self.show(words, page["items"], more=bool(page.get("next_cursor"))),
            group="search",
            exclusive=True,
        )

    def show(self, words: str, hits: list[Json], *, more: bool = False) -> None:
        """The best ``hits``; ``more``: the search found more than a page (``50+ hits``)."""
        self.hits = hits
        found = (
            f"{counted(len(hits), 'hit', more=more)} for {words!r}"
            if hits
            else f"nothing for {words!r}"
        )
        self.query_one("#found", Static).update(Text(line(found)))
        options = self.query_one("#hits", OptionList)
        options.clear_options()
        options.add_options([Option(hit_text(hit), id=str(hit["number"])) for hit in hits])
        if hits:
            options.highlighted = 0
            options.focus()

    def action_to_hits(self) -> None:
        if self.hits:
            self.query_one("#hits", OptionList).focus()

    @on(OptionList.OptionSelected, "#hits")
    def _open(self, event: OptionList.OptionSelected) -> None:
        from padcom_tui.screens.ticket import TicketScreen

        if event.option.id is not None:
            self.app.push_screen(TicketScreen(int(event.option.id)))

    def action_back(self) -> None:
        self.dismiss(None)
