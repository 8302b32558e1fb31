"""HTTP layer: uploading a file, and listing and downloading a ticket's files (rules:
server/helpdesk/attachments.py).

Upload, then attach: ``POST /uploads?name=…`` takes the raw bytes as they
stream in (no multipart parsing, no buffering: the body limit lets this one
path through, counted against the file cap as it arrives) and answers the
pending upload's ``id``; a new ticket, reply or note names the ids in
``attachments`` and the files join it in its transaction.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import StreamingResponse
from starlette.requests import ClientDisconnect

from server.config import Settings
from server.helpdesk import attachments, rate_limit
from server.helpdesk.attachments import Incoming
from server.http.deps import AppSettings, CurrentUser
from server.http.download import download_headers
from server.http.routes.tickets import Number
from server.http.schemas import MAX_BODY_CHARS, AttachmentOut, LimitsOut
from server.reads import files_read
from server.reads.serialize import attachments_json
from server.storage import write_path
from server.storage.models import User

router = APIRouter(tags=["files"])

UPLOADS = "/uploads"
FileId = Annotated[int, Path(ge=1, le=2**31 - 1, description="the file's id")]


@router.get("/limits", response_model=LimitsOut)
def limits(user: CurrentUser, settings: AppSettings) -> dict[str, int]:
    """How much may be sent: so a client can say so before it sends too much."""
    return {
        "max_request_bytes": settings.max_request_bytes,
        "max_body_chars": MAX_BODY_CHARS,
        "max_file_bytes": settings.files.max_file_bytes,
        "max_ticket_bytes": settings.files.max_ticket_bytes,
        "max_files": settings.files.max_files_per_message,
    }


def _store(user: User, name: str, incoming: Incoming, settings: Settings) -> dict[str, Any]:
    """Keep the upload, in a transaction of its own (a large file must not hold up the
    requests' group commit); an upload counts as a reply against a customer's rate limit."""

    def change() -> dict[str, Any]:
        rate_limit.spend(settings.write_limits, "reply", user)
        stored = attachments.store_upload(user, name, incoming, settings.files)
        return attachments_json([stored])[0]

    return write_path.write(write_path.plain(change), None, batched=False)


@router.post(UPLOADS, response_model=AttachmentOut, status_code=201)
async def upload(
    request: Request,
    user: CurrentUser,
    settings: AppSettings,
    name: Annotated[str, Query(min_length=1, max_length=1000, description="the file's name")],
) -> Response:
    """Upload one file (the raw bytes as the body); answers its ``id`` to attach it with.

    413 past ``PADCOM_ATTACHMENT_MAX_BYTES``; an upload nobody attaches is
    forgotten after a day. The type is sniffed from the bytes, never read from
    the request.
    """
    incoming = Incoming(settings.files)
    try:
        try:
            async for chunk in request.stream():
                incoming.feed(chunk)
        except ClientDisconnect:
            return Response(status_code=400)
        shown = await run_in_threadpool(_store, user, name, incoming, settings)
    finally:
        incoming.close()
    body = AttachmentOut.model_validate(shown).model_dump_json()
    return Response(body, 201, media_type="application/json")


@router.get("/tickets/{number}/attachments", response_model=list[AttachmentOut])
def list_attachments(number: Number, user: CurrentUser) -> list[dict[str, Any]]:
    """The files on a ticket, oldest first; customers never see an internal note's files."""
    return files_read.ticket_files(user, number)


@router.get(
    "/tickets/{number}/attachments/{file_id}",
    responses={200: {"content": {"application/octet-stream": {}}}},
)
def download(number: Number, file_id: FileId, user: CurrentUser) -> StreamingResponse:
    """A file's bytes, as an attachment with a safe name and the type sniffed from its content."""
    opened = files_read.opened_file(user, number, file_id)
    return StreamingResponse(
        files_read.file_bytes(opened.sha256),
        media_type=opened.content_type,
        headers=download_headers(opened.filename, opened.size),
    )
