"""The one HTTP client of Padcom's front ends: JSON in, dicts out, errors as ``PadcomError``.

The CLI and the admin app both use ``PadcomClient``; it knows the API's paths
and turns every httpx failure and error response into the tree in ``errors``.
Requests that are safe to repeat (reads, and every write, each of which
carries an Idempotency-Key) are retried once after a connection failure, a
timeout or a 503: the server answers a repeated write with its first answer.
"""

from __future__ import annotations

import ssl
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import TYPE_CHECKING, Any

import httpx

from padcom_cli.client.errors import (
    ServerFailed,
    Unreachable,
)
from padcom_cli.client.jsontypes import Json
from padcom_cli.client.responses import describe_transport_error, error_from_response

if TYPE_CHECKING:
    from padcom_cli.client.desk import DeskCalls
    from padcom_cli.client.file_calls import FileCalls
    from padcom_cli.client.mail_calls import MailCalls

TIMEOUT = httpx.Timeout(10.0, connect=3.0)
USER_AGENT = "padcom/0.1"
MAX_RETRY_WAIT = 3.0
"""Seconds at most to wait before the one retry after a 503 (its Retry-After, if shorter)."""


def new_key() -> str:
    """A fresh Idempotency-Key for one write (and its retries)."""
    import uuid  # here: ~3 ms to import, and only writing needs it

    return str(uuid.uuid4())


def _retry_wait(response: httpx.Response) -> float:
    retry = response.headers.get("Retry-After", "")
    return min(float(retry), MAX_RETRY_WAIT) if retry.isdigit() else 1.0


def _transport(url: str, *, one_shot: bool = False) -> httpx.BaseTransport:
    """The connection pool; retries refused connections once.

    For a plain ``http://`` server, loading the CA bundle (30-300 ms, most of a
    CLI command's time) is skipped: TLS is never spoken there, and the context
    given instead trusts no certificate, so it could not be misused. A
    ``one_shot`` client (a CLI command) to such a server goes through
    ``http.client`` instead of httpcore, ~20 ms less to import (see ``plainhttp``).
    """
    if url.startswith("http://"):
        if one_shot:
            from padcom_cli.client.plainhttp import PlainHTTPTransport

            return PlainHTTPTransport()
        return httpx.HTTPTransport(retries=1, verify=ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT))
    return httpx.HTTPTransport(retries=1)


class PadcomClient:
    """A signed-in (or anonymous) connection to one Padcom server."""

    def __init__(
        self,
        url: str,
        token: str | None = None,
        *,
        transport: httpx.BaseTransport | None = None,
        timeout: httpx.Timeout = TIMEOUT,
        one_shot: bool = False,
    ) -> None:
        """``one_shot``: for one short command (the CLI), which may use a lighter transport."""
        self.url = url.rstrip("/")
        self.token = token
        self.one_shot = one_shot
        headers = {"User-Agent": USER_AGENT, "Accept": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        self._http = httpx.Client(
            base_url=f"{self.url}/api/v1",
            headers=headers,
            timeout=timeout,
            transport=transport or _transport(self.url, one_shot=one_shot),
            follow_redirects=False,
        )

    @property
    def signed_in(self) -> bool:
        """Whether this client carries a token (it may still have expired)."""
        return bool(self.token)

    def with_token(self, token: str) -> PadcomClient:
        """A client for the same server signed in with ``token`` (after ``login``)."""
        return PadcomClient(self.url, token, one_shot=self.one_shot)

    def __enter__(self) -> PadcomClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    # -- plumbing --------------------------------------------------------------

    def request(
        self, method: str, path: str, *, retry: bool | None = None, **kwargs: Any
    ) -> httpx.Response:
        """Send a request; raises a ``PadcomError`` for any failure.

        ``retry`` defaults to True for GET: one more try after a timeout, a
        dropped connection (connection refusals are already retried by the
        transport) or a 503. Writes pass True with an Idempotency-Key.
        """
        attempts = 2 if (retry if retry is not None else method == "GET") else 1
        for attempt in range(attempts):
            last = attempt + 1 == attempts
            try:
                response = self._http.request(method, path, **kwargs)
            except httpx.TransportError as exc:
                if not last:
                    continue
                raise Unreachable(describe_transport_error(self.url, exc)) from exc
            if response.status_code == 503 and not last:
                time.sleep(_retry_wait(response))
                continue
            if response.status_code >= 400:
                raise error_from_response(response)
            return response
        raise AssertionError("unreachable")  # pragma: no cover - the loop returns or raises

    def _json(self, method: str, path: str, **kwargs: Any) -> Any:
        """The decoded body; raises ServerFailed when it is not JSON (not a Padcom server?)."""
        response = self.request(method, path, **kwargs)
        if not response.content:
            return None
        try:
            return response.json()
        except ValueError as exc:
            raise ServerFailed(
                f"{self.url} answered HTTP {response.status_code} without JSON: is it a Padcom server?",
                status=response.status_code,
            ) from exc

    def call(self, method: str, path: str, **kwargs: Any) -> Any:
        """A request's decoded JSON body (None for an empty one); raises as ``request``."""
        return self._json(method, path, **kwargs)

    def call_write(
        self, method: str, path: str, headers: dict[str, str] | None = None, **kwargs: Any
    ) -> Any:
        """A write with a new Idempotency-Key, retried once; raises as ``request``."""
        return self._write(method, path, None, headers, **kwargs)

    @property
    def files(self) -> FileCalls:
        """A ticket's files: the limits, uploads, the list (downloads: ``download``)."""
        from padcom_cli.client.file_calls import FileCalls

        return FileCalls(self)

    @property
    def mail(self) -> MailCalls:
        """The triage of mail from unknown senders (staff): list, link, refuse."""
        from padcom_cli.client.mail_calls import MailCalls

        return MailCalls(self)

    @property
    def desk(self) -> DeskCalls:
        """The staff's answering tools: tags, canned replies, macros."""
        from padcom_cli.client.desk import DeskCalls

        return DeskCalls(self)

    # -- accounts --------------------------------------------------------------

    def login(
        self, email: str, password: str, token_name: str = "", totp: str | None = None
    ) -> Json:
        """Sign in: ``{"token", "expires_at", "user", "scope"}``. NotAuthorized with code
        ``totp_required`` when the account has a second factor and ``totp`` is missing."""
        body: Json = {"email": email, "password": password, "token_name": token_name}
        result: Json = self._json(
            "POST", "/auth/login", json=body | ({"totp": totp} if totp else {})
        )
        return result

    def logout(self) -> None:
        self.request("POST", "/auth/logout")

    def me(self) -> Json:
        result: Json = self._json("GET", "/me")
        return result

    def my_services(self) -> list[Json]:
        """The services the signed-in user's organization rents (from ``GET /me``)."""
        services: list[Json] = self.me().get("services", [])
        return services

    def users(self, role: str | None = None, q: str | None = None, limit: int = 200) -> list[Json]:
        """People (staff only), of one ``role`` and/or matching ``q`` (email, name, organization)."""
        params = {k: v for k, v in {"role": role, "q": q, "limit": limit}.items() if v}
        result: list[Json] = self._json("GET", "/users", params=params)
        return result

    def services(self, organization: int) -> list[Json]:
        """An organization's services (staff only)."""
        result: list[Json] = self._json("GET", f"/organizations/{organization}/services")
        return result

    # -- tickets ---------------------------------------------------------------

    def list_tickets(self, *, cursor: str | None = None, limit: int = 50, **filters: Any) -> Json:
        """One page: ``{"items": [...], "next_cursor": ...}``; filters as in the API."""
        params = {k: v for k, v in filters.items() if v is not None}
        params["limit"] = limit
        if cursor:
            params["cursor"] = cursor
        result: Json = self._json("GET", "/tickets", params=params)
        return result

    def iter_tickets(self, *, limit: int | None = None, **filters: Any) -> Iterator[Json]:
        """Tickets across pages, up to ``limit`` of them."""
        cursor: str | None = None
        seen = 0
        while True:
            page_size = min(100, limit - seen) if limit is not None else 100
            if page_size <= 0:
                return
            page = self.list_tickets(cursor=cursor, limit=page_size, **filters)
            for item in page["items"]:
                yield item
                seen += 1
            cursor = page.get("next_cursor")
            if not cursor:
                return

    def get_ticket(self, number: int) -> Json:
        result: Json = self._json("GET", f"/tickets/{number}")
        return result

    def _write(
        self,
        method: str,
        path: str,
        idempotency_key: str | None,
        headers: dict[str, str] | None = None,
        **kwargs: Any,
    ) -> Any:
        """A write with an Idempotency-Key (``idempotency_key`` or a new one), retried once.

        Pass the same key again to repeat a write whose outcome is unknown
        (the admin app keeps it with an unsent draft).
        """
        key = {"Idempotency-Key": idempotency_key or new_key()}
        return self._json(method, path, headers={**(headers or {}), **key}, retry=True, **kwargs)

    def create_ticket(self, fields: Json, idempotency_key: str | None = None) -> Json:
        """File a ticket; retried safely, since the Idempotency-Key makes a repeat harmless."""
        result: Json = self._write("POST", "/tickets", idempotency_key, json=fields)
        return result

    def update_ticket(
        self, number: int, version: int, changes: Json, idempotency_key: str | None = None
    ) -> Json:
        """Change a ticket as of ``version``; raises Conflict when it moved on."""
        result: Json = self._write(
            "PATCH",
            f"/tickets/{number}",
            idempotency_key,
            headers={"If-Match": f'"{version}"'},
            json=changes,
        )
        return result

    def bulk_update(self, tickets: list[tuple[int, int]], changes: Json) -> Json:
        """Set ``changes`` on each (number, version): ``{"changed": [...], "refused": [...]}``.

        Each ticket is changed only if still at its version (a refusal says 412 otherwise).
        """
        body = {"tickets": [{"number": n, "version": v} for n, v in tickets], "changes": changes}
        result: Json = self._write("POST", "/tickets/bulk", None, json=body)
        return result

    def views(self) -> list[Json]:
        """The signed-in agent's saved views and the shared ones, in number-key order."""
        result: list[Json] = self._json("GET", "/views")
        return result

    def save_view(self, name: str, filters: Json, sort: str = "urgency") -> Json:
        result: Json = self._write(
            "POST", "/views", None, json={"name": name, "filters": filters, "sort": sort}
        )
        return result

    def delete_ticket(self, number: int, idempotency_key: str | None = None) -> None:
        self._write("DELETE", f"/tickets/{number}", idempotency_key)

    def messages(self, number: int) -> list[Json]:
        result: list[Json] = self._json("GET", f"/tickets/{number}/messages")
        return result

    def reply(
        self,
        number: int,
        body: str,
        *,
        internal: bool = False,
        idempotency_key: str | None = None,
        status: str | None = None,
        attachments: list[int] | None = None,
    ) -> Json:
        """Post a reply (or a note) with the uploads ``attachments`` (from ``upload``);
        ``status`` (staff replies) sets it in the same change."""
        fields: Json = {"body": body, "internal": internal}
        if status is not None:
            fields["status"] = status
        if attachments:
            fields["attachments"] = attachments
        result: Json = self._write(
            "POST", f"/tickets/{number}/messages", idempotency_key, json=fields
        )
        return result

    def presence(self, number: int, state: str) -> Json:
        """Say we are ``viewing``, ``writing`` or have ``left`` ticket ``number`` (staff)."""
        result: Json = self._json("POST", f"/tickets/{number}/presence", json={"state": state})
        return result

    # -- files -----------------------------------------------------------------

    @contextmanager
    def download(self, number: int, file_id: int) -> Iterator[httpx.Response]:
        """The response of a file's download, its body not yet read (``iter_bytes``)."""
        path = f"/tickets/{number}/attachments/{file_id}"
        try:
            with self._http.stream("GET", path, timeout=httpx.Timeout(120.0, connect=3.0)) as got:
                if got.status_code >= 400:
                    got.read()
                    raise error_from_response(got)
                yield got
        except httpx.TransportError as exc:
            raise Unreachable(describe_transport_error(self.url, exc)) from exc

    def history(self, number: int) -> list[Json]:
        result: list[Json] = self._json("GET", f"/tickets/{number}/events")
        return result

    # -- events ----------------------------------------------------------------

    def latest_event(self) -> int:
        """The newest event id this user may see: follow from here after reading a snapshot."""
        return int(self._json("GET", "/events/latest")["id"])

    def events(self, after: int = 0, limit: int = 100) -> Json:
        """Events after id ``after``, oldest first: ``{"items", "next_cursor"}``."""
        result: Json = self._json("GET", "/events", params={"after": after, "limit": limit})
        return result

    # -- statistics ------------------------------------------------------------

    def stats(
        self, start: datetime | None = None, end: datetime | None = None, **filters: Any
    ) -> Json:
        """``GET /stats`` for [start, end) (server default: the 30 days up to now); filters
        (organization, category, priority, assignee) as in the API."""
        params = {k: v for k, v in filters.items() if v is not None}
        for name, moment in (("from", start), ("to", end)):
            if moment is not None:
                params[name] = moment.isoformat()
        result: Json = self._json("GET", "/stats", params=params)
        return result
