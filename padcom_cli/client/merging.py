"""Client: merging duplicates (staff) and rating a resolution (the requester), over HTTP.

Beside ``api.py``, so the client's core stays small; each call is a write with its
own Idempotency-Key, retried once, and raises the client's own errors
(``Conflict`` when a version moved on or the organizations differ).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from padcom_cli.client.jsontypes import Json

if TYPE_CHECKING:
    from padcom_cli.client.api import PadcomClient


def merge_ticket(
    client: PadcomClient,
    number: int,
    version: int,
    into: int,
    into_version: int,
    *,
    across_organizations: bool = False,
) -> Json:
    """Merge ``number`` (as of ``version``) into ``into`` (as of ``into_version``), staff only."""
    body: Json = {"into": into, "into_version": into_version}
    if across_organizations:
        body["across_organizations"] = True
    result: Json = client.call_write(
        "POST", f"/tickets/{number}/merge", {"If-Match": f'"{version}"'}, json=body
    )
    return result


def unmerge_ticket(client: PadcomClient, number: int, version: int) -> Json:
    """Undo the merge of ``number`` (as of ``version``)."""
    result: Json = client.call_write(
        "POST", f"/tickets/{number}/unmerge", {"If-Match": f'"{version}"'}
    )
    return result


def rate_ticket(client: PadcomClient, number: int, rating: str, comment: str = "") -> Json:
    """The requester's rating of the ticket's latest resolution (``good`` or ``bad``)."""
    body: Json = {"rating": rating, "comment": comment}
    result: Json = client.call_write("POST", f"/tickets/{number}/rating", json=body)
    return result
