"""The API's hosting calls (client package): services, incidents, ticket links.

Beside ``api.py`` (which would pass 400 lines with them): ``Hosting(client)``
speaks for a ``PadcomClient`` and raises its ``PadcomError`` tree.
"""

from __future__ import annotations

from typing import Any

from padcom_cli.client.api import PadcomClient
from padcom_cli.client.jsontypes import Json


class Hosting:
    """Services, incidents and links, through ``client``."""

    def __init__(self, client: PadcomClient) -> None:
        self.client = client

    def _get(self, path: str, **params: Any) -> Any:
        given = {k: v for k, v in params.items() if v is not None}
        return self.client._json("GET", path, params=given or None)  # pylint: disable=protected-access

    def _post(self, path: str, body: Json | None = None, method: str = "POST") -> Any:
        return self.client._json(method, path, json=body, retry=False)  # pylint: disable=protected-access

    # -- services --------------------------------------------------------------

    def services(self, **filters: Any) -> list[Json]:
        """Services by organization, server, datacenter or state (staff)."""
        found: list[Json] = self._get("/services", **filters)
        return found

    def add_service(self, fields: Json) -> Json:
        made: Json = self._post("/services", fields)
        return made

    def change_service(self, service_id: int, fields: Json) -> Json:
        changed: Json = self._post(f"/services/{service_id}", fields, method="PATCH")
        return changed

    def service_incidents(self, service_id: int) -> list[Json]:
        """The open incidents that hit a service."""
        found: list[Json] = self._get(f"/services/{service_id}/incidents")
        return found

    # -- incidents -------------------------------------------------------------

    def incidents(self, state: str = "live") -> list[Json]:
        found: list[Json] = self._get("/incidents", state=state)
        return found

    def incident(self, number: int) -> Json:
        found: Json = self._get(f"/incidents/{number}")
        return found

    def declare(self, fields: Json) -> Json:
        made: Json = self._post("/incidents", fields)
        return made

    def change_incident(self, number: int, fields: Json) -> Json:
        changed: Json = self._post(f"/incidents/{number}", fields, method="PATCH")
        return changed

    def post_update(self, number: int, body: str, internal: bool = False) -> Json:
        changed: Json = self._post(
            f"/incidents/{number}/updates", {"body": body, "internal": internal}
        )
        return changed

    def resolve(self, number: int, body: str, resolve_tickets: bool = True) -> Json:
        changed: Json = self._post(
            f"/incidents/{number}/resolve", {"body": body, "resolve_tickets": resolve_tickets}
        )
        return changed

    def link_ticket(self, number: int, ticket: int) -> Json:
        changed: Json = self._post(f"/incidents/{number}/tickets", {"ticket": ticket})
        return changed

    def unlink_ticket(self, number: int, ticket: int) -> None:
        self._post(f"/incidents/{number}/tickets/{ticket}", method="DELETE")

    def subscribe(self, number: int) -> Json:
        changed: Json = self._post(f"/incidents/{number}/subscribe")
        return changed

    # -- links -----------------------------------------------------------------

    def links(self, number: int) -> list[Json]:
        found: list[Json] = self._get(f"/tickets/{number}/links")
        return found

    def link(self, number: int, other: int, kind: str) -> list[Json]:
        made: list[Json] = self._post(f"/tickets/{number}/links", {"ticket": other, "kind": kind})
        return made

    def unlink(self, number: int, link_id: int) -> None:
        self._post(f"/tickets/{number}/links/{link_id}", method="DELETE")
