"""Signing in from the app: staff get in and the token is kept like ``padcom login`` keeps it;
customer accounts are turned away with a clear message."""

from __future__ import annotations

from padcom_cli.client.config import load_config
from padcom_tui.screens.queue import QueueScreen
from padcom_tui.screens.signin import SignInScreen
from tests.support.live import Live
from tests.tui.conftest import build_app, settle, sign_in, status_line


async def test_without_a_token_the_app_asks_to_sign_in_and_remembers_it(live: Live) -> None:
    agent = live.person("agent")
    app = build_app(live.url, None)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await sign_in(pilot, agent.email, "not the password")
        assert "wrong email or password" in str(screen.query_one("#problem").render())
        await sign_in(pilot, agent.email, agent.password)
        assert isinstance(app.screen, QueueScreen)
        assert agent.user.name in status_line(app)
    saved = load_config()
    assert saved.url == live.url and saved.token and saved.email == agent.email


async def test_a_customer_account_is_refused(live: Live) -> None:
    customer = live.person("customer")
    app = build_app(live.url, None)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await sign_in(pilot, customer.email, customer.password)
        assert app.screen is screen
        assert "customer accounts cannot sign in" in str(screen.query_one("#problem").render())
    assert load_config().token is None


async def test_a_customer_token_from_padcom_login_is_refused_too(live: Live) -> None:
    customer = live.person("customer")
    app = build_app(live.url, customer.token)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, SignInScreen)
        assert "customer accounts cannot" in str(app.screen.query_one("#problem").render())


async def test_a_password_manager_typing_ahead_never_puts_the_password_in_the_email_field(
    live: Live,
) -> None:
    """ "email, Tab, password" arrives faster than the app handles a key, even while the
    screen is still being mounted: each key lands where the keys before it put the focus."""
    from textual import events
    from textual.widgets import Input

    agent = live.person("agent")
    app = build_app(live.url, None)
    async with app.run_test(size=(80, 24)) as pilot:
        typed = [*agent.email, "tab", *agent.password]
        for key in typed:  # all queued at once, before the sign-in screen has settled
            app.post_message(events.Key(key, key if len(key) == 1 else None))
        await pilot.pause(0.3)
        screen = app.screen
        assert isinstance(screen, SignInScreen)
        assert screen.query_one("#email", Input).value == agent.email
        assert screen.query_one("#password", Input).value == agent.password
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen)
