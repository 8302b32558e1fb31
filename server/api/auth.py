"""Sign in, sign out, change password, and who am I.

Sign-ins are throttled per email and per client address before any password
work is done; an unknown email costs the same argon2 work as a wrong password
and gets the same answer, so neither message nor timing tells which it was.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Request, Response
from pydantic import StringConstraints

from server.api.deps import AppSettings, CurrentUser
from server.db import db
from server.errors import Forbidden, TooManyRequests, Unauthorized
from server.fields import utcnow
from server.models import Service, User
from server.passwords import Passwords
from server.schemas import LoginIn, LoginOut, MeOut, Strict
from server.security import passwords as policy
from server.security.client import scope_address
from server.security.throttle import Keys, LoginThrottle, keys_for
from server.serialize import service_json, single_user_json
from server.tokens import issue, revoke, revoke_all

router = APIRouter(tags=["auth"])


class PasswordChangeIn(Strict):
    current_password: Annotated[str, StringConstraints(min_length=1, max_length=1024)]
    new_password: Annotated[str, StringConstraints(min_length=1, max_length=1024)]


def _throttle(request: Request, settings: AppSettings, email: str) -> tuple[LoginThrottle, Keys]:
    """The throttle and this attempt's keys; 429 with Retry-After when it must wait."""
    throttle = LoginThrottle(settings.login_throttle)
    keys = keys_for(email, scope_address(request.scope, request.app.state.trusted_proxies))
    wait = throttle.retry_after(keys)
    if wait > 0:
        raise TooManyRequests(
            f"too many failed sign-ins; try again in {wait} s",
            headers={"Retry-After": str(wait)},
        )
    return throttle, keys


@router.post("/auth/login", response_model=LoginOut)
def login(data: LoginIn, request: Request, settings: AppSettings) -> dict[str, Any]:
    """Exchange email and password for a bearer token (429 after repeated failures)."""
    throttle, keys = _throttle(request, settings, data.email)
    passwords: Passwords = request.app.state.passwords
    with db.connection_context():
        user = User.get_or_none(User.email == data.email.lower())
    stored = user.password_hash if user is not None and user.active else None
    if not passwords.verify(stored, data.password) or user is None or stored is None:
        throttle.failed(keys)
        raise Unauthorized("wrong email or password")
    throttle.succeeded(keys)
    new_hash = passwords.hash(data.password) if passwords.needs_rehash(user.password_hash) else None
    with db.connection_context(), db.atomic():
        values: dict[str, Any] = {"last_login_at": utcnow()}
        if new_hash:
            values["password_hash"] = new_hash
        User.update(**values).where(User.id == user.id).execute()
        secret, token = issue(user, timedelta(hours=settings.token_ttl_hours), data.token_name)
        user_out = single_user_json(user)
    return {"token": secret, "expires_at": token.expires_at, "user": user_out}


@router.post("/auth/logout", status_code=204)
def logout(request: Request, user: CurrentUser) -> Response:
    """Revoke the token this request was made with."""
    with db.connection_context():
        revoke(request.state.token_id)
    return Response(status_code=204)


@router.post("/me/password", status_code=204)
def change_password(
    data: PasswordChangeIn, request: Request, user: CurrentUser, settings: AppSettings
) -> Response:
    """Set a new password; every other token of the user is revoked (this one stays).

    The current password is required and throttled like a sign-in, so a stolen
    token alone can neither take the account over nor guess the password.
    """
    throttle, keys = _throttle(request, settings, user.email)
    passwords: Passwords = request.app.state.passwords
    if not passwords.verify(user.password_hash, data.current_password):
        throttle.failed(keys)
        raise Forbidden("the current password is wrong")
    throttle.succeeded(keys)
    policy.check(data.new_password, user.email)
    new_hash = passwords.hash(data.new_password)
    with db.connection_context(), db.atomic():
        User.update(password_hash=new_hash).where(User.id == user.id).execute()
        revoke_all(user.id, keep=request.state.token_id)
    return Response(status_code=204)


@router.get("/me", response_model=MeOut)
def me(user: CurrentUser) -> dict[str, Any]:
    """The signed-in user, their organization and what it rents."""
    with db.connection_context():
        data = single_user_json(user)
        services = (
            Service.select()
            .where(Service.organization == user.organization_id, Service.active == True)  # noqa: E712
            .order_by(Service.id)
            if user.organization_id
            else []
        )
        data["services"] = [service_json(s) for s in services]
    return data
