"""The API calls about one's own account: two-factor sign-in, password, reset, sessions.

Plain functions over ``PadcomClient.call``, so ``api.py`` stays the size of its
own job; the CLI and the admin app both use them. Each raises what ``call`` raises.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from padcom_cli.client.jsontypes import Json

if TYPE_CHECKING:
    from padcom_cli.client.api import PadcomClient

TOTP_REQUIRED = "totp_required"
"""The error code of a sign-in whose password was right and whose code is missing."""
ENROL_SCOPE = "enrol"
"""A token's scope when the role requires two-factor sign-in and none is set up yet."""


def totp_status(client: PadcomClient) -> Json:
    """``{"enabled", "required", "confirmed_at", "recovery_codes_left"}``."""
    found: Json = client.call("GET", "/me/totp")
    return found


def totp_enrol(client: PadcomClient) -> Json:
    """A new secret: ``{"secret", "otpauth_uri"}``."""
    found: Json = client.call("POST", "/me/totp")
    return found


def totp_confirm(client: PadcomClient, code: str) -> list[str]:
    """Finish enrolment; the ten recovery codes."""
    found: list[str] = client.call("POST", "/me/totp/confirm", json={"code": code})[
        "recovery_codes"
    ]
    return found


def totp_disable(client: PadcomClient, password: str, code: str) -> None:
    client.call("POST", "/me/totp/disable", json={"password": password, "code": code})


def change_password(client: PadcomClient, current: str, new: str) -> None:
    client.call("POST", "/me/password", json={"current_password": current, "new_password": new})


def request_reset(client: PadcomClient, email: str) -> str:
    """Ask for a reset code by mail; the server's (always the same) words."""
    message: str = client.call("POST", "/auth/reset", json={"email": email})["message"]
    return message


def confirm_reset(client: PadcomClient, email: str, code: str, new_password: str) -> None:
    body = {"email": email, "code": code, "new_password": new_password}
    client.call("POST", "/auth/reset/confirm", json=body)


def sessions(client: PadcomClient) -> list[Json]:
    found: list[Json] = client.call("GET", "/me/tokens")
    return found


def end_session(client: PadcomClient, token_id: int) -> None:
    client.call("DELETE", f"/me/tokens/{token_id}")
