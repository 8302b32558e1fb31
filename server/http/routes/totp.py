"""HTTP layer: a person's own two-factor sign-in under ``/me/totp``: enrol, confirm, disable.

Codes typed here are throttled like passwords (the same counts per account and
address, ``routes/auth.attempt``): a stolen token cannot guess its way to turning
the second factor off. The rules are in server/helpdesk/second_factor.py.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, StringConstraints

from server.helpdesk import second_factor
from server.helpdesk.passwords import Passwords
from server.http.deps import AppSettings, CurrentUser, write
from server.http.errors import Forbidden
from server.http.routes.auth import attempt, off_loop
from server.http.routes.site_settings import required_roles
from server.http.schemas import Strict
from server.storage.write_path import plain

router = APIRouter(tags=["auth"])

Code = Annotated[str, StringConstraints(strip_whitespace=True, min_length=6, max_length=32)]


class TotpStatusOut(BaseModel):
    enabled: bool
    required: bool
    confirmed_at: datetime | None
    recovery_codes_left: int


class TotpEnrolOut(BaseModel):
    secret: str
    otpauth_uri: str


class TotpConfirmIn(Strict):
    code: Code


class TotpConfirmOut(BaseModel):
    recovery_codes: list[str]


class TotpDisableIn(Strict):
    password: Annotated[str, StringConstraints(min_length=1, max_length=1024)]
    code: Code


def _required(request: Request, role: str) -> bool:
    return role in required_roles(request)


@router.get("/me/totp", response_model=TotpStatusOut)
def totp_status(request: Request, user: CurrentUser) -> dict[str, object]:
    """Whether two-factor sign-in is on for me, whether my role requires it, codes left."""
    return second_factor.status(user, _required(request, user.role))


@router.post("/me/totp", response_model=TotpEnrolOut, status_code=201)
def totp_enrol(request: Request, user: CurrentUser) -> dict[str, str]:
    """Start enrolment: a new secret for the authenticator app (as text and as a URI for a QR).

    409 while two-factor sign-in is on; starting again replaces an unconfirmed secret.
    """
    issuer = request.app.state.settings.totp_issuer
    secret, uri = write(request, plain(lambda: second_factor.enrol(user, issuer)))
    return {"secret": secret, "otpauth_uri": uri}


@router.post("/me/totp/confirm", response_model=TotpConfirmOut)
async def totp_confirm(
    data: TotpConfirmIn, request: Request, user: CurrentUser, settings: AppSettings
) -> dict[str, list[str]]:
    """Finish enrolment with a code from the app; answers the ten recovery codes, once."""
    token_id: int = request.state.token_id
    async with attempt(request, settings, user.email) as (throttle, keys):
        codes = await off_loop(
            request,
            write,
            request,
            plain(lambda: second_factor.confirm(user, data.code, token_id)),
        )
        await off_loop(request, throttle.succeeded, keys)
    return {"recovery_codes": codes}


@router.post("/me/totp/disable", status_code=204)
async def totp_disable(
    data: TotpDisableIn, request: Request, user: CurrentUser, settings: AppSettings
) -> Response:
    """Turn two-factor sign-in off: the password and a current code (or a recovery code).

    409 when the role requires it; 403 for a wrong password, 422 for a wrong code.
    """
    passwords: Passwords = request.app.state.passwords
    required = await off_loop(request, _required, request, user.role)
    with passwords.admission():
        async with attempt(request, settings, user.email) as (throttle, keys):
            if not await passwords.verify_async(user.password_hash, data.password):
                raise Forbidden("the password is wrong")
            await off_loop(
                request,
                write,
                request,
                plain(lambda: second_factor.disable(user, data.code, required)),
            )
            await off_loop(request, throttle.succeeded, keys)
    return Response(status_code=204)
