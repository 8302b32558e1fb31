"""``padcom-server import FILE.csv``: customers from billing, idempotent by customer number.

One row is one contact of one customer, optionally with one service:

    customer_number,organization,email,name[,service_kind,service_label,service_plan,service_datacenter]

- An organization is found by its customer number; new ones are added, a changed
  name is updated. A contact is found by email: new ones become customers of the
  organization without a password (they set one with ``padcom password --forgot``,
  or get an invitation with ``--invite``); a changed name or organization is
  updated. A service is found by (organization, kind, label); plan and
  datacenter are updated. Nothing is ever deleted.
- Service columns are ``SERVICE_COLUMNS``: CSV column → ``Service`` field. A
  column names a field only when the model has it, so fields the hosting work
  adds (state, server, IPs, host names) plug in by one line each.
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
from server.storage.identity_models import AuditEntry
from server.storage.models import Organization, Service, User
from server.vocabulary import SERVICE_KINDS, AuditAction, Role

REQUIRED = ("customer_number", "organization", "email", "name")
SERVICE_COLUMNS = {
    "service_kind": "kind",
    "service_label": "label",
    "service_plan": "plan",
    "service_datacenter": "datacenter",
}
"""CSV column → ``Service`` field; a column whose field the model lacks is refused."""
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


def read_rows(lines: Iterable[str]) -> list[dict[str, str]]:
    """The rows of the CSV as dicts of stripped text. Raises ImportRefused."""
    reader = csv.DictReader(lines)
    columns = [c.strip() for c in reader.fieldnames or []]
    missing = [c for c in REQUIRED if c not in columns]
    unknown = [c for c in columns if c not in REQUIRED and c not in SERVICE_COLUMNS]
    problems = [f"missing column {c}" for c in missing] + [f"unknown column {c}" for c in unknown]
    for column, name in SERVICE_COLUMNS.items():
        if column in columns and name not in Service._meta.fields:
            problems.append(f"column {column}: this version's services have no {name}")
    if problems:
        raise ImportRefused(problems)
    rows = []
    for row in reader:
        rows.append({k.strip(): (v or "").strip() for k, v in row.items() if k is not None})
        if len(rows) > MAX_ROWS:
            raise ImportRefused([f"more than {MAX_ROWS} rows: split the file"])
    return rows


def _check(rows: list[dict[str, str]]) -> list[str]:
    problems = []
    names: dict[str, str] = {}
    for line, row in enumerate(rows, start=2):
        for column in REQUIRED:
            if not row.get(column):
                problems.append(f"line {line}: {column} is empty")
        if "@" not in row.get("email", ""):
            problems.append(f"line {line}: {row.get('email')!r} is not an email address")
        kind = row.get("service_kind", "")
        if kind and kind not in SERVICE_KINDS:
            problems.append(
                f"line {line}: service_kind {kind!r} is not one of {', '.join(SERVICE_KINDS)}"
            )
        if kind and not row.get("service_label"):
            problems.append(f"line {line}: a service needs service_label")
        number, name = row.get("customer_number", ""), row.get("organization", "")
        if names.setdefault(number, name) != name:
            problems.append(
                f"line {line}: customer {number} is named both {names[number]!r} and {name!r}"
            )
        if len(name) > 200 or len(number) > 32 or len(row.get("email", "")) > 254:
            problems.append(f"line {line}: a value is too long")
    return problems


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

    def service(self, org: Organization, row: dict[str, str]) -> None:
        values = {name: row[column] for column, name in SERVICE_COLUMNS.items() if column in row}
        if not values.get("kind"):
            return
        key = (int(org.id), values["kind"], values["label"])
        found = self.services.get(key)
        if found is None:
            self.services[key] = Service.create(organization=org.id, **values)
            self.report.services.added += 1
            self.report.changes.append(
                f"add service {values['kind']} {values['label']} to {org.customer_number}"
            )
            self._note(AuditAction.SERVICE_ADDED, "organization", org.id, org.name, {}, values)
            return
        differ = {k: v for k, v in values.items() if getattr(found, k) != v}
        if not differ:
            self.report.services.unchanged += 1
            return
        Service.update(**differ).where(Service.id == found.id).execute()
        self.report.services.changed += 1
        self.report.changes.append(
            f"change service {found.label}: {', '.join(f'{k} -> {v}' for k, v in differ.items())}"
        )
        self._note(
            AuditAction.IMPORTED,
            "organization",
            org.id,
            org.name,
            {k: getattr(found, k) for k in differ},
            differ,
        )
        for k, v in differ.items():
            setattr(found, k, v)


def apply(
    rows: list[dict[str, str]],
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
    problems = _check(rows)
    if problems:
        raise ImportRefused(problems)
    report = Report(dry_run=dry_run, rows=len(rows))
    importer = _Importer(actor, report, None if dry_run else invite_hours, sender)
    for row in rows:
        org = importer.organization(row["customer_number"], row["organization"])
        importer.contact(org, row["email"], row["name"])
        importer.service(org, row)
    if importer.audit:
        for start in range(0, len(importer.audit), 500):
            AuditEntry.insert_many(importer.audit[start : start + 500]).execute()
    return report
