"""People for fault tests, written straight into the server's database."""

from __future__ import annotations

import uuid
from datetime import timedelta

import httpx

from server.helpdesk.tokens import issue
from server.storage.db import bind, db
from server.storage.models import Organization, Service, User
from tests.support.tickets import file_number


def customer_token(database_url: str, role: str = "customer", password_hash: str = "-") -> str:
    """A new user (a customer of a new organization, or staff) and a live token for them.

    The server has already migrated the database; this process binds it too.
    """
    bind(database_url)
    tag = uuid.uuid4().hex[:10]
    with db.connection_context(), db.atomic():
        org = None
        if role == "customer":
            org = Organization.create(name=f"Faults {tag}", customer_number=f"F{tag}")
            Service.create(organization=org, kind="vps", label=f"{tag}.example.net")
        user = User.create(
            email=f"{role}.{tag}@example.com",
            name=f"Fault {role}",
            role=role,
            organization=org,
            password_hash=password_hash,
        )
        return issue(user, timedelta(hours=1), "faults")[0]


def customer_with_ticket(url: str, database_url: str) -> tuple[str, int]:
    """A new customer's token and the number of a ticket they filed through the API."""
    token = customer_token(database_url)
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=f"{url}/api/v1", headers=headers, timeout=30) as client:
        return token, file_number(client, "fault test", "x")
