"""Client: the staff's answering tools over HTTP — tags, canned replies and macros.

Beside ``api.py`` (``PadcomClient.desk``), so the client's core stays small; every
call raises the client's own errors (``padcom_cli/client/errors.py``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from padcom_cli.client.jsontypes import Json

if TYPE_CHECKING:
    from padcom_cli.client.api import PadcomClient


class DeskCalls:
    """The calls, on one signed-in client."""

    def __init__(self, client: PadcomClient) -> None:
        self.client = client

    def change_tags(
        self, number: int, add: list[str] | None = None, remove: list[str] | None = None
    ) -> Json:
        """Add and remove tags (staff); returns the ticket. Set operations: no version needed."""
        result: Json = self.client.call_write(
            "POST", f"/tickets/{number}/tags", json={"add": add or [], "remove": remove or []}
        )
        return result

    def tags(self) -> Json:
        """``{"allowed": [...], "used": [{"tag", "tickets"}]}`` (staff)."""
        result: Json = self.client.call("GET", "/tags")
        return result

    def set_allowed_tags(self, allowed: list[str]) -> Json:
        """Replace the allow-list (admins); ``[]`` lets any word be a tag. Answers as ``tags``."""
        result: Json = self.client.call("PUT", "/tags/allowed", json={"allowed": allowed})
        return result

    def change_allowed_tags(
        self, add: list[str] | None = None, remove: list[str] | None = None
    ) -> Json:
        """Put words on the allow-list and take words off, keeping the rest (admins)."""
        result: Json = self.client.call(
            "POST", "/tags/allowed", json={"add": add or [], "remove": remove or []}
        )
        return result

    def canned_replies(self) -> list[Json]:
        result: list[Json] = self.client.call("GET", "/canned-replies")
        return result

    def canned_reply(self, reply_id: int) -> Json:
        result: Json = self.client.call("GET", f"/canned-replies/{reply_id}")
        return result

    def add_canned_reply(self, name: str, body: str, shared: bool = False) -> Json:
        result: Json = self.client.call(
            "POST", "/canned-replies", json={"name": name, "body": body, "shared": shared}
        )
        return result

    def change_canned_reply(self, reply_id: int, changes: Json) -> Json:
        result: Json = self.client.call("PATCH", f"/canned-replies/{reply_id}", json=changes)
        return result

    def delete_canned_reply(self, reply_id: int) -> None:
        self.client.request("DELETE", f"/canned-replies/{reply_id}")

    def rendered_reply(self, reply_id: int, number: int) -> str:
        """Canned reply ``reply_id`` filled in with ticket ``number``'s values."""
        result: Json = self.client.call(
            "GET", f"/canned-replies/{reply_id}/rendered", params={"ticket": number}
        )
        return str(result["body"])

    def macros(self) -> list[Json]:
        result: list[Json] = self.client.call("GET", "/macros")
        return result

    def add_macro(self, name: str, actions: list[Json], shared: bool = False) -> Json:
        result: Json = self.client.call(
            "POST", "/macros", json={"name": name, "actions": actions, "shared": shared}
        )
        return result

    def delete_macro(self, macro_id: int) -> None:
        self.client.request("DELETE", f"/macros/{macro_id}")

    def apply_macro(self, number: int, macro_id: int, version: int | None = None) -> Json:
        """Apply a macro to one ticket (as of ``version`` when given); returns the ticket."""
        headers = {"If-Match": f'"{version}"'} if version is not None else None
        result: Json = self.client.call_write(
            "POST", f"/tickets/{number}/macros/{macro_id}", headers
        )
        return result

    def apply_macro_to_many(self, macro_id: int, tickets: list[Json]) -> Json:
        """Apply a macro to each ``{"number", "version"?}``; ``{"applied", "failed", "results"}``."""
        result: Json = self.client.call(
            "POST", f"/macros/{macro_id}/apply", json={"tickets": tickets}
        )
        return result
