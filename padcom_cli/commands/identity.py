"""One's own account: two-factor sign-in, the password (changed, or reset by mail), sessions.

``padcom totp enrol`` draws the QR code in the terminal (segno, text mode) beside
the secret as text, for apps that cannot scan; the recovery codes are shown
once. Passwords are always asked for without echo, or read from stdin.
"""

from __future__ import annotations

import sys
from typing import Annotated, Any

import typer

from padcom_cli import text_input
from padcom_cli.client import identity
from padcom_cli.client.config import load_config
from padcom_cli.options import AsJson
from padcom_cli.output import emit, note, usage_error
from padcom_cli.session import anonymous, client

totp = typer.Typer(help="Two-factor sign-in with an authenticator app.", no_args_is_help=True)

PasswordStdin = Annotated[
    bool, typer.Option("--password-stdin", help="Read the password(s) from standard input.")
]


def _secret(label: str, from_stdin: bool, twice: bool = False) -> str:
    """A password: a line of stdin, or asked without echo (twice for a new one)."""
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    if not text_input.interactive():
        usage_error(f"missing the {label.lower()}: use --password-stdin (no terminal to ask on)")
    value: str = typer.prompt(label, hide_input=True, confirmation_prompt=twice, err=True)
    return value


def _code(code: str | None, label: str = "Code from your authenticator app") -> str:
    if code:
        return code.strip()
    if not text_input.interactive():
        usage_error("missing the code: use --code (no terminal to ask on)")
    return str(typer.prompt(label, err=True)).strip()


def qr_text(uri: str) -> str:
    """The otpauth URI as a QR code of text (two rows of modules per line), for a terminal."""
    import io

    import segno

    out = io.StringIO()
    segno.make(uri, error="m").terminal(out=out, compact=True)
    return out.getvalue()


@totp.command("status")
def totp_status(ctx: typer.Context, as_json: AsJson = False) -> None:
    """Show whether two-factor sign-in is on and how many recovery codes are left."""
    found = identity.totp_status(client(ctx))

    def draw() -> str:
        state = "on" if found["enabled"] else "off"
        required = " (required for your role)" if found["required"] else ""
        left = f", {found['recovery_codes_left']} recovery codes left" if found["enabled"] else ""
        return f"Two-factor sign-in is {state}{required}{left}."

    emit(found, as_json, draw)


@totp.command("enrol")
def totp_enrol(
    ctx: typer.Context,
    code: Annotated[str | None, typer.Option(help="The first code, to confirm at once.")] = None,
    as_json: AsJson = False,
) -> None:
    """Turn on two-factor sign-in: scan the QR code, then type the app's code.

    With --json (or without a terminal and --code) it only starts: it prints the
    secret and the otpauth URI; finish with `padcom totp confirm CODE`.
    """
    api = client(ctx)
    started = identity.totp_enrol(api)
    if as_json and not code:
        emit(started, True, lambda: "")
        return
    if not as_json:
        sys.stdout.write(qr_text(started["otpauth_uri"]))
        note(f"Or type this secret into the app: {started['secret']}")
    if not code and not text_input.interactive():
        note("Finish with `padcom totp confirm CODE`.")
        return
    _confirmed(identity.totp_confirm(api, _code(code)), as_json)


@totp.command("confirm")
def totp_confirm(
    ctx: typer.Context,
    code: Annotated[str, typer.Argument(help="A code from the authenticator app.")],
    as_json: AsJson = False,
) -> None:
    """Finish turning on two-factor sign-in with a code from the app."""
    _confirmed(identity.totp_confirm(client(ctx), code.strip()), as_json)


def _confirmed(codes: list[str], as_json: bool) -> None:
    def draw() -> str:
        lines = ["Two-factor sign-in is on. Recovery codes (each works once; keep them safe):"]
        return "\n".join([*lines, *(f"  {c}" for c in codes)])

    emit({"enabled": True, "recovery_codes": codes}, as_json, draw)


@totp.command("disable")
def totp_disable(
    ctx: typer.Context,
    code: Annotated[
        str | None, typer.Option(help="A code from the app or a recovery code.")
    ] = None,
    password_stdin: PasswordStdin = False,
    as_json: AsJson = False,
) -> None:
    """Turn off two-factor sign-in (asks for your password and a code)."""
    api = client(ctx)
    password = _secret("Password", password_stdin)
    identity.totp_disable(api, password, _code(code, "Code from your app (or a recovery code)"))
    emit({"enabled": False}, as_json, lambda: "Two-factor sign-in is off.")


def password(
    ctx: typer.Context,
    forgot: Annotated[
        bool, typer.Option("--forgot", help="Mail me a code to reset a forgotten password.")
    ] = False,
    reset: Annotated[
        bool, typer.Option("--reset", help="Set a new password with the mailed code.")
    ] = False,
    email: Annotated[str | None, typer.Option(help="The account (with --forgot, --reset).")] = None,
    code: Annotated[str | None, typer.Option(help="The mailed code (with --reset).")] = None,
    url: Annotated[
        str | None, typer.Option(help="The Padcom server (with --forgot, --reset).")
    ] = None,
    password_stdin: PasswordStdin = False,
    as_json: AsJson = False,
) -> None:
    """Change your password, or reset a forgotten one by mail.

    Without options: asks for the current and the new password; your other
    sessions are signed out. `--forgot --email E` mails a code; `--reset --email
    E --code C` sets the new password with it (an invitation's code works the
    same way) and signs every session out. With --password-stdin the current
    password is the first line and the new one the second.
    """
    if forgot or reset:
        _by_mail(ctx, forgot, email, code, url, password_stdin, as_json)
        return
    api = client(ctx)
    current = _secret("Current password", password_stdin)
    new = _secret("New password", password_stdin, twice=True)
    identity.change_password(api, current, new)
    emit(
        {"changed": True},
        as_json,
        lambda: "Password changed; your other sessions are signed out.",
    )


def _by_mail(
    ctx: typer.Context,
    forgot: bool,
    email: str | None,
    code: str | None,
    url: str | None,
    password_stdin: bool,
    as_json: bool,
) -> None:
    config = load_config()
    email = email or config.email
    if not email:
        usage_error("which account? add --email")
    api = anonymous(ctx, (url or config.url).rstrip("/"))
    if forgot:
        message = identity.request_reset(api, email)
        emit({"requested": True, "message": message}, as_json, lambda: message)
        return
    typed = _code(code, "Code from the mail")
    new = _secret("New password", password_stdin, twice=True)
    identity.confirm_reset(api, email, typed, new)
    emit(
        {"reset": True, "email": email},
        as_json,
        lambda: f"Password set for {email}; sign in with `padcom login {email}`.",
    )


def sessions(
    ctx: typer.Context,
    revoke: Annotated[int | None, typer.Option(help="End the session with this ID.", min=1)] = None,
    as_json: AsJson = False,
) -> None:
    """List where you are signed in, or end one session (--revoke ID)."""
    api = client(ctx)
    if revoke is not None:
        identity.end_session(api, revoke)
        emit({"revoked": revoke}, as_json, lambda: f"Session {revoke} ended.")
        return
    found = identity.sessions(api)
    emit(found, as_json, lambda: _sessions_table(found))


def _sessions_table(found: list[dict[str, Any]]) -> Any:
    from rich.table import Table
    from rich.text import Text

    from padcom_cli.client.sanitize import clean

    table = Table(box=None, pad_edge=False)
    for column in ("ID", "NAME", "CREATED", "LAST USED", "EXPIRES", ""):
        table.add_column(column)
    for s in found:
        table.add_row(
            str(s["id"]),
            Text(clean(s["name"] or "-")),
            str(s["created_at"])[:16],
            str(s["last_used_at"] or "-")[:16],
            str(s["expires_at"])[:10],
            "this one" if s["current"] else "",
        )
    return table
