"""Signing in and out, and who am I."""

from __future__ import annotations

import contextlib
import os
import socket
import sys
from typing import TYPE_CHECKING, Annotated, Any

import typer

from padcom_cli import text_input
from padcom_cli.client.config import ClientConfig, forget_token, load_config, save_config
from padcom_cli.client.errors import NotAuthorized
from padcom_cli.client.identity import ENROL_SCOPE, TOTP_REQUIRED
from padcom_cli.client.jsontypes import Json
from padcom_cli.client.plaintext import guard, in_clear
from padcom_cli.client.sanitize import clean
from padcom_cli.options import AsJson
from padcom_cli.output import emit, note, usage_error
from padcom_cli.session import anonymous, client

if TYPE_CHECKING:
    from rich.console import RenderableType

    from padcom_cli.client.api import PadcomClient


def login(
    ctx: typer.Context,
    address: Annotated[
        str | None,
        typer.Argument(
            metavar="EMAIL", show_default=False, help="Your account's email address (or --email)."
        ),
    ] = None,
    url: Annotated[
        str | None, typer.Option(help="The Padcom server, e.g. https://help.example.com.")
    ] = None,
    email: Annotated[str | None, typer.Option(help="Your account's email address.")] = None,
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from standard input.")
    ] = False,
    totp: Annotated[
        str | None,
        typer.Option(
            help="A code from your authenticator app (or a recovery code); asked for when needed."
        ),
    ] = None,
    insecure: Annotated[
        bool,
        typer.Option(
            "--insecure",
            help="Send the password, and later the token, over plain http:// to a host "
            "other than this machine (remembered for this URL).",
        ),
    ] = False,
    as_json: AsJson = False,
) -> None:
    """Sign in and keep a token for later commands.

    Prompts for what is missing (the password is never echoed). The URL and
    token go to the config file, readable only by you. A plain http:// URL to
    another host is refused without --insecure: anyone on the way reads it.
    """
    current = load_config()
    if address and email and address != email:
        usage_error("give the email once: as the argument or as --email")
    email = email or address
    url = (url or current.url).rstrip("/")
    accepted = insecure or current.insecure_url == url
    guard(url, accepted=accepted, what="password")
    if email is None:
        if not text_input.interactive():
            usage_error(
                "missing the email: `padcom login EMAIL` or --email (no terminal to ask on)"
            )
        email = text_input.ask("Email", default=current.email)
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    elif text_input.interactive():
        password = typer.prompt("Password", hide_input=True, err=True)
    else:
        usage_error("missing password: use --password-stdin (no terminal to ask on)")
    if not password:
        usage_error("the password is empty")
    result = _sign_in(anonymous(ctx, url), email, password, totp)
    path = save_config(
        ClientConfig(
            url=url,
            token=result["token"],
            email=email,
            insecure_url=url if accepted and in_clear(url) else None,
        )
    )
    user = result["user"]
    emit(
        {"url": url, "user": user, "expires_at": result["expires_at"]},
        as_json,
        lambda: _account(user, url),
    )
    if not as_json:
        note(f"Token saved in {path}")
    if result.get("scope") == ENROL_SCOPE:
        note(
            "Your role requires two-factor sign-in: run `padcom totp enrol` now "
            "(until then this token can do nothing else)."
        )
    if os.environ.get("PADCOM_TOKEN"):
        note("Note: PADCOM_TOKEN is set and overrides the saved token until you unset it.")


def _sign_in(api: PadcomClient, email: str, password: str, totp: str | None) -> Json:
    """Sign in, asking for the second factor when the account has one and none was given."""
    name = f"padcom CLI on {socket.gethostname()}"
    try:
        return api.login(email, password, name, totp)
    except NotAuthorized as error:
        if error.code != TOTP_REQUIRED or totp:
            raise
    if not text_input.interactive():
        usage_error("this account needs a code from its authenticator app: add --totp CODE")
    code = typer.prompt("Code from your authenticator app (or a recovery code)", err=True)
    return api.login(email, password, name, code.strip())


def _account(me: dict[str, Any], url: str) -> RenderableType:
    from padcom_cli.render import account

    return account(me, url)


def logout(ctx: typer.Context, as_json: AsJson = False) -> None:
    """Revoke the token on the server and forget it.

    A token the server no longer accepts is forgotten all the same; when the
    server cannot be reached the token is kept (it would still work). A token
    from PADCOM_TOKEN is revoked, and the config file left alone.
    """
    config = load_config()
    signed_in = client(ctx)  # exit 4 when there is no token, as for every command
    with contextlib.suppress(NotAuthorized):  # already expired or revoked: nothing to revoke
        signed_in.logout()
    if os.environ.get("PADCOM_TOKEN"):
        note("The token in PADCOM_TOKEN is revoked; unset the variable.")
    else:
        forget_token()
    emit(
        {"url": config.url, "signed_out": True},
        as_json,
        lambda: f"Signed out of {clean(config.url)}.",
    )


def whoami(ctx: typer.Context, as_json: AsJson = False) -> None:
    """Show who you are signed in as, and where."""
    config = load_config()
    me = client(ctx).me()
    emit(me, as_json, lambda: _account(me, config.url))
