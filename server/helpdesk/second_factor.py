"""Rules layer: two-factor sign-in with time-based one-time codes (TOTP, RFC 6238) via pyotp.

A person enrols (a new secret, shown once as text and as an ``otpauth://`` URI for
a QR code), confirms with a code from their app, and gets ten recovery codes.
From then on a sign-in needs the password *and* a code (or one recovery code).

- **Replay.** Each accepted code moves ``last_step`` to its 30-second step with one
  ``UPDATE ... WHERE last_step < step``: the same code (or an older one) is refused
  even when two requests race with it.
- **Clock drift.** The step before and after now are accepted too (RFC 6238 §5.2).
- **Recovery codes** are 60 random bits each, stored as SHA-256 (salted with the
  user id): random codes need no slow hash, unlike chosen passwords, and a used
  one is struck with one ``UPDATE ... WHERE used_at IS NULL``.
- **Required** for the roles in ``Settings.totp_required`` (admins by default): a
  password sign-in of such a person without a second factor gets an
  enrolment-only token (``TokenScope.ENROL``) that can do nothing but enrol.

Every function runs in the caller's write transaction unless it says otherwise.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time

import pyotp

from server.helpdesk.audit import Actor, record
from server.helpdesk.errors import Conflict, Invalid, NotFound
from server.helpdesk.tokens import widen
from server.storage.db import db
from server.storage.fields import utcnow
from server.storage.identity_models import RecoveryCode, SecondFactor
from server.storage.models import User
from server.vocabulary import AuditAction

STEP_SECONDS = 30
DRIFT_STEPS = 1
RECOVERY_CODES = 10
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: read off paper


def _now_step() -> int:
    return int(time.time()) // STEP_SECONDS


def recovery_digest(user_id: int, code: str) -> str:
    """The stored digest of a recovery code, as typed (dashes, spaces and case ignored)."""
    typed = "".join(ch for ch in code.lower() if ch.isalnum())
    return hashlib.sha256(f"{user_id}:{typed}".encode()).hexdigest()


def _new_recovery_code() -> str:
    raw = "".join(secrets.choice(_ALPHABET) for _ in range(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def factor_of(user_id: int) -> SecondFactor | None:
    """The person's confirmed second factor, or None (on a connection of its own)."""
    with db.connection_context():
        return SecondFactor.get_or_none(
            SecondFactor.user == user_id, SecondFactor.confirmed_at.is_null(False)
        )


def enrol(user: User, issuer: str) -> tuple[str, str]:
    """A new, unconfirmed secret: (the base32 secret, its ``otpauth://`` URI).

    Starting again replaces an unconfirmed secret. Raises Conflict when a
    confirmed one exists (disable it first).
    """
    found = SecondFactor.get_or_none(SecondFactor.user == user.id)
    if found is not None and found.confirmed_at is not None:
        raise Conflict("two-factor sign-in is already on; disable it first")
    secret = pyotp.random_base32()
    if found is None:
        SecondFactor.create(user=user.id, secret=secret)
    else:
        SecondFactor.update(secret=secret, last_step=0, created_at=utcnow()).where(
            SecondFactor.user == user.id
        ).execute()
    uri = pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=issuer)
    return secret, uri


def _matching_step(secret: str, code: str) -> int | None:
    """The step (now ± drift) whose code ``code`` is, or None."""
    typed = code.strip().replace(" ", "")
    if not (typed.isdigit() and len(typed) == 6):
        return None
    totp = pyotp.TOTP(secret)
    now = _now_step()
    for step in range(now - DRIFT_STEPS, now + DRIFT_STEPS + 1):
        if hmac.compare_digest(totp.generate_otp(step), typed):
            return step
    return None


def _spend_code(factor: SecondFactor, code: str) -> bool:
    """Accept a TOTP code once: moves ``last_step`` forward; False for a wrong or used one."""
    step = _matching_step(factor.secret, code)
    if step is None:
        return False
    moved = (
        SecondFactor.update(last_step=step)
        .where(SecondFactor.user == factor.user_id, SecondFactor.last_step < step)
        .execute()
    )
    return bool(moved)


def _spend_recovery(user_id: int, code: str) -> bool:
    struck = (
        RecoveryCode.update(used_at=utcnow())
        .where(
            RecoveryCode.user == user_id,
            RecoveryCode.code_hash == recovery_digest(user_id, code),
            RecoveryCode.used_at.is_null(),
        )
        .execute()
    )
    return bool(struck)


def accept(user_id: int, code: str) -> bool:
    """Whether ``code`` (a TOTP code or an unused recovery code) proves the second factor now.

    Spends it: the same code is refused the next time.
    """
    factor = SecondFactor.get_or_none(
        SecondFactor.user == user_id, SecondFactor.confirmed_at.is_null(False)
    )
    if factor is None:
        return False
    return _spend_code(factor, code) or _spend_recovery(user_id, code)


def confirm(user: User, code: str, token_id: int | None) -> list[str]:
    """Finish enrolment with a code from the app; returns the ten recovery codes (shown once).

    The token that asked, if enrolment-only, becomes a full one. Raises Conflict
    (nothing to confirm, or already confirmed), Invalid (wrong code).
    """
    factor = SecondFactor.get_or_none(SecondFactor.user == user.id)
    if factor is None:
        raise Conflict("start enrolment first (POST /api/v1/me/totp)")
    if factor.confirmed_at is not None:
        raise Conflict("two-factor sign-in is already on")
    if not _spend_code(factor, code):
        raise Invalid("the code is wrong or was used already")
    SecondFactor.update(confirmed_at=utcnow()).where(SecondFactor.user == user.id).execute()
    codes = _replace_recovery_codes(user.id)
    if token_id is not None:
        widen(token_id)
    record(Actor.of(user), AuditAction.TOTP_ENABLED, "user", user.id, user.email)
    return codes


def _replace_recovery_codes(user_id: int) -> list[str]:
    RecoveryCode.delete().where(RecoveryCode.user == user_id).execute()
    codes = [_new_recovery_code() for _ in range(RECOVERY_CODES)]
    RecoveryCode.insert_many(
        [{"user": user_id, "code_hash": recovery_digest(user_id, c)} for c in codes]
    ).execute()
    return codes


def remove(user_id: int) -> bool:
    """Forget the person's second factor and recovery codes; whether there was one."""
    RecoveryCode.delete().where(RecoveryCode.user == user_id).execute()
    return bool(SecondFactor.delete().where(SecondFactor.user == user_id).execute())


def disable(user: User, code: str, required: bool) -> None:
    """Turn two-factor sign-in off (after the password was checked). Raises NotFound (not on),
    Invalid (wrong code), Conflict (the role requires it)."""
    if factor_of_here(user.id) is None:
        raise NotFound("two-factor sign-in is not on")
    if required:
        raise Conflict("two-factor sign-in is required for your role; it cannot be turned off")
    if not accept(user.id, code):
        raise Invalid("the code is wrong or was used already")
    remove(user.id)
    record(Actor.of(user), AuditAction.TOTP_DISABLED, "user", user.id, user.email)


def factor_of_here(user_id: int) -> SecondFactor | None:
    """``factor_of`` in the caller's transaction."""
    return SecondFactor.get_or_none(
        SecondFactor.user == user_id, SecondFactor.confirmed_at.is_null(False)
    )


def status(user: User, required: bool) -> dict[str, object]:
    """Whether two-factor sign-in is on, required, and how many recovery codes are left."""
    with db.connection_context():
        factor = factor_of_here(user.id)
        left = (
            RecoveryCode.select()
            .where(RecoveryCode.user == user.id, RecoveryCode.used_at.is_null())
            .count()
        )
    return {
        "enabled": factor is not None,
        "required": required,
        "confirmed_at": factor.confirmed_at if factor else None,
        "recovery_codes_left": left if factor else 0,
    }
