"""HTTP layer: sign in, sign out, change password, and who am I.

A person with two-factor sign-in on must send ``totp`` (a code from their app,
or a recovery code) with the password; without it the answer is 401
``totp_required`` and no token, so a stolen password alone signs in nobody. A
wrong code counts against the same throttle as a wrong password. Someone whose
role requires a second factor and who has none yet gets an enrolment-only token
(``"scope": "enrol"``).

Every attempt is counted by the throttle (per account, address and both)
before any password work is done; an unknown email costs the same argon2 work
as a wrong password and gets the same answer, so neither message nor timing
tells which it was. argon2 runs on the app's own bounded pool (``Passwords``).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import Annotated, Any, TypeVar

from anyio import CapacityLimiter, to_thread
from fastapi import APIRouter, Request, Response
from pydantic import StringConstraints

from server.helpdesk import accounts, second_factor
from server.helpdesk import password_policy as policy
from server.helpdesk.audit import Actor, record
from server.helpdesk.login_throttle import Keys, LoginThrottle, Refused, keys_for
from server.helpdesk.passwords import Passwords
from server.helpdesk.tokens import revoke
from server.http.client_address import scope_address
from server.http.deps import AppSettings, CurrentUser, write
from server.http.errors import Forbidden, TooManyRequests, Unauthorized
from server.http.in_flight import InFlight
from server.http.routes.site_settings import required_roles
from server.http.schemas import LoginIn, LoginOut, MeOut, Strict
from server.reads import people
from server.reads.serialize import single_user_json
from server.storage.models import User
from server.storage.write_path import plain
from server.vocabulary import AuditAction, TokenScope

router = APIRouter(tags=["auth"])
T = TypeVar("T")


class PasswordChangeIn(Strict):
    current_password: Annotated[str, StringConstraints(min_length=1, max_length=1024)]
    new_password: Annotated[str, StringConstraints(min_length=1, max_length=1024)]


SETTLE_WAIT_SECONDS = 10
"""How long a refused attempt waits at most for a running check of its keys to finish."""
MAX_WAITS = 64


async def off_loop(request: Request, work: Callable[..., T], *args: Any) -> T:
    """Run a sign-in's database step on a thread, counted against the sign-ins' own few
    (``Settings.sign_in_threads``), never against the pool every other request needs."""
    limiter: CapacityLimiter = request.app.state.sign_in_threads
    return await to_thread.run_sync(work, *args, limiter=limiter)


def _too_many(retry_after: int) -> TooManyRequests:
    return TooManyRequests(
        f"too many failed sign-ins; try again in {retry_after} s",
        retry_after=retry_after,
    )


@asynccontextmanager
async def attempt(
    request: Request, settings: AppSettings, email: str
) -> AsyncIterator[tuple[LoginThrottle, Keys]]:
    """Count this attempt before the block checks the password; 429 with Retry-After when it
    must wait. The block calls ``throttle.succeeded(keys)`` when the password was right.

    Refused only because a check of the same keys is still running in this
    process, it waits for that one to finish and asks again (``InFlight``).
    """
    throttle = LoginThrottle(settings.login_throttle)
    keys = keys_for(email, scope_address(request.scope, request.app.state.trusted_proxies))
    in_flight: InFlight = request.app.state.sign_ins_in_flight
    refused: Refused | None = None
    for _ in range(MAX_WAITS):
        try:
            await off_loop(request, throttle.reserve, keys)
        except Refused as again:
            refused = again
            if not in_flight.busy(keys.all):
                break
            await in_flight.settled(SETTLE_WAIT_SECONDS)
        else:
            refused = None
            break
    if refused is not None:
        raise _too_many(refused.retry_after)
    with in_flight.running(keys.all):
        yield throttle, keys


class SecondFactorRequired(Unauthorized):
    """The password was right; the code from the authenticator app is missing."""

    code = "totp_required"


def _signed_in(
    request: Request, user: User, new_hash: str | None, token_name: str, scope: TokenScope
) -> Any:
    """Record the sign-in (and a rehash) and issue a token, in one write."""
    ttl = timedelta(hours=request.app.state.settings.token_ttl_hours)

    def change() -> dict[str, Any]:
        secret, token = accounts.record_sign_in(user, new_hash, ttl, token_name, scope)
        return {
            "token": secret,
            "expires_at": token.expires_at,
            "user": single_user_json(user),
            "scope": scope.value,
        }

    return write(request, plain(change))


def _spend_code(request: Request, user_id: int, code: str) -> bool:
    return write(request, plain(lambda: second_factor.accept(user_id, code)))


async def second_step(request: Request, user: User, code: str | None) -> TokenScope:
    """The second factor of a sign-in whose password was right: the token's scope.

    Raises SecondFactorRequired (no code given) or Unauthorized (a wrong or used code).
    """
    factor = await off_loop(request, second_factor.factor_of, user.id)
    if factor is None:
        required = user.role in await off_loop(request, required_roles, request)
        return TokenScope.ENROL if required else TokenScope.FULL
    if not code:
        raise SecondFactorRequired("enter the code from your authenticator app (totp)")
    if not await off_loop(request, _spend_code, request, user.id, code):
        raise Unauthorized("wrong email, password or code")
    return TokenScope.FULL


@router.post("/auth/login", response_model=LoginOut)
async def login(data: LoginIn, request: Request, settings: AppSettings) -> dict[str, Any]:
    """Exchange email and password for a bearer token (429 after repeated failures).

    Async, so a sign-in waiting for an argon2 slot holds no thread of the pool
    that serves every other request; the database steps run on it briefly.
    """
    passwords: Passwords = request.app.state.passwords
    with passwords.admission():
        async with attempt(request, settings, data.email) as (throttle, keys):
            user = await off_loop(request, accounts.by_email, data.email)
            stored = accounts.usable_hash(user)
            if not await passwords.verify_async(stored, data.password) or user is None:
                raise Unauthorized("wrong email or password")
            scope = await second_step(request, user, data.totp)
            await off_loop(request, throttle.succeeded, keys)
        rehash = passwords.needs_rehash(user.password_hash)
        new_hash = await passwords.hash_async(data.password) if rehash else None
    result: dict[str, Any] = await off_loop(
        request, _signed_in, request, user, new_hash, data.token_name, scope
    )
    return result


def _set_password(request: Request, user: User, new_hash: str, keep_token: int) -> None:
    def change() -> None:
        accounts.set_password(user, new_hash, keep_token)
        record(Actor.of(user), AuditAction.PASSWORD_CHANGED, "user", user.id, user.email)

    write(request, plain(change))


@router.post("/auth/logout", status_code=204)
def logout(request: Request, user: CurrentUser) -> Response:
    """Revoke the token this request was made with."""
    token_id: int = request.state.token_id
    write(request, plain(lambda: revoke(token_id)))
    return Response(status_code=204)


@router.post("/me/password", status_code=204)
async def change_password(
    data: PasswordChangeIn, request: Request, user: CurrentUser, settings: AppSettings
) -> Response:
    """Set a new password; every other token of the user is revoked (this one stays).

    The current password is required and throttled like a sign-in, so a stolen
    token alone can neither take the account over nor guess the password.
    """
    passwords: Passwords = request.app.state.passwords
    with passwords.admission():
        async with attempt(request, settings, user.email) as (throttle, keys):
            if not await passwords.verify_async(user.password_hash, data.current_password):
                raise Forbidden("the current password is wrong")
            await off_loop(request, throttle.succeeded, keys)
        await off_loop(request, policy.check, data.new_password, user.email, user.name)
        new_hash = await passwords.hash_async(data.new_password)
    await off_loop(request, _set_password, request, user, new_hash, request.state.token_id)
    return Response(status_code=204)


@router.get("/me", response_model=MeOut)
def me(user: CurrentUser) -> dict[str, Any]:
    """The signed-in user, their organization and what it rents."""
    return people.me(user)
