"""Rules layer: which monitoring systems may send alerts, how each proves it, what alerts do.

A source is a name with a secret: a bearer token (Alertmanager's webhook sends
one with ``http_config.authorization``) or an HMAC key (the generic receiver's
``X-Padcom-Signature: sha256=<hex of HMAC-SHA256 of the body>`` beside
``X-Padcom-Source: <name>``). No source configured: the receivers answer 404.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from dataclasses import dataclass

from server.helpdesk.errors import Invalid


@dataclass(frozen=True)
class AlertSource:
    """One monitoring system allowed to send alerts."""

    name: str
    token: str = ""
    """Bearer token it sends (``PADCOM_ALERT_<NAME>_TOKEN``)."""
    hmac_key: str = ""
    """Key it signs bodies with (``PADCOM_ALERT_<NAME>_HMAC``)."""


@dataclass(frozen=True)
class AlertSettings:
    """The sources and the behaviour of alerts (``PADCOM_ALERT_*``)."""

    sources: tuple[AlertSource, ...] = ()
    """Who may send (``PADCOM_ALERT_SOURCES=prometheus,zabbix`` and a secret for each)."""
    auto_resolve: bool = True
    """A resolved alert resolves the incident it opened once all its alerts recovered
    (``PADCOM_ALERT_AUTO_RESOLVE``)."""
    flap_seconds: int = 600
    """An alert firing again within this many seconds of its recovery is flapping: it
    re-opens what it opened instead of opening anew (``PADCOM_ALERT_FLAP_SECONDS``)."""
    flap_limit: int = 3
    """After this many flaps the incident is left to staff: recoveries no longer resolve it
    (``PADCOM_ALERT_FLAP_LIMIT``)."""

    def __post_init__(self) -> None:
        for source in self.sources:
            if not (source.token or source.hmac_key):
                raise Invalid(f"alert source {source.name} needs a token or an HMAC key")
            if min(len(s) for s in (source.token, source.hmac_key) if s) < 16:
                raise Invalid(f"alert source {source.name}: secrets need 16 characters or more")

    @property
    def enabled(self) -> bool:
        return bool(self.sources)

    def by_token(self, token: str) -> AlertSource | None:
        """The source whose bearer token is ``token`` (compared in constant time)."""
        found = None
        for source in self.sources:
            if source.token and hmac.compare_digest(source.token.encode(), token.encode()):
                found = source
        return found

    def by_signature(self, name: str, body: bytes, signature: str) -> AlertSource | None:
        """The source ``name`` if ``signature`` (``sha256=<hex>``) is its HMAC of ``body``."""
        for source in self.sources:
            if source.name == name and source.hmac_key:
                want = hmac.new(source.hmac_key.encode(), body, hashlib.sha256).hexdigest()
                given = signature.removeprefix("sha256=").strip()
                if hmac.compare_digest(want.encode(), given.encode()):
                    return source
        return None

    @classmethod
    def from_env(cls) -> AlertSettings:
        names = [n.strip() for n in os.environ.get("PADCOM_ALERT_SOURCES", "").split(",")]
        sources = tuple(
            AlertSource(
                name,
                os.environ.get(f"PADCOM_ALERT_{name.upper()}_TOKEN", ""),
                os.environ.get(f"PADCOM_ALERT_{name.upper()}_HMAC", ""),
            )
            for name in names
            if name
        )
        return cls(
            sources=sources,
            auto_resolve=os.environ.get("PADCOM_ALERT_AUTO_RESOLVE", "true").lower()
            not in ("0", "false", "no"),
            flap_seconds=int(os.environ.get("PADCOM_ALERT_FLAP_SECONDS", cls.flap_seconds)),
            flap_limit=int(os.environ.get("PADCOM_ALERT_FLAP_LIMIT", cls.flap_limit)),
        )
