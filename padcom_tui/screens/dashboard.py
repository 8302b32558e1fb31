"""The statistics dashboard (``d``): the queue at a glance and how the last 7/30/90 days went.

Built from Textual's own widgets (``Digits``, ``Sparkline``) and text bars, not
textual-plotext: that package's last release is from 2024-11 and pins
``plotext<6``; these draw cleanly at 80x24, follow the theme and need no new
dependency. One ``GET /stats`` fills the screen; it is asked again every
``REFRESH_SECONDS``, and shortly after live events arrive (merged, so a burst of
changes costs one request).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical

from padcom_cli.client.duration_words import duration
from padcom_cli.client.jsontypes import Json
from padcom_cli.client.plural import counted, last_days
from padcom_cli.client.time_words import parse
from padcom_tui.background import in_background
from padcom_tui.messages import EventsArrived, Reconnected
from padcom_tui.screens.base import PadcomScreen
from padcom_tui.widgets.dashboard_bars import DashboardBars
from padcom_tui.widgets.dashboard_tile import DashboardTile
from padcom_tui.widgets.dashboard_times import DashboardTimes
from padcom_tui.widgets.dashboard_trend import DashboardTrend
from padcom_tui.widgets.keys_footer import KeysFooter
from padcom_tui.widgets.status_line import StatusLine

PERIODS = (7, 30, 90)
TAGS_SHOWN = 8
"""The period's most used tags the dashboard lists (the API names up to 50)."""
REFRESH_SECONDS = 30.0
AFTER_EVENTS_SECONDS = 2.0


def incident_words(figures: Json | None) -> str:
    """`` · 2 incidents (8 tickets), resolved in 40 min`` for the period; "" without any."""
    if not figures or not figures.get("declared"):
        return ""
    declared, tickets = int(figures["declared"]), int(figures["tickets"])
    words = f" · {counted(declared, 'incident')} ({counted(tickets, 'ticket')})"
    median = (figures.get("resolve") or {}).get("median_seconds")
    if median is not None:
        words += f", resolved in {duration(int(median))}"
    return words


class DashboardScreen(PadcomScreen[None]):
    """Tiles of current numbers, trends per day, the period's top tags, times, SLA
    compliance, the customers' satisfaction (ratings given in the period) and per-agent load."""

    DEFAULT_CSS = """
    DashboardScreen #tiles { height: 5; }
    DashboardScreen #trends { height: 1fr; min-height: 6; margin: 0 1; }
    DashboardScreen #trends Vertical { height: 1fr; width: 1fr; margin: 0 1 0 0; }
    DashboardScreen #trends DashboardTrend { width: 1fr; height: 1fr; }
    DashboardScreen #trends Sparkline { height: 1fr; min-height: 2; }
    DashboardScreen #trends #tags { height: 1fr; overflow: hidden; padding: 0; }
    DashboardScreen #details { height: auto; margin: 1 0 0 0; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("7", "period(7)", "7 days"),
        Binding("3", "period(30)", "30 days"),
        Binding("9", "period(90)", "90 days"),
        Binding("r", "reload", "Refresh"),
        Binding("escape,d", "app.pop_screen", "Back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.days = 30
        self.data: Json | None = None
        self._events_pending = False

    def compose(self) -> ComposeResult:
        with Horizontal(id="tiles"):
            yield DashboardTile("Open", id="open")
            yield DashboardTile("Unassigned", id="unassigned")
            yield DashboardTile("Due < 1 h", id="at-risk")
            yield DashboardTile("Breached", id="breached")
            yield DashboardTile("Satisfied %", id="satisfied")
        with Horizontal(id="trends"):
            with Vertical():
                yield DashboardTrend("Created per day", id="created")
                yield DashboardTrend("Resolved per day", id="resolved")
            with Vertical():
                yield DashboardTrend("Backlog", summary="now", id="backlog")
                yield DashboardBars("Filed by tag", empty="no tagged tickets", id="tags")
        with Horizontal(id="details"):
            yield DashboardTimes(id="times")
            yield DashboardBars("SLA met", id="sla")
            yield DashboardBars("Open per agent", id="load")
        yield StatusLine()
        yield KeysFooter()

    def on_mount(self) -> None:
        self.refresher = self.set_interval(REFRESH_SECONDS, self.load, pause=True)

    def on_screen_resume(self) -> None:
        """Shown (again): fresh figures, then every ``REFRESH_SECONDS`` while it stays shown."""
        self.load()
        self.refresher.resume()

    def on_screen_suspend(self) -> None:
        self.refresher.pause()

    # -- loading ------------------------------------------------------------------

    def load(self) -> None:
        """Ask for the figures of the chosen period, ending now by the app's clock."""
        app: Any = self.app
        end = app.clock()
        days = self.days
        self._status(f"loading the {last_days(days)}…")

        def fetch() -> tuple[int, Json]:
            return days, app.client.stats(start=end - timedelta(days=days), end=end)

        in_background(self, fetch, self._arrived, group="stats", exclusive=True)

    def _arrived(self, result: tuple[int, Json]) -> None:
        days, data = result
        if days != self.days:
            return  # the period changed while this answer was on its way
        self.data = data
        self.show(data)

    def show(self, data: Json) -> None:
        now = data["now"]
        self.query_one("#open", DashboardTile).show(now["open"])
        self.query_one("#unassigned", DashboardTile).show(now["unassigned"])
        self.query_one("#at-risk", DashboardTile).show(now["at_risk"], alert=True)
        self.query_one("#breached", DashboardTile).show(now["breached"], alert=True)
        happy = (data.get("satisfaction") or {}).get("percent")
        self.query_one("#satisfied", DashboardTile).show(None if happy is None else round(happy))
        days = data["daily"]
        dates = [str(d["day"]) for d in days]
        for name in ("created", "resolved", "backlog"):
            self.query_one(f"#{name}", DashboardTrend).show([d[name] for d in days], dates)
        self.query_one(DashboardTimes).show(data["first_response"], data["resolution"])
        sla, reopens = data["sla"], data["reopens"]
        rates = [
            ("response", sla["first_response"]["percent"]),
            ("resolution", sla["resolution"]["percent"]),
            ("reopened", reopens["percent"]),
            ("satisfied", (data.get("satisfaction") or {}).get("percent")),
        ]
        self.query_one("#sla", DashboardBars).show(
            [(name, rate or 0, "-" if rate is None else f"{rate:.0f}%") for name, rate in rates],
            scale=100,
        )
        load = [(a["name"], a["open"], str(a["open"])) for a in now["by_assignee"]]
        if now["unassigned"]:
            load.append(("(nobody)", now["unassigned"], str(now["unassigned"])))
        self.query_one("#load", DashboardBars).show(load)
        filed = ((data.get("tags") or {}).get("created") or [])[:TAGS_SHOWN]
        self.query_one("#tags", DashboardBars).show(
            [(t["tag"], t["tickets"], str(t["tickets"])) for t in filed]
        )
        self._status(self._summary(data))

    def _summary(self, data: Json) -> str:
        words = f"{last_days(self.days)}: {data['created']} created, {data['resolved']} resolved"
        oldest = data["now"].get("oldest_open")
        created = parse(oldest["created_at"]) if oldest else None
        if oldest and created:
            age = int((self.padcom.clock() - created).total_seconds())
            words += f" · oldest open #{oldest['number']}, {duration(age)}"
        rated = data.get("satisfaction") or {}
        if rated.get("good") or rated.get("bad"):
            words += f" · rated {rated['good']} good, {rated['bad']} bad"
        return words + incident_words(data.get("incidents")) + " · 7/3/9 switch"

    def _status(self, detail: str) -> None:
        for status in self.query(StatusLine):
            status.set_detail(detail)

    # -- keys and live changes ----------------------------------------------------

    def action_period(self, days: int) -> None:
        if days in PERIODS and days != self.days:
            self.days = days
            self.load()

    def action_reload(self) -> None:
        self.load()

    def on_events_arrived(self, _message: EventsArrived) -> None:
        if not self._events_pending:
            self._events_pending = True
            self.set_timer(AFTER_EVENTS_SECONDS, self._after_events)

    def _after_events(self) -> None:
        self._events_pending = False
        self.load()

    def on_reconnected(self, _message: Reconnected) -> None:
        self.load()
