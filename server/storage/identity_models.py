"""The tables of identity and administration: second factors, mailed codes, the audit trail.

Beside ``models.py`` (which would pass 400 lines with them). Secrets that people
type are stored only as digests: recovery codes and mailed codes are random
(60 and 80 bits), so a SHA-256 of them is as safe as argon2 would be and lets a
code be found by one indexed lookup. The TOTP shared secret cannot be hashed
(both sides compute codes from it); it is stored as the authenticator app holds
it, and alone signs nobody in: the password is needed too.
"""

from __future__ import annotations

from peewee import AutoField, BigIntegerField, CharField, ForeignKeyField, IntegerField

from server.storage.fields import JSONField, TimeField, utcnow
from server.storage.models import BaseModel, User


class SecondFactor(BaseModel):
    """A person's TOTP secret (RFC 6238); ``confirmed_at`` null while enrolment is unfinished.

    ``last_step`` is the 30-second step of the last code accepted: a code of that
    step or an earlier one is refused, so a code seen over a shoulder cannot be replayed.
    """

    user = ForeignKeyField(User, primary_key=True, on_delete="CASCADE")
    secret = CharField(max_length=64)
    confirmed_at = TimeField(null=True)
    last_step = BigIntegerField(default=0)
    created_at = TimeField(default=utcnow)

    user_id: int

    class Meta:
        table_name = "second_factor"


class RecoveryCode(BaseModel):
    """One of ten one-time codes that stand in for a lost authenticator; only a digest is kept."""

    id = AutoField()
    user = ForeignKeyField(User, on_delete="CASCADE", index=True)
    code_hash = CharField(max_length=64, unique=True)
    used_at = TimeField(null=True)

    user_id: int

    class Meta:
        table_name = "recovery_code"


class OneTimeCode(BaseModel):
    """A mailed code that sets a password: a reset or an invitation; short-lived, used once."""

    id = AutoField()
    user = ForeignKeyField(User, on_delete="CASCADE", index=True)
    purpose = CharField(max_length=16)  # server.vocabulary.CodePurpose
    code_hash = CharField(max_length=64, unique=True)
    expires_at = TimeField()
    used_at = TimeField(null=True)
    created_at = TimeField(default=utcnow)

    user_id: int

    class Meta:
        table_name = "one_time_code"


class AuditEntry(BaseModel):
    """One administration change: who (a person, or ``actor_label`` for the host's operator),
    what (``action`` on ``target_kind`` ``target_id``), when, and the values before and after."""

    id = AutoField()
    at = TimeField(default=utcnow, index=True)
    actor = ForeignKeyField(User, null=True, on_delete="SET NULL")
    actor_label = CharField(max_length=254)
    action = CharField(max_length=32)  # server.vocabulary.AuditAction
    target_kind = CharField(max_length=16)
    target_id = IntegerField(null=True)
    target_label = CharField(max_length=254, default="")
    before = JSONField(default=dict)
    after = JSONField(default=dict)

    actor_id: int | None

    class Meta:
        table_name = "audit"
        indexes = ((("target_kind", "target_id"), False),)


class SiteSetting(BaseModel):
    """A setting an admin changes at run time (``totp_required``), overriding its environment default."""

    key = CharField(max_length=64, primary_key=True)
    value = JSONField()
    updated_at = TimeField(default=utcnow)

    class Meta:
        table_name = "site_setting"


IDENTITY_MODELS: list[type[BaseModel]] = [SecondFactor, RecoveryCode, OneTimeCode]
AUDIT_MODELS: list[type[BaseModel]] = [AuditEntry, SiteSetting]
