"""The signed-in client a command uses, built once per run from config and environment.

Commands call ``client(ctx)``; the connection closes when the command ends.
Building it imports httpx, so nothing here runs for ``--help``. Typer is only
a type here: ``signed_in`` serves the fast path, which runs without Typer.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from padcom_cli.client.config import ClientConfig, load_config
from padcom_cli.client.errors import NotAuthorized
from padcom_cli.client.plaintext import guard

if TYPE_CHECKING:
    import typer

    from padcom_cli.client.api import PadcomClient


def anonymous(ctx: typer.Context, url: str) -> PadcomClient:
    """A client without a token (for signing in), closed when the command ends."""
    from padcom_cli.client.api import PadcomClient

    return ctx.with_resource(PadcomClient(url, one_shot=True))


def credentials() -> ClientConfig:
    """The configured server and token, once it is safe to send the token there.

    Raises NotAuthorized without a token, InsecureTransport when it would go
    over plain http to another host without the user's say-so (``plaintext``).
    """
    config = load_config()
    if not config.token:
        raise NotAuthorized("not signed in: run `padcom login` (or set PADCOM_TOKEN)")
    guard(config.url, accepted=config.insecure_accepted)
    return config


def signed_in() -> PadcomClient:
    """A client for the configured server and token (see ``credentials`` for what it raises)."""
    from padcom_cli.client.api import PadcomClient

    config = credentials()
    return PadcomClient(config.url, config.token, one_shot=True)


def client(ctx: typer.Context) -> PadcomClient:
    """The signed-in client, closed when the command ends; raises NotAuthorized without a token."""
    return ctx.with_resource(signed_in())
