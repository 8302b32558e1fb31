"""``PadcomAdmin(client)``: the app shell — sign-in, connection state, live feed, help, palette.

Screens do the work; the app owns what they share: the client, who is signed in,
whether the server answers, and the live event stream (``padcom_cli.client.live``) read on
a thread; its events are queued and handed to the screens in batches: the first
event after a quiet spell at once, any more within ``BATCH_SECONDS`` together at the
end of that window, so a burst of changes costs one repaint, not one per event,
and a lone change is not kept waiting.

To add a screen (the dashboard, say): put it in ``screens/``, add it to ``SCREENS``
and give it a key in ``BINDINGS`` with ``push_screen('<name>')``.
"""

from __future__ import annotations

import contextlib
import queue
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any, ClassVar

from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.screen import Screen

from padcom_cli.client.api import PadcomClient
from padcom_cli.client.errors import (
    NotAuthorized,
    NotFound,
    PadcomError,
    ServerFailed,
    Unreachable,
)
from padcom_cli.client.jsontypes import Json
from padcom_cli.client.live import iter_events, split
from padcom_cli.client.presence_words import PresenceBoard
from padcom_cli.client.vocabulary import STAFF_ROLES
from padcom_tui.background import in_background
from padcom_tui.drafts import Drafts
from padcom_tui.format import Clock, use_monochrome, utc_now
from padcom_tui.messages import EventsArrived, IncidentsChanged, QueuePainted, Reconnected
from padcom_tui.screens.queue import QueueScreen
from padcom_tui.settings import AdminSettings

BATCH_SECONDS = 0.1


def _administration() -> Screen[Any]:
    """Administration, imported when first opened."""
    from padcom_tui.screens.administration import AdministrationScreen

    return AdministrationScreen()


def _dashboard() -> Screen[Any]:
    """The dashboard, imported when first opened: its charts are no part of the first paint."""
    from padcom_tui.screens.dashboard import DashboardScreen

    return DashboardScreen()


def _incidents() -> Screen[Any]:
    """The open incidents: declare, update, resolve."""
    from padcom_tui.screens.incidents import IncidentsScreen

    return IncidentsScreen()


class PadcomAdmin(App[None]):
    """The staff's helpdesk app around one ``PadcomClient``."""

    CSS_PATH = "padcom.tcss"
    TITLE = "Padcom"
    SUB_TITLE = "support queue"
    SCREENS: ClassVar[dict[str, Any]] = {
        "dashboard": _dashboard,
        "incidents": _incidents,
        "administration": _administration,
    }
    BINDINGS: ClassVar[list[BindingType]] = [
        # Focus moves where the app reads keys, not where a widget does: keys typed ahead
        # (a password manager's "email, Tab, password") were queued to the old field
        # before its Tab moved the focus, and the password landed in the Email field.
        Binding("tab", "app.focus_next", show=False, priority=True),
        Binding("shift+tab", "app.focus_previous", show=False, priority=True),
        Binding("q", "quit", "Quit"),
        Binding("number_sign,g", "goto", "Go to #", key_display="#"),
        Binding("d", "push_screen('dashboard')", "Dashboard", show=False),  # listed in ? help
        Binding(
            "exclamation_mark", "push_screen('incidents')", "Incidents", show=False, key_display="!"
        ),
        Binding("A", "push_screen('administration')", "Administration", show=False),
        Binding("question_mark", "help", "Help", key_display="?"),
    ]

    def __init__(
        self,
        client: PadcomClient,
        *,
        settings: AdminSettings | None = None,
        clock: Clock = utc_now,
    ) -> None:
        super().__init__()
        use_monochrome(self.no_color)
        self.client = client
        self.settings = settings or AdminSettings()
        self.drafts = Drafts(self.settings.state_dir, client.url)
        """Unsent replies and notes on disk (padcom_tui/drafts.py)."""
        self.clock = clock
        self.me: Json | None = None
        self.presence = PresenceBoard()
        """Who else of the staff is on which ticket now, from the stream (client/presence_words.py)."""
        self.online = True
        self.problem = ""
        self.live_state = "off"
        self._incoming: queue.SimpleQueue[Json] = queue.SimpleQueue()
        self._delivery_due = threading.Event()  # set by the reader, cleared by the delivery
        self._delivered_at = 0.0
        self._stop_live = threading.Event()

    # -- start, sign-in -----------------------------------------------------------

    def on_mount(self) -> None:
        if self.client.signed_in:
            self.push_screen(QueueScreen())  # it posts QueuePainted; the rest waits for that
        else:
            self._sign_in()
        self.set_interval(self.settings.retry_seconds, self._retry_if_offline)

    def on_queue_painted(self, message: QueuePainted) -> None:
        """The queue is on screen: now ask who is signed in and open the event stream.

        Neither is needed for the first picture, and each costs the UI thread time
        (a request, a thread, a connection) while that picture is being drawn.
        """
        if self.me is None:
            in_background(self, self.client.me, self._got_me, group="me")
        if self.live_state == "off":
            self.follow_live(since=message.since)

    def _got_me(self, me: Json) -> None:
        if me.get("role") not in STAFF_ROLES:
            self.switch_to_sign_in("This is the staff app: customer accounts cannot use it.")
            return
        self.me = me
        self.refresh_status()

    def signed_in(self, client: PadcomClient, me: Json) -> None:
        """Called by the sign-in screen with a staff member's new client."""
        self.client.close()
        self.client, self.me = client, me
        self.reached_server()
        self.follow_live()
        while len(self.screen_stack) > 1:
            self.pop_screen()
        self.push_screen(QueueScreen())

    def switch_to_sign_in(self, reason: str) -> None:
        from padcom_tui.screens.signin import SignInScreen

        if isinstance(self.screen, SignInScreen):
            return
        self._stop_live.set()
        self.notify(reason, title="Signed out", severity="error", markup=False)
        self._sign_in(reason)

    def _sign_in(self, reason: str = "") -> None:
        """Show the sign-in screen (imported here: a signed-in start never needs it)."""
        from padcom_tui.screens.signin import SignInScreen

        self.push_screen(SignInScreen(self.client.url, reason))

    # -- connection ---------------------------------------------------------------

    def report(self, error: PadcomError) -> None:
        """Show a failed request in words: a notification and the status line."""
        if isinstance(error, Unreachable | ServerFailed):
            if self.online:
                self.notify(
                    f"{error.message}. Retrying every {self.settings.retry_seconds:g} s.",
                    title="Server unavailable",
                    severity="error",
                    markup=False,
                )
            self.online, self.problem = False, error.message
            self.refresh_status()
        elif isinstance(error, NotAuthorized) and error.status == 401:
            self.switch_to_sign_in(f"Your sign-in has expired or was revoked: {error.message}")
        else:
            self.notify(error.message, title="Not done", severity="warning", markup=False)

    def reached_server(self) -> None:
        if self.online:
            return
        self.online, self.problem = True, ""
        self.notify("The server answers again.", title="Connected")
        self.refresh_status()
        for screen in self.screen_stack:
            screen.post_message(Reconnected())

    def _retry_if_offline(self) -> None:
        if not self.online and self.client.signed_in:
            in_background(self, self.client.me, lambda _me: None, group="retry", exclusive=True)

    def refresh_status(self) -> None:
        for screen in self.screen_stack:
            for line in screen.query("StatusLine"):
                line.refresh()

    # -- the live event stream ---------------------------------------------------

    def follow_live(self, since: int | None = None) -> None:
        """(Re)start reading the event stream with the current token, after event ``since``
        (None: from the moment it connects)."""
        self._stop_live.set()
        if not (self.settings.live and self.client.token):
            return
        stop = self._stop_live = threading.Event()
        url, token = self.client.url, self.client.token
        self.live_state = "connecting"
        self.run_worker(
            lambda: self._read_stream(url, token, since, stop),
            thread=True,
            group="live",
            exclusive=True,
        )

    def _read_stream(self, url: str, token: str, since: int | None, stop: threading.Event) -> None:
        """On a thread: queue every event; tell the UI about the connection and refusals."""

        def tell(callback: Callable[..., Any], *args: Any) -> None:
            if not stop.is_set():
                with contextlib.suppress(RuntimeError):  # the event loop is already closed
                    self.call_later(callback, *args)

        try:
            for event in iter_events(
                url, token, since, stop=stop, on_status=lambda s: tell(self._live, s)
            ):
                self._incoming.put(event)
                if not self._delivery_due.is_set():
                    self._delivery_due.set()
                    tell(self._deliver_soon)
        except PadcomError as error:
            tell(self._live, "off")
            tell(self.report, error)

    def _live(self, state: str) -> None:
        if state == "reload":  # changes were lost to the server's replay window: read again
            for screen in self.screen_stack:
                screen.post_message(Reconnected())
            return
        self.live_state = state
        if state == "connected":
            self.reached_server()
        elif state == "reconnecting" and self.online:
            # the stream noticed first: a request tells whether the server itself is gone
            in_background(self, self.client.me, lambda _me: None, group="retry", exclusive=True)
        self.refresh_status()

    def _deliver_soon(self) -> None:
        """Deliver now, or at the end of the window that the last delivery opened."""
        wait = self._delivered_at + BATCH_SECONDS - time.monotonic()
        if wait > 0:
            self.set_timer(wait, self._deliver_batch)
        else:
            self._deliver_batch()

    def _deliver_batch(self) -> None:
        self._delivery_due.clear()  # before draining: an event put after this asks again
        events: list[Json] = []
        while not self._incoming.empty():
            events.append(self._incoming.get_nowait())
        if events:
            self._delivered_at = time.monotonic()
            self.deliver(events)

    def deliver(self, events: list[Json]) -> None:
        """Hand a batch of events to every screen that follows them: the tickets' as
        ``EventsArrived``, the incidents' as ``IncidentsChanged``."""
        tickets, incidents = split(events)
        self.presence.apply(tickets, (self.me or {}).get("id"))
        for screen in self.screen_stack:
            if tickets:
                screen.post_message(EventsArrived(tickets))
            if incidents:
                screen.post_message(IncidentsChanged(incidents))

    def on_unmount(self) -> None:
        self._stop_live.set()  # the reader thread ends within a fraction of a second

    # -- go to a ticket -------------------------------------------------------------

    def action_goto(self) -> None:
        """Ask for a number, then open that ticket over the queue (replacing an open one)."""
        from padcom_tui.screens.goto import GotoScreen

        if not isinstance(self.screen, GotoScreen):
            self.push_screen(GotoScreen(), self.open_ticket)

    def open_ticket(self, number: int | None) -> None:
        """Show ticket ``number`` if it exists (a notice if not); back returns to the queue."""
        if number is None:
            return

        def found(_ticket: Json) -> None:
            from padcom_tui.screens.ticket import TicketScreen

            if isinstance(self.screen, TicketScreen):
                if self.screen.number == number:
                    return
                self.pop_screen()
            queue = self.screen if isinstance(self.screen, QueueScreen) else None
            self.push_screen(TicketScreen(number), queue.ticket_closed if queue else None)

        def missing(error: PadcomError) -> None:
            if isinstance(error, NotFound):
                self.notify(f"There is no ticket #{number}.", title="Not found", severity="warning")
            else:
                self.report(error)

        in_background(self, lambda: self.client.get_ticket(number), found, failed=missing)

    # -- help and the command palette ---------------------------------------------

    def action_help(self) -> None:
        from padcom_tui.screens.help import HelpScreen, shown_bindings

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(shown_bindings(self.screen)))

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        """Every key of the current screen, so the palette offers every action."""
        from padcom_tui.screens.help import shown_bindings

        builtin = list(super().get_system_commands(screen))
        titles = {command.title for command in builtin}
        yield from builtin
        for node, binding in shown_bindings(screen):
            if binding.description in titles:
                continue
            yield SystemCommand(
                binding.description,
                f"key {binding.key_display or binding.key}",
                lambda node=node, action=binding.action: self.call_later(
                    self.run_action, action, node
                ),
            )
