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
