"""Sign in, sign out, and who am I."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from fastapi import APIRouter, Request, Response

from server.api.deps import AppSettings, CurrentUser
from server.db import db
from server.errors import Unauthorized
from server.fields import utcnow
from server.models import Service, User
from server.passwords import Passwords
from server.schemas import LoginIn, LoginOut, MeOut
from server.serialize import service_json, single_user_json
from server.tokens import issue, revoke

router = APIRouter(tags=["auth"])


@router.post("/auth/login", response_model=LoginOut)
def login(data: LoginIn, request: Request, settings: AppSettings) -> dict[str, Any]:
    """Exchange email and password for a bearer token.

    An unknown email costs the same argon2 work as a wrong password and gets
    the same answer, so neither message nor timing tells which it was.
    """
    passwords: Passwords = request.app.state.passwords
    with db.connection_context():
        user = User.get_or_none(User.email == data.email.lower())
    known = user is not None and user.active
    if not passwords.verify(user.password_hash if known else None, data.password) or not known:
        raise Unauthorized("wrong email or password")
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
