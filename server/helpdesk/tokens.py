"""Rules layer: API tokens: 256-bit random secrets handed out once, stored only as SHA-256.

A stolen database therefore holds no usable token; a token expires and can be
revoked, and every request looks it up afresh, so revocation takes effect at once.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from server.helpdesk.errors import NotFound
from server.storage.db import db
from server.storage.fields import from_ms, to_ms, utcnow
from server.storage.group_commit import soon
from server.storage.models import Token, User
from server.storage.notify import announce_access_change
from server.vocabulary import Role, TokenScope

SECRET_PREFIX = "pdc_"  # noqa: S105 - a public marker, not a secret
LAST_USED_GRANULARITY = timedelta(minutes=1)


def hash_secret(secret: str) -> str:
    """The SHA-256 hex digest under which a token is stored."""
    return hashlib.sha256(secret.encode()).hexdigest()


def issue(
    user: User, ttl: timedelta, name: str = "", scope: TokenScope = TokenScope.FULL
) -> tuple[str, Token]:
    """A new token for ``user``: the secret (shown once) and its stored row."""
    secret = SECRET_PREFIX + secrets.token_urlsafe(32)
    row = Token.create(
        user=user,
        token_hash=hash_secret(secret),
        name=name[:100],
        expires_at=utcnow() + ttl,
        scope=scope.value,
    )
    return secret, row


_AUTHENTICATE = """
SELECT t.id, t.name, t.created_at, t.expires_at, t.last_used_at,
       u.id, u.email, u.name, u.role, u.organization_id, u.password_hash,
       u.last_login_at, u.created_at, t.scope
FROM token t JOIN "user" u ON u.id = t.user_id
WHERE t.token_hash = {p} AND t.revoked_at IS NULL AND t.expires_at > {p} AND u.active = {p}
"""


def _time(ms: int | None) -> datetime | None:
    return None if ms is None else from_ms(ms)


def authenticate(secret: str) -> tuple[User, Token] | None:
    """The active user and live token behind ``secret``, or None.

    Runs on every request, so the query is a prebuilt string (peewee would spend
    more time building it than the database spends answering it).
    """
    now = utcnow()
    sql = _AUTHENTICATE.format(p=db.obj.param)
    row = db.execute_sql(sql, (hash_secret(secret), to_ms(now), True)).fetchone()
    if row is None:
        return None
    user = User(
        id=row[5],
        email=row[6],
        name=row[7],
        role=row[8],
        organization=row[9],
        password_hash=row[10],
        active=True,
        last_login_at=_time(row[11]),
        created_at=_time(row[12]),
    )
    token = Token(
        id=row[0],
        user=user,
        name=row[1],
        created_at=_time(row[2]),
        expires_at=_time(row[3]),
        last_used_at=_time(row[4]),
        scope=row[13],
    )
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_GRANULARITY:
        # a write: queued with the others (left to SQLite's busy handler, it starved),
        # and not waited for: the request needs only the lookup
        soon(Token.update(last_used_at=now).where(Token.id == token.id).execute)
    return user, token


_HOLDERS = """
SELECT t.id, u.role, u.organization_id
FROM token t JOIN "user" u ON u.id = t.user_id
WHERE t.id IN ({marks}) AND t.revoked_at IS NULL AND t.expires_at > {p} AND u.active = {p}
"""


def holders(token_ids: list[int]) -> dict[int, tuple[str, int | None]]:
    """The (role, organization) behind each of ``token_ids`` now; a dead token is missing.

    The live hub asks this for all its streams at once, each time it hands out events.
    """
    if not token_ids:
        return {}
    p = db.obj.param
    sql = _HOLDERS.format(marks=", ".join([p] * len(token_ids)), p=p)
    rows = db.execute_sql(sql, (*token_ids, to_ms(utcnow()), True)).fetchall()
    return {int(row[0]): (str(row[1]), row[2]) for row in rows}


def revoke(token_id: int) -> None:
    """Revoke one token now (its open event streams end at once, in every process).

    Runs in the write transaction, like ``revoke_all``.
    """
    Token.update(revoked_at=utcnow()).where(
        Token.id == token_id, Token.revoked_at.is_null()
    ).execute()
    announce_access_change()


def revoke_all(user_id: int, keep: int | None = None, at: datetime | None = None) -> int:
    """Revoke every live token of a user (but ``keep``); returns how many."""
    query = Token.update(revoked_at=at or utcnow()).where(
        Token.user == user_id, Token.revoked_at.is_null()
    )
    if keep is not None:
        query = query.where(Token.id != keep)
    announce_access_change()
    return int(query.execute())


def signed_in(secret: str) -> tuple[User, Token] | None:
    """``authenticate`` on a connection of its own (a request's first database step)."""
    with db.connection_context():
        return authenticate(secret)


def may_revoke(staff: User, token: Token | None) -> bool:
    """Staff revoke their own tokens; admins anyone's. Anything else looks like no token."""
    return token is not None and (token.user_id == staff.id or staff.role == Role.ADMIN)


def revocable_by(staff: User, token_id: int) -> Token:
    """The token ``staff`` may revoke (in the write transaction). Raises NotFound."""
    token = Token.get_or_none(Token.id == token_id)
    if token is None or not may_revoke(staff, token):
        raise NotFound(f"token {token_id} not found")
    return token


def tokens_of(staff: User, user_id: int | None) -> list[Token]:
    """Token rows (newest first) of staff themselves, or of ``user_id`` when an admin asks."""
    owner = user_id if user_id is not None and staff.role == Role.ADMIN else staff.id
    with db.connection_context():
        return list(Token.select().where(Token.user == owner).order_by(Token.id.desc()).limit(200))


def live_tokens_of(user: User) -> list[Token]:
    """A person's own sessions that still work (newest first): ``padcom sessions``."""
    now = utcnow()
    with db.connection_context():
        query = Token.select().where(
            Token.user == user.id, Token.revoked_at.is_null(), Token.expires_at > now
        )
        return list(query.order_by(Token.id.desc()).limit(200))


def revoke_own(user: User, token_id: int) -> Token:
    """Revoke one of ``user``'s own tokens (in the write transaction); returns it as it was.

    Raises NotFound for a token that is not theirs (another person's looks like none).
    """
    token = Token.get_or_none(Token.id == token_id, Token.user == user.id)
    if token is None:
        raise NotFound(f"token {token_id} not found")
    revoke(token.id)
    return token


def all_tokens(user_id: int | None, live_only: bool, limit: int) -> list[Token]:
    """Tokens of everyone (or one person), newest first, for an operator or an admin."""
    query = Token.select().order_by(Token.id.desc()).limit(limit)
    if user_id is not None:
        query = query.where(Token.user == user_id)
    if live_only:
        query = query.where(Token.revoked_at.is_null(), Token.expires_at > utcnow())
    return list(query)


def widen(token_id: int) -> None:
    """An enrolment-only token becomes a full one: its holder just proved the second factor."""
    Token.update(scope=TokenScope.FULL.value).where(Token.id == token_id).execute()
