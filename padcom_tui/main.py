"""``padcom-admin``: open the staff app with the token of ``padcom login`` (or sign in)."""

from __future__ import annotations

import sys


def skip_unused_imports() -> None:
    """httpx imports its own command line (click, pygments) on import, which the app never
    uses; a None entry makes that optional import fail fast (measured in bench/tui_startup)."""
    sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]


def main() -> None:
    skip_unused_imports()
    from padcom_cli.client.api import PadcomClient
    from padcom_cli.client.config import load_config
    from padcom_tui.app import PadcomAdmin
    from padcom_tui.settings import AdminSettings

    config = load_config()
    with PadcomClient(config.url, config.token) as client:
        PadcomAdmin(client, settings=AdminSettings.from_env()).run()


if __name__ == "__main__":
    main()
