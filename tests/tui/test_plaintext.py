"""``padcom-admin`` keeps passwords and tokens off plain http to another host, as ``padcom`` does.

It used to send both to any ``http://`` URL: the saved token at start, the password
typed on its sign-in screen. Now the CLI's rule (``padcom_cli.client.plaintext``)
holds in the app too: refused with the same words unless the user accepted that one
URL (``padcom login --insecure``), and then warned. ``0.0.0.0`` stands for "another
host" in the accepting story (not loopback, yet Linux delivers it here), as in
tests/cli/test_plaintext.py.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from padcom_cli.client.config import ClientConfig, config_path, load_config, save_config
from padcom_tui.screens.queue import QueueScreen
from padcom_tui.screens.signin import SignInScreen
from tests.support.live import Live
from tests.tui.conftest import build_app, sign_in

ADMIN = str(Path(sys.executable).parent / "padcom-admin")
FAR_AWAY = "http://203.0.113.5:8000"  # TEST-NET-3: never reached, the app refuses first


def problem(screen: SignInScreen) -> str:
    return str(screen.query_one("#problem").render())


def test_the_saved_token_is_not_sent_over_plain_http_to_another_host() -> None:
    result = subprocess.run(
        [ADMIN],
        env={**os.environ, "PADCOM_URL": FAR_AWAY, "PADCOM_TOKEN": "a-secret-token"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert f"padcom-admin: refusing to send your token unencrypted to {FAR_AWAY}" in result.stderr
    assert "--insecure" in result.stderr


async def test_the_sign_in_screen_refuses_to_send_a_password_in_clear(live: Live) -> None:
    agent = live.person("agent")
    app = build_app(live.url, None)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await sign_in(pilot, agent.email, agent.password, url=FAR_AWAY)
        assert app.screen is screen
        assert "refusing to send your password unencrypted" in problem(screen)
    assert not config_path().exists()


async def test_a_url_the_user_accepted_signs_in_with_a_warning_and_keeps_the_consent(
    live: Live,
) -> None:
    agent = live.person("agent")
    url = f"http://0.0.0.0:{live.thread.port}"
    save_config(ClientConfig(url=url, insecure_url=url))  # as `padcom login --insecure` left it
    app = build_app(url, None)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot, agent.email, agent.password, url=url)
        assert isinstance(app.screen, QueueScreen)
        warnings = [n.message for n in app._notifications]
        assert f"your password goes unencrypted to {url} (no https)" in warnings
    saved = load_config()
    assert saved.token and saved.insecure_url == url
