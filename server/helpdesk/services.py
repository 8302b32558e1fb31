"""Rules layer: the services organizations rent, as staff manage them (API and ``padcom-server``).

A service says what support must see on a ticket: its state (a suspended
customer still files and reads tickets; only the service is suspended), the
server and datacenter it runs on (what an incident matches), its IPs and
hostnames. Every function runs inside the caller's write transaction or
connection and raises domain errors, so the API and the operator's command
refuse the same things in the same words.
"""

from __future__ import annotations

import ipaddress
import re
from typing import Any

from peewee import ModelSelect

from server.helpdesk.administration import organization_by_id
from server.helpdesk.audit import Actor, changed, record
from server.helpdesk.errors import Invalid, NotFound
from server.storage.models import Service
from server.vocabulary import SERVICE_KINDS, SERVICE_STATES, AuditAction

FIELDS = ("kind", "label", "plan", "datacenter", "state", "server", "ips", "hostnames")
"""What staff may set on a service."""
_HOSTNAME = re.compile(r"(?=.{1,253}$)([A-Za-z0-9_](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.?)+")
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")
"""A server or datacenter name: what monitoring labels a host with (``web-07``, ``FRA-1``)."""
MAX_ADDRESSES = 64


def _one_of(value: Any, allowed: tuple[str, ...], name: str) -> str:
    if value not in allowed:
        raise Invalid(f"{name} must be one of {', '.join(allowed)}")
    return str(value)


def _name(value: Any, field: str) -> str:
    if not isinstance(value, str):
        raise Invalid(f"{field} must be text")
    name = value.strip()
    if name and not _NAME.fullmatch(name):
        raise Invalid(
            f"{field} must be a name of letters, digits, '.', '_' or '-' (such as web-07)"
        )
    return name


def _ips(value: Any) -> list[str]:
    if not isinstance(value, list) or len(value) > MAX_ADDRESSES:
        raise Invalid(f"ips must be a list of at most {MAX_ADDRESSES} addresses")
    try:
        found = [str(ipaddress.ip_address(str(v).strip())) for v in value]
    except ValueError as exc:
        raise Invalid(f"ips: {exc}") from None
    return list(dict.fromkeys(found))  # one address written two ways is kept once


def _hostnames(value: Any) -> list[str]:
    if not isinstance(value, list) or len(value) > MAX_ADDRESSES:
        raise Invalid(f"hostnames must be a list of at most {MAX_ADDRESSES} names")
    found = [str(v).strip().lower() for v in value]
    wrong = [v for v in found if not _HOSTNAME.fullmatch(v)]
    if wrong:
        raise Invalid(f"not a hostname: {wrong[0][:100]!r}")
    return list(dict.fromkeys(found))


def checked(values: dict[str, Any]) -> dict[str, Any]:
    """``values`` as stored, each checked; raises Invalid for an unknown field or a bad value."""
    unknown = set(values) - set(FIELDS)
    if unknown:
        raise Invalid(f"unknown service fields: {', '.join(sorted(unknown))}")
    clean: dict[str, Any] = {}
    for field, value in values.items():
        if field == "kind":
            clean[field] = _one_of(value, SERVICE_KINDS, "kind")
        elif field == "state":
            clean[field] = _one_of(value, SERVICE_STATES, "state")
        elif field in ("server", "datacenter"):
            clean[field] = _name(value, field)
        elif field == "ips":
            clean[field] = _ips(value)
        elif field == "hostnames":
            clean[field] = _hostnames(value)
        elif field == "label":
            if not isinstance(value, str) or not value.strip() or len(value) > 253:
                raise Invalid("label must be 1 to 253 characters")
            clean[field] = value.strip()
        else:  # plan
            if not isinstance(value, str) or len(value) > 100:
                raise Invalid("plan must be at most 100 characters")
            clean[field] = value
    return clean


def service_by_id(service_id: int) -> Service:
    """Raises NotFound."""
    found = Service.get_or_none(Service.id == service_id)
    if found is None:
        raise NotFound(f"service {service_id} not found")
    return found


def _shown(values: dict[str, Any]) -> dict[str, Any]:
    """Values as the audit trail keeps them (lists of IPs and hostnames included)."""
    return {k: v for k, v in values.items() if isinstance(v, (str, int, bool, list)) or v is None}


def add_service(org_id: int, values: dict[str, Any], actor: Actor) -> Service:
    """A service the organization rents (kind and label at least), in the audit trail.
    Raises NotFound, Invalid."""
    org = organization_by_id(org_id)
    clean = checked(values)
    if "kind" not in clean or "label" not in clean:
        raise Invalid("a service needs a kind and a label")
    service = Service.create(organization=org.id, **clean)
    record(actor, AuditAction.SERVICE_ADDED, "organization", org.id, org.name, after=_shown(clean))
    return service


def change_service(service_id: int, values: dict[str, Any], actor: Actor) -> Service:
    """Set ``values`` on a service, in the audit trail; returns it as stored now.
    Raises NotFound, Invalid."""
    service = service_by_id(service_id)
    clean = checked(values)
    before = {name: getattr(service, name) for name in clean}
    old, new = changed(before, clean)
    if new:
        Service.update(**new).where(Service.id == service.id).execute()
        record(actor, AuditAction.SERVICE_CHANGED, "service", service.id, service.label,
               _shown(old), _shown(new))  # fmt: skip
    return service_by_id(service_id)


def find_services(
    organization: int | None = None,
    server: str | None = None,
    datacenter: str | None = None,
    state: str | None = None,
) -> ModelSelect[Service]:
    """Services by organization, server, datacenter or state, in id order."""
    query = Service.select().order_by(Service.id)
    if organization is not None:
        query = query.where(Service.organization == organization)
    if server:
        query = query.where(Service.server == server)
    if datacenter:
        query = query.where(Service.datacenter == datacenter)
    if state:
        query = query.where(Service.state == _one_of(state, SERVICE_STATES, "state"))
    return query
