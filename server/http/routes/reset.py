"""HTTP layer: password reset by mail under ``/auth/reset``: request a code, confirm with it.

``POST /auth/reset`` answers 202 with the same words for every address *before*
it looks the address up: the lookup, the code and the mail happen after the
response has gone (a background task), so neither the answer nor its timing says
whether the address is known. Requests per address are limited (three per hour
by default) so nobody can flood a mailbox; past the limit nothing is sent and the
answer is still the same. Confirming is throttled like a sign-in.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, BackgroundTasks, Request, Response
from pydantic import BaseModel, StringConstraints

from server.helpdesk import mailed_codes
from server.helpdesk import password_policy as policy
from server.helpdesk.limits import Limit
from server.helpdesk.passwords import Passwords
from server.helpdesk.rate_limit import allowed
from server.http.deps import AppSettings, journal
from server.http.routes.auth import attempt, off_loop
from server.http.schemas import Strict
from server.storage import write_path
from server.storage.write_path import plain

router = APIRouter(tags=["auth"])

REQUESTS_PER_ADDRESS = Limit(3, 3600)
ANSWER = "If an account has this address, a mail with a code is on its way."

Email = Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=254)]


class ResetIn(Strict):
    email: Email


class ResetOut(BaseModel):
    message: str


class ResetConfirmIn(Strict):
    email: Email
    code: Annotated[str, StringConstraints(strip_whitespace=True, min_length=8, max_length=64)]
    new_password: Annotated[str, StringConstraints(min_length=1, max_length=1024)]


def _send_code(request: Request, email: str) -> None:
    """The lookup, the code and its mail: after the answer went out."""
    settings = request.app.state.settings
    sender = settings.mail.sender if settings.mail.enabled else None

    def change() -> None:
        key = f"reset:{mailed_codes.digest(email.lower())[:40]}"
        if allowed(key, REQUESTS_PER_ADDRESS):
            mailed_codes.request_reset(email, settings.reset_code_minutes, sender)

    write_path.write(plain(change), journal(request))
    worker = getattr(request.app.state, "outbox_worker", None)
    if worker is not None:
        worker.wake()


@router.post("/auth/reset", response_model=ResetOut, status_code=202)
def request_reset(data: ResetIn, request: Request, background: BackgroundTasks) -> dict[str, Any]:
    """Ask for a password-reset code by mail; the same answer for every address."""
    background.add_task(_send_code, request, data.email)
    return {"message": ANSWER}


@router.post("/auth/reset/confirm", status_code=204)
async def confirm_reset(data: ResetConfirmIn, request: Request, settings: AppSettings) -> Response:
    """Set a new password with the mailed code (a reset or an invitation).

    The code works once; every session of the person is signed out. 422 for a
    wrong, expired or used code (the same words for each) or a weak password.
    """
    passwords: Passwords = request.app.state.passwords
    with passwords.admission():
        async with attempt(request, settings, data.email) as (throttle, keys):
            await off_loop(request, mailed_codes.check, data.email, data.code)
            await off_loop(request, policy.check, data.new_password, data.email, "")
            new_hash = await passwords.hash_async(data.new_password)
            await off_loop(
                request,
                write_path.write,
                plain(lambda: mailed_codes.redeem(data.email, data.code, new_hash)),
                journal(request),
            )
            await off_loop(request, throttle.succeeded, keys)
    return Response(status_code=204)
