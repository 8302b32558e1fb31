"""The reply editor beside the conversation: write, pick a canned reply, send (and set) in one key.

It lives on the ticket screen (not over it), so the customer's words stay in
view while the agent answers; the screen decides where it sits (beside the
conversation on a wide terminal, in its place on a narrow one). The draft is
written to disk a moment after each change (``padcom_tui/drafts.py``) with the
Idempotency-Key it will be sent with, restored when the ticket is opened again,
and deleted once the server has it.

    ctrl+s send · f2 send + waiting · f3 send + resolved · ctrl+g canned reply
    ctrl+l quote the message under the conversation's cursor · esc back (kept)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar, cast

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Static, TextArea

from padcom_cli.client.api import new_key
from padcom_cli.client.errors import PadcomError
from padcom_cli.client.jsontypes import Json
from padcom_cli.client.vocabulary import SendAndSet
from padcom_tui.background import in_background
from padcom_tui.drafts import Draft, Drafts

if TYPE_CHECKING:
    from padcom_tui.app import PadcomAdmin


@dataclass(frozen=True)
class Basis:
    """The ticket as the agent saw it when the draft began: a reply sent on it is refused (412)
    if the ticket moved on since, so a colleague's answer meanwhile is shown before ours goes."""

    version: int
    messages: frozenset[int]
    """The ids of the messages the conversation showed."""


SAVE_AFTER_SECONDS = 0.3
"""A draft reaches the disk this long after the last key (and at once when the pane closes)."""


def quoted(author: str, body: str) -> str:
    """``body`` as an e-mail style quote headed by who wrote it."""
    lines = body.splitlines() or [""]
    return f"{author} wrote:\n" + "\n".join(f"> {text}" if text else ">" for text in lines) + "\n\n"


class ReplyPane(Vertical):
    """The editor of one ticket's reply (or internal note)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "send", "Send"),
        Binding("f2", "send('waiting')", "Send+waiting"),
        Binding("f3", "send('resolved')", "Send+resolved"),
        Binding("ctrl+g", "canned", "Canned"),
        Binding("ctrl+l", "quote", "Quote"),
        Binding("escape", "close", "Back"),
    ]

    @dataclass
    class Sent(Message):
        """The server has the reply; ``status`` is what it set with it (None: unchanged)."""

        status: str | None

    class Closed(Message):
        """The agent left the editor (the draft is kept)."""

    @dataclass
    class Overtaken(Message):
        """The server refused the reply: the ticket moved on since the draft's ``basis``."""

        status: str | None
        """What the agent wanted to set with it (send and set), to send it again the same."""

    class QuoteWanted(Message):
        """The agent asked to quote the message under the conversation's cursor."""

    def __init__(self, number: int, drafts: Drafts, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.number = number
        self.drafts = drafts
        self.internal = False
        self.key = new_key()
        self.sending = False
        self._save_timer: Timer | None = None
        self.replies: list[Json] | None = None
        self.basis: Basis | None = None
        """What the draft was written on (None: nothing shown yet, or sent)."""

    @property
    def padcom(self) -> PadcomAdmin:
        return cast("PadcomAdmin", self.app)

    def compose(self) -> ComposeResult:
        yield Static("", id="editor-title")
        yield TextArea("", soft_wrap=True, show_line_numbers=False, id="editor-text")
        yield Static(
            Text("ctrl+s send · f2 +waiting · f3 +resolved · ctrl+g canned · esc back", style="dim")
        )

    @property
    def area(self) -> TextArea:
        return self.query_one(TextArea)

    @property
    def text(self) -> str:
        return self.area.text

    def restore(self) -> bool:
        """Take in a draft kept on disk (a reply first, then a note); True when one was found."""
        for internal in (False, True):
            found = self.drafts.load(self.number, internal)
            if found is not None:
                self.begin(internal, found)
                return True
        return False

    def begin(self, internal: bool, draft: Draft | None = None) -> None:
        """Start (or go back to) a reply or a note; a kind switch keeps the other's draft on disk."""
        if internal != self.internal and self.text.strip():
            self._save_now()
            draft = draft or self.drafts.load(self.number, internal)
            self.area.load_text("")
        self.internal = internal
        if draft is not None:
            self.area.load_text(draft.text)
            self.key = draft.key
        elif not self.text.strip():
            self.key = new_key()
        title = (
            Text(f"Internal note on #{self.number} (staff only)", style="bold black on yellow")
            if internal
            else Text(f"Reply to the customer on #{self.number}", style="bold")
        )
        self.query_one("#editor-title", Static).update(title)
        self.set_class(internal, "internal")

    def base_on(self, basis: Basis | None, *, again: bool = False) -> None:
        """Remember what the draft is written on: once, when it begins (``again``: the agent has
        now seen the ticket as it is, e.g. after the collision prompt)."""
        if again or self.basis is None:
            self.basis = basis

    def focus_text(self) -> None:
        self.area.focus()
        self.area.move_cursor(self.area.document.end)

    def insert(self, text: str) -> None:
        """Put ``text`` in at the cursor (a quote, a canned reply), on a line of its own, and
        keep the draft."""
        _row, column = self.area.cursor_location
        self.area.insert(("\n" if column else "") + text)
        self._save_now()

    # -- keeping the draft ------------------------------------------------------------

    def on_text_area_changed(self, _event: TextArea.Changed) -> None:
        if self._save_timer is not None:
            self._save_timer.stop()
        self._save_timer = self.set_timer(SAVE_AFTER_SECONDS, self._save_now)

    def _save_now(self) -> None:
        if self._save_timer is not None:
            self._save_timer.stop()
            self._save_timer = None
        try:
            self.drafts.save(self.number, self.internal, Draft(self.text, self.key))
        except OSError as error:
            self.notify(f"The draft could not be kept on disk: {error}", severity="warning")

    # -- actions ---------------------------------------------------------------------

    def action_close(self) -> None:
        self._save_now()
        self.post_message(self.Closed())

    def action_quote(self) -> None:
        self.post_message(self.QuoteWanted())

    def action_send(self, status: str | None = None) -> None:
        body = self.text
        if not body.strip():
            self.notify("Nothing to send.", severity="warning")
            return
        if status is not None and self.internal:
            self.notify(
                "A note does not change the status: send it with ctrl+s.", severity="warning"
            )
            return
        if self.sending:
            return
        self.sending = True
        self._save_now()  # with its key: a send whose answer is lost is retried once
        number, internal, key = self.number, self.internal, self.key
        wanted = SendAndSet(status).value if status is not None else None
        # a note collides with nobody's answer: only a reply is sent on what the agent saw
        based_on = None if internal or self.basis is None else self.basis.version

        def sent(_message: Json) -> None:
            self.sending = False
            self.drafts.discard(number, internal)
            self.area.load_text("")
            self.drafts.discard(number, internal)  # the emptied text's save
            self.key = new_key()
            self.basis = None
            self.post_message(self.Sent(wanted))

        def failed(error: PadcomError) -> None:
            self.sending = False
            if based_on is not None and error.code == "version_mismatch":
                self.post_message(self.Overtaken(wanted))  # the screen shows what came and asks
                return
            self.padcom.report(error)  # the draft stays, on screen and on disk

        in_background(
            self,
            lambda: self.padcom.client.reply(
                number,
                body,
                internal=internal,
                idempotency_key=key,
                status=wanted,
                if_version=based_on,
            ),
            sent,
            failed=failed,
            group="send",
        )

    def action_canned(self) -> None:
        from padcom_tui.screens.canned_picker import CannedPicker

        def chosen(reply_id: int | None) -> None:
            if reply_id is None:
                self.focus_text()
                return

            def filled(body: str) -> None:
                self.insert(body)
                self.focus_text()

            in_background(
                self,
                lambda: self.padcom.client.desk.rendered_reply(reply_id, self.number),
                filled,
                group="canned",
            )

        def listed(replies: list[Json]) -> None:
            self.replies = replies
            if not replies:
                self.notify("No canned replies yet (padcom canned add NAME).", severity="warning")
                return
            self.app.push_screen(CannedPicker(replies), chosen)

        in_background(self, self.padcom.client.desk.canned_replies, listed, group="canned")
