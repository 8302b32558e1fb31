"""``padcom-admin``: open the staff app with the token of ``padcom login`` (or sign in)."""

from __future__ import annotations

from padcom_cli.client import PadcomClient
from padcom_cli.config import load_config
from padcom_tui.app import PadcomAdmin
from padcom_tui.settings import AdminSettings


def main() -> None:
    config = load_config()
    with PadcomClient(config.url, config.token) as client:
        PadcomAdmin(client, settings=AdminSettings.from_env()).run()


if __name__ == "__main__":
    main()
