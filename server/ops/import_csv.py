"""``padcom-server import FILE.csv``: customers from billing, idempotent by customer number.

One row is one contact of one customer, optionally with one service:

    customer_number,organization,email,name[,service_kind,service_label,service_plan,
    service_datacenter,service_state,service_server,service_ips,service_hostnames]

- An organization is found by its customer number; new ones are added, a changed
  name is updated. A contact is found by email: new ones become customers of the
  organization without a password (they set one with ``padcom password --forgot``,
  or get an invitation with ``--invite``); a changed name or organization is
  updated. A service is found by (customer number, kind, label): a domain and the
  web hosting of that domain share a label. Its other fields are updated.
  Nothing is ever deleted.
- Service columns are ``SERVICE_COLUMNS`` (``import_services.py``): CSV column →
  ``Service`` field, each cell checked by the rule the API uses.
- All or nothing, in one transaction: any bad row (its line and why) and nothing
  is written. ``--dry-run`` runs the very same code and rolls back, so what it
  prints is what a real run would change. A second run of the same file changes
  nothing. Every change is in the audit trail as the operator's.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from server.helpdesk.accounts import INVITED
from server.helpdesk.audit import Actor
from server.helpdesk.mailed_codes import invite_existing
from server.ops.import_services import SERVICE_COLUMNS, described, service_values, words
from server.storage.identity_models import AuditEntry
from server.storage.models import Organization, Service, User
from server.vocabulary import AuditAction, Role

REQUIRED = ("customer_number", "organization", "email", "name")
MAX_ROWS = 200_000


class ImportRefused(Exception):
    """The file cannot be imported as it is; ``problems`` name the lines. Nothing was written."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems[:5]))
        self.problems = problems


@dataclass
class Tally:
    added: int = 0
    changed: int = 0
    unchanged: int = 0

    def as_dict(self) -> dict[str, int]:
        return {"added": self.added, "changed": self.changed, "unchanged": self.unchanged}


@dataclass
class Report:
    """What the import changed (or, in a dry run, would change)."""

    dry_run: bool
    rows: int = 0
    organizations: Tally = field(default_factory=Tally)
    contacts: Tally = field(default_factory=Tally)
    services: Tally = field(default_factory=Tally)
    changes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "dry_run": self.dry_run,
            "rows": self.rows,
            "organizations": self.organizations.as_dict(),
            "contacts": self.contacts.as_dict(),
            "services": self.services.as_dict(),
            "changes": self.changes,
        }


Row = tuple[int, dict[str, str]]
"""A row's first line in the file (a quoted cell may hold line breaks) and its cells."""


def read_rows(lines: Iterable[str]) -> list[Row]:
    """The rows of the CSV, each with its line, as dicts of stripped text. Raises ImportRefused."""
    reader = csv.DictReader(lines)
    columns = [c.strip() for c in reader.fieldnames or []]
    missing = [c for c in REQUIRED if c not in columns]
    unknown = [c for c in columns if c not in REQUIRED and c not in SERVICE_COLUMNS]
    problems = [f"missing column {c}" for c in missing] + [f"unknown column {c}" for c in unknown]
    if problems:
        raise ImportRefused(problems)
    rows: list[Row] = []
    for row in reader:
        cells = {k.strip(): (v or "").strip() for k, v in row.items() if k is not None}
        texts = [t for v in row.values() for t in (v if isinstance(v, list) else [v or ""])]
        breaks = sum(t.count("\n") for t in texts)  # line breaks in quoted cells
        rows.append((reader.line_num - breaks, cells))
        if len(rows) > MAX_ROWS:
            raise ImportRefused([f"more than {MAX_ROWS} rows: split the file"])
    return rows


def _check(rows: list[Row]) -> tuple[list[str], list[dict[str, Any]]]:
    """Every problem of the rows (each with its line), and each row's service values."""
    problems = []
    names: dict[str, str] = {}
    services: list[dict[str, Any]] = []
    first: dict[tuple[str, str, str], tuple[int, dict[str, Any]]] = {}
    for line, row in rows:
        for column in REQUIRED:
            if not row.get(column):
                problems.append(f"line {line}: {column} is empty")
        if "@" not in row.get("email", ""):
            problems.append(f"line {line}: {row.get('email')!r} is not an email address")
        values, wrong = service_values(row, line)
        problems += wrong
        services.append(values)
        number, name = row.get("customer_number", ""), row.get("organization", "")
        if names.setdefault(number, name) != name:
            problems.append(
                f"line {line}: customer {number} is named both {names[number]!r} and {name!r}"
            )
        if values:
            seen, before = first.setdefault(
                (number, values["kind"], values["label"]), (line, values)
            )
            if any(before[k] != v for k, v in values.items() if k in before):
                problems.append(
                    f"line {line}: service {values['kind']} {values['label']} of customer "
                    f"{number} differs from line {seen}"
                )
        if len(name) > 200 or len(number) > 32 or len(row.get("email", "")) > 254:
            problems.append(f"line {line}: a value is too long")
    return problems, services


class _Importer:
    """Applies the rows in the caller's transaction, with every row it needs read up front."""

    def __init__(
        self, actor: Actor, report: Report, invite_hours: int | None, sender: str | None
    ) -> None:
        self.actor, self.report = actor, report
        self.invite_hours, self.sender = invite_hours, sender
        self.orgs = {o.customer_number: o for o in Organization.select()}
        self.org_names = {o.name: o.customer_number for o in self.orgs.values()}
        self.users = {u.email: u for u in User.select()}
        self.services: dict[tuple[int, str, str], Service] = {
            (s.organization_id, s.kind, s.label): s for s in Service.select()
        }
        self.audit: list[dict[str, Any]] = []

    def _note(
        self,
        action: AuditAction,
        kind: str,
        target: Any,
        label: str,
        before: dict[str, Any],
        after: dict[str, Any],
    ) -> None:
        self.audit.append({
            "actor": self.actor.user_id, "actor_label": self.actor.label, "action": action.value,
            "target_kind": kind, "target_id": target, "target_label": label[:254],
            "before": before, "after": after,
        })  # fmt: skip

    def organization(self, number: str, name: str) -> Organization:
        found = self.orgs.get(number)
        holder = self.org_names.get(name)
        if holder is not None and holder != number:
            raise ImportRefused(
                [f"customer {number}: the name {name!r} belongs to customer {holder}"]
            )
        if found is None:
            found = Organization.create(name=name, customer_number=number)
            self.orgs[number], self.org_names[name] = found, number
            self.report.organizations.added += 1
            self.report.changes.append(f"add organization {number} {name}")
            self._note(
                AuditAction.ORG_ADDED,
                "organization",
                found.id,
                name,
                {},
                {"name": name, "customer_number": number},
            )
        elif found.name != name:
            self.report.organizations.changed += 1
            self.report.changes.append(f"rename organization {number}: {found.name} -> {name}")
            self._note(
                AuditAction.ORG_CHANGED,
                "organization",
                found.id,
                name,
                {"name": found.name},
                {"name": name},
            )
            Organization.update(name=name).where(Organization.id == found.id).execute()
            del self.org_names[found.name]
            found.name, self.org_names[name] = name, number
        else:
            self.report.organizations.unchanged += 1
        return found

    def contact(self, org: Organization, email: str, name: str) -> None:
        email = email.lower()
        found = self.users.get(email)
        if found is None:
            found = User.create(
                email=email,
                name=name,
                role=Role.CUSTOMER.value,
                organization=org.id,
                password_hash=INVITED,
            )
            self.users[email] = found
            self.report.contacts.added += 1
            self.report.changes.append(f"add contact {email} ({name}) to {org.customer_number}")
            self._note(
                AuditAction.USER_ADDED,
                "user",
                found.id,
                email,
                {},
                {"role": "customer", "organization": org.id, "name": name},
            )
            if self.invite_hours is not None:
                invite_existing(found, self.invite_hours, self.sender)
            return
        if found.role != Role.CUSTOMER:
            raise ImportRefused(
                [f"{email} is staff ({found.role}); billing contacts must be customers"]
            )
        values = {
            k: v
            for k, v in (("name", name), ("organization", org.id))
            if getattr(found, "organization_id" if k == "organization" else k) != v
        }
        if not values:
            self.report.contacts.unchanged += 1
            return
        before = {"name": found.name, "organization": found.organization_id}
        User.update(**values).where(User.id == found.id).execute()
        self.report.contacts.changed += 1
        self.report.changes.append(
            f"change contact {email}: {', '.join(f'{k} -> {v}' for k, v in values.items())}"
        )
        self._note(
            AuditAction.USER_CHANGED,
            "user",
            found.id,
            email,
            {k: before[k] for k in values},
            values,
        )
        found.name, found.organization_id = name, org.id

    def service(self, org: Organization, values: dict[str, Any]) -> None:
        """Add or update the service ``values`` names (checked values; ``{}``: none)."""
        if not values:
            return
        key = (int(org.id), values["kind"], values["label"])
        found = self.services.get(key)
        if found is None:
            self.services[key] = Service.create(organization=org.id, **values)
            self.report.services.added += 1
            self.report.changes.append(
                f"add service {values['kind']} {values['label']} to {org.customer_number}"
                + described(values)
            )
            self._note(AuditAction.SERVICE_ADDED, "organization", org.id, org.name, {}, values)
            return
        differ = {k: v for k, v in values.items() if getattr(found, k) != v}
        if not differ:
            self.report.services.unchanged += 1
            return
        before = {k: getattr(found, k) for k in differ}
        Service.update(**differ).where(Service.id == found.id).execute()
        self.report.services.changed += 1
        self.report.changes.append(
            f"change service {found.kind} {found.label} of {org.customer_number}: "
            + ", ".join(f"{k} {words(before[k])} -> {words(v)}" for k, v in differ.items())
        )
        self._note(AuditAction.IMPORTED, "organization", org.id, org.name, before, differ)
        for k, v in differ.items():
            setattr(found, k, v)


def apply(
    rows: list[Row],
    actor: Actor,
    *,
    dry_run: bool,
    invite_hours: int | None = None,
    sender: str | None = None,
) -> Report:
    """Import ``rows`` in the caller's write transaction; returns what changed.

    Raises ImportRefused (every problem found) before anything is written.
    The caller rolls back for a dry run.
    """
    problems, services = _check(rows)
    if problems:
        raise ImportRefused(problems)
    report = Report(dry_run=dry_run, rows=len(rows))
    importer = _Importer(actor, report, None if dry_run else invite_hours, sender)
    for (line, row), service in zip(rows, services, strict=True):
        try:
            org = importer.organization(row["customer_number"], row["organization"])
            importer.contact(org, row["email"], row["name"])
        except ImportRefused as refused:
            raise ImportRefused([f"line {line}: {p}" for p in refused.problems]) from None
        importer.service(org, service)
    if importer.audit:
        for start in range(0, len(importer.audit), 500):
            AuditEntry.insert_many(importer.audit[start : start + 500]).execute()
    return report
