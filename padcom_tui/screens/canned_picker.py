"""Choose a canned reply by typing a few letters of its name (fuzzy), then enter.

The list comes from ``GET /canned-replies`` (shared first, then the agent's own);
the best matches rise to the top as the agent types, and enter takes the first
one (or the one chosen with the arrow keys). Dismisses with the reply's id.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.fuzzy import Matcher
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from padcom_cli.client.jsontypes import Json
from padcom_tui.format import line


def ranked(replies: list[Json], query: str) -> list[Json]:
    """The replies matching ``query`` (fuzzy, on the name and then the text), best first."""
    if not query.strip():
        return list(replies)
    matcher = Matcher(query.strip())
    scored = []
    for order, reply in enumerate(replies):
        score = matcher.match(str(reply["name"])) * 2 or matcher.match(str(reply["body"])[:200])
        if score > 0:
            scored.append((-score, order, reply))
    return [reply for _score, _order, reply in sorted(scored, key=lambda s: (s[0], s[1]))]


class CannedPicker(ModalScreen[int | None]):
    """Dismisses with the chosen reply's id, or None (esc)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss(None)", "Cancel"),
        Binding("down", "move(1)", "Next", show=False),
        Binding("up", "move(-1)", "Previous", show=False),
    ]

    def __init__(self, replies: list[Json]) -> None:
        super().__init__()
        self.replies = replies
        self.shown: list[Json] = list(replies)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog canned"):
            yield Static(Text("Canned reply", style="bold"), classes="title")
            yield Input(placeholder="type to search, enter inserts", id="canned-search")
            yield OptionList(*self._options())
            yield Static(Text("enter insert · ↑↓ choose · esc cancel", style="dim"))

    def _options(self) -> list[Option]:
        options = []
        for reply in self.shown:
            label = Text(line(reply["name"]), style="bold")
            label.append("  shared" if reply.get("shared") else "  mine", style="dim")
            first = (str(reply["body"]).splitlines() or [""])[0]
            label.append(f"\n  {line(first)[:80]}", style="dim")
            options.append(Option(label, id=str(reply["id"])))
        return options

    def on_mount(self) -> None:
        self.query_one(Input).focus()
        if self.shown:
            self.query_one(OptionList).highlighted = 0

    @on(Input.Changed)
    def _filter(self, event: Input.Changed) -> None:
        self.shown = ranked(self.replies, event.value)
        options = self.query_one(OptionList)
        options.clear_options()
        options.add_options(self._options())
        if self.shown:
            options.highlighted = 0

    def action_move(self, step: int) -> None:
        options = self.query_one(OptionList)
        if self.shown:
            now = options.highlighted or 0
            options.highlighted = max(0, min(len(self.shown) - 1, now + step))

    @on(Input.Submitted)
    def _take(self) -> None:
        index = self.query_one(OptionList).highlighted
        if not self.shown or index is None:
            self.notify("No canned reply matches.", severity="warning")
            return
        self.dismiss(int(self.shown[index]["id"]))

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        if event.option.id is not None:
            self.dismiss(int(event.option.id))
