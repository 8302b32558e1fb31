"""``padcom-admin``: open the staff app with the token of ``padcom login`` (or sign in).

The saved token goes over plain http only where ``padcom`` would send it
(``padcom_cli.client.plaintext``): to another host it exits 2 before anything is sent.
"""

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
    from padcom_cli.client.errors import InsecureTransport
    from padcom_cli.client.plaintext import check
    from padcom_tui.app import PadcomAdmin
    from padcom_tui.settings import AdminSettings

    config = load_config()
    if config.token:
        try:
            warning = check(config.url, accepted=config.insecure_accepted)
        except InsecureTransport as error:
            sys.stderr.write(f"padcom-admin: {error.message}\n")
            raise SystemExit(error.exit_code) from None
        if warning:  # left on the terminal, where it shows again when the app quits
            sys.stderr.write(f"padcom-admin: warning: {warning}\n")
    with PadcomClient(config.url, config.token) as client:
        PadcomAdmin(client, settings=AdminSettings.from_env()).run()


if __name__ == "__main__":
    main()
