"""Fixtures shared by every test: a database of its own per module on SQLite and
PostgreSQL, a real server on a free loopback port, and a clean environment."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tests.support.databases import postgres_database, require_postgres, sqlite_url
from tests.support.live import Live, own_server


@pytest.fixture(autouse=True)
def _no_personal_config(
    monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Keep the developer's own Padcom config, token and data out of every test."""
    home = tmp_path_factory.mktemp("home")
    for name in (
        "PADCOM_URL",
        "PADCOM_TOKEN",
        "PADCOM_DATABASE_URL",
        "NO_COLOR",
        "VISUAL",
        "EDITOR",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PADCOM_CONFIG", str(home / "config.toml"))
    monkeypatch.setenv("PADCOM_DATA_DIR", str(home / "data"))
    monkeypatch.setenv("PADCOM_STATE_DIR", str(home / "state"))  # the admin app's drafts


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def database_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """An empty database of this module's own, on each backend in turn."""
    if request.param == "sqlite":
        yield sqlite_url(tmp_path_factory.mktemp("db"))
        return
    require_postgres()
    with postgres_database() as url:
        yield url


@pytest.fixture(scope="module")
def live(database_url: str) -> Iterator[Live]:
    """A real server on this module's database, shared by the module's tests."""
    with own_server(database_url) as world:
        yield world


@pytest.fixture
def snap_compare(snap_compare: Callable[..., bool]) -> Callable[..., bool]:
    """Textual's snapshot comparison with every text cursor held still, drawn where it is.

    A cursor blinks every half second, so whether it is in the picture depended on
    when the picture was taken: under load one came late, in the cursor's dark half,
    and the reply editor and the merge dialog failed now and then with the same text.
    """

    def compare(
        app: Any, *args: Any, run_before: Callable[..., Any] | None = None, **kw: Any
    ) -> bool:
        async def steady(pilot: Any) -> None:
            if run_before is not None:
                started = run_before(pilot)
                if inspect.isawaitable(started):
                    await started
            for widget in pilot.app.screen.query("Input, TextArea"):
                # Held in its bright half; cursor_blink = False would keep a TextArea's
                # cached dark line (its cache key has no cursor when blinking is off).
                widget._pause_blink(visible=widget.has_focus)
            await pilot.pause()

        return snap_compare(app, *args, run_before=steady, **kw)

    return compare
