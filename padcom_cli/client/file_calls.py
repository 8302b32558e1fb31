"""Client: a ticket's files over HTTP — the server's limits, uploads, the list of a ticket's files.

Beside ``api.py`` (``PadcomClient.files``), so the client's core stays small; the
download itself streams through ``PadcomClient.download``. Every call raises the
client's own errors (``padcom_cli/client/errors.py``).
"""

from __future__ import annotations

from typing import IO, TYPE_CHECKING

import httpx

from padcom_cli.client.jsontypes import Json

if TYPE_CHECKING:
    from padcom_cli.client.api import PadcomClient


class FileCalls:
    """The calls, on one signed-in client."""

    def __init__(self, client: PadcomClient) -> None:
        self.client = client

    def limits(self) -> Json:
        """How much the server takes: request, text, file, ticket's files, files at once."""
        result: Json = self.client.call("GET", "/limits")
        return result

    def upload(self, name: str, content: IO[bytes] | bytes) -> Json:
        """Upload one file (streamed from ``content``); its ``id`` goes into ``attachments``."""
        result: Json = self.client.call(
            "POST",
            "/uploads",
            params={"name": name},
            content=content,
            headers={"Content-Type": "application/octet-stream"},
            timeout=httpx.Timeout(120.0, connect=3.0),
        )
        return result

    def attachments(self, number: int) -> list[Json]:
        """The files on a ticket, oldest first, each with its ``id``."""
        result: list[Json] = self.client.call("GET", f"/tickets/{number}/attachments")
        return result
