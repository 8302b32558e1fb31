"""The answering half of the ticket screen: the reply editor beside the conversation, quoting,
send and set, canned replies, macros and tags; and the collision prompt.

While the editor is open the agent's presence on the ticket is ``writing``. A
reply goes out with the version the draft was begun on (``Basis``); when the
server refuses it because a colleague (or the customer) replied meanwhile, the
prompt quotes that reply and asks: send anyway, or review it with the draft kept.

``TicketScreen`` (ticket.py) derives from it; the layout classes it sets are
styled in padcom.tcss: ``editing`` (the editor shows), ``split`` (wide enough to
show both side by side), ``-narrow`` and ``peek`` (narrow: the conversation is
shown while the draft waits).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.widgets import TabbedContent

from padcom_cli.client.api import PadcomClient
from padcom_cli.client.conflict_words import replied_meanwhile, replies_since
from padcom_cli.client.jsontypes import Json
from padcom_cli.client.vocabulary import PresenceState
from padcom_tui.background import in_background
from padcom_tui.screens.base import PadcomScreen
from padcom_tui.screens.confirm import ConfirmScreen
from padcom_tui.screens.macro_apply import choose_macro
from padcom_tui.widgets.conversation import Conversation
from padcom_tui.widgets.presence_line import PresenceLine
from padcom_tui.widgets.reply_pane import Basis, ReplyPane, quoted

SHOWN_REPLIES = 3
"""How many of the replies that came meanwhile the collision prompt quotes."""


class Answering(PadcomScreen[Json | None]):
    """What the ticket screen does to answer; ``number``, ``data`` and ``action_reload`` are its."""

    number: int
    data: Any  # TicketData | None (ticket.py)

    @property
    def client(self) -> PadcomClient:
        return self.padcom.client

    if TYPE_CHECKING:

        def action_reload(self) -> None: ...  # the ticket screen's (ticket.py)

        def show(self, data: Any) -> None: ...  # the ticket screen's (ticket.py)

    resent_quietly = False
    """A reply refused with no new reply in the way was sent again on the new version."""

    def basis(self) -> Basis | None:
        """The ticket as shown now, for a draft that begins on it (None before it loaded)."""
        if self.data is None:
            return None
        seen = frozenset(int(m["id"]) for m in self.data.messages)
        return Basis(int(self.data.ticket["version"]), seen)

    def _writing(self, yes: bool) -> None:
        """Tell colleagues we are writing a reply here (or only viewing again)."""
        self.query_one(PresenceLine).announce(
            PresenceState.WRITING if yes else PresenceState.VIEWING
        )

    def action_reply(self) -> None:
        self._write(internal=False)

    def action_note(self) -> None:
        self._write(internal=True)

    @property
    def editor(self) -> ReplyPane:
        return self.query_one(ReplyPane)

    def _write(self, internal: bool) -> None:
        """Open the editor beside the conversation (in its place on a narrow terminal)."""
        self.editor.begin(internal)
        self.editor.base_on(self.basis())
        self.add_class("editing")
        self.remove_class("peek")
        self.editor.focus_text()
        self._writing(True)

    def _restore_draft(self) -> None:
        """The first show: a draft kept on disk comes back (begun on the ticket as shown now),
        and one begun before the ticket had loaded gets its basis."""
        if not self.has_class("editing") and self.editor.restore():
            self.add_class("editing")
            self.editor.focus_text()
            self.notify("Your unsent draft is back.", markup=False)
            self._writing(True)
        if self.has_class("editing"):
            self.editor.base_on(self.basis())

    def action_canned(self) -> None:
        """Start a reply from a canned one: the editor opens and the picker over it."""
        self._write(internal=False)
        self.editor.action_canned()

    def action_toggle_editor(self) -> None:
        """Narrow: show the conversation or the editor; wide: move between them."""
        if not self.has_class("editing"):
            self._write(internal=False)
        elif self.has_class("split"):
            if self.editor.area.has_focus:
                self.query_one(Conversation).focus()
            else:
                self.editor.focus_text()
        elif self.has_class("peek"):
            self.remove_class("peek")
            self.editor.focus_text()
        else:
            self.add_class("peek")
            self.query_one(Conversation).focus()

    def action_quote(self) -> None:
        """Quote the message under the conversation's cursor into the reply."""
        current = self.query_one(Conversation).current
        if current is None:
            return
        if not self.has_class("editing"):
            self._write(internal=False)
        self.remove_class("peek")
        self.editor.insert(quoted(current.author, current.body))
        self.editor.focus_text()

    def on_reply_pane_quote_wanted(self, _message: ReplyPane.QuoteWanted) -> None:
        self.action_quote()

    def on_reply_pane_closed(self, _message: ReplyPane.Closed) -> None:
        self.remove_class("editing", "peek")
        self.query_one(Conversation).focus()
        self._writing(False)

    def on_reply_pane_sent(self, message: ReplyPane.Sent) -> None:
        self.resent_quietly = False
        self.remove_class("editing", "peek")
        self._writing(False)
        what = "Internal note saved" if self.editor.internal else "Reply sent"
        if message.status is None:
            self.notify(f"{what}.")
            self.action_reload()
            return
        self.notify(f"#{self.number}: {what.lower()}, now {message.status}.", markup=False)

        def moved_on(ticket: Json) -> None:
            self.dismiss(ticket)  # send and set: the answer is done, back to the queue

        in_background(self, lambda: self.client.get_ticket(self.number), moved_on, group="load")

    def on_reply_pane_overtaken(self, message: ReplyPane.Overtaken) -> None:
        """The ticket moved on while the agent wrote: show what came, then ask (or just send,
        when nothing came but changes of fields, e.g. the agent's own priority change)."""
        before = self.editor.basis
        seen = before.messages if before else frozenset()
        me = (self.padcom.me or {}).get("id")

        def fetched(now: tuple[Json, list[Json]]) -> None:
            ticket, messages = now
            if self.data is not None:
                self.data.ticket, self.data.messages = ticket, messages
                self.show(self.data)
            newer = replies_since(messages, set(seen), me)
            self.editor.base_on(self.basis(), again=True)  # what it is sent on now
            if not newer and not self.resent_quietly:
                self.resent_quietly = True  # once: a ticket that keeps moving is the agent's call
                self.editor.action_send(message.status)
                return
            self.resent_quietly = False
            lines = [replied_meanwhile(reply, self.padcom.clock()) for reply in newer] or [
                f"Ticket #{self.number} keeps changing while your reply goes out."
            ]
            more = len(lines) - SHOWN_REPLIES
            question = "\n".join(
                lines[:SHOWN_REPLIES] + ([f"(and {more} more)"] if more > 0 else [])
            )

            def answered(send: bool | None) -> None:
                if send:
                    self.editor.action_send(message.status)
                else:
                    self._review(messages.index(newer[0]) if newer else len(messages) - 1)

            self.app.push_screen(
                ConfirmScreen(f"{question}\n\nSend anyway?", "Send anyway", no="Review"), answered
            )

        in_background(
            self,
            lambda: (self.client.get_ticket(self.number), self.client.messages(self.number)),
            fetched,
            group="load",
        )

    def _review(self, index: int) -> None:
        """Show the conversation at the first reply that came meanwhile; the draft waits."""
        conversation = self.query_one(Conversation)
        self.query_one(TabbedContent).active = "conversation"
        if not self.has_class("split"):
            self.add_class("peek")
        conversation.point_at(index + 1)  # the first entry is the ticket's description
        conversation.focus()
        self.notify("Your draft is kept: ctrl+t goes back to it.", markup=False)

    def action_macro(self) -> None:
        """Choose a macro and apply it to this ticket as of the version shown."""
        if self.data:
            target = {"number": self.number, "version": int(self.data.ticket["version"])}

            def applied(_ticket: Json) -> None:
                self.notify(f"#{self.number}: macro applied.")
                self.action_reload()

            choose_macro(self, self.client, [target], applied)

    def action_tags(self) -> None:
        """Edit the ticket's tags as one line of words."""
        if not self.data:
            return
        from padcom_tui.screens.tag_editor import TagEditor

        before = list(self.data.ticket.get("tags") or [])

        def edited(words: list[str] | None) -> None:
            if words is None:
                return
            add = [w for w in words if w not in before]
            remove = [w for w in before if w not in words]
            if not (add or remove):
                return

            def changed(ticket: Json) -> None:
                shown = " ".join(f"#{t}" for t in ticket.get("tags") or []) or "no tags"
                self.notify(f"#{self.number}: {shown}.", markup=False)
                self.action_reload()

            in_background(
                self,
                lambda: self.client.desk.change_tags(self.number, add=add, remove=remove),
                changed,
                group="send",
            )

        self.app.push_screen(TagEditor(self.number, before), edited)
