"""Files on tickets: attaching them to a new ticket or a reply, listing and downloading them.

Sizes are checked against the server's own limits (``GET /limits``) before
anything is sent, so a file or a piped text that is too large is refused with
the limit named, instead of a connection the server had to cut off mid-upload.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from padcom_cli.client.api import PadcomClient
from padcom_cli.client.errors import NotFound
from padcom_cli.client.files import human_size
from padcom_cli.client.jsontypes import Json
from padcom_cli.client.sanitize import clean
from padcom_cli.options import AsJson, Number
from padcom_cli.output import emit, note, usage_error
from padcom_cli.session import client

Attach = Annotated[
    list[Path] | None,
    typer.Option("--attach", "-a", help="Attach this file (repeat for more)."),
]
AttachBody = Annotated[
    bool,
    typer.Option(
        "--attach-body",
        help="Send the text as an attached file (for a log over the text limit).",
    ),
]
DEFAULT_LIMITS: Json = {
    "max_request_bytes": 256 * 1024,
    "max_body_chars": 65536,
    "max_file_bytes": 10 * 1024 * 1024,
    "max_ticket_bytes": 50 * 1024 * 1024,
    "max_files": 20,
}
"""What a server without ``GET /limits`` (older than files) takes."""


def server_limits(api: PadcomClient) -> Json:
    try:
        return api.limits()
    except NotFound:
        return DEFAULT_LIMITS


def _over_text_limit(text: str, limits: Json) -> bool:
    # the JSON of the request grows past the text: escapes, the other fields
    chars, request = int(limits["max_body_chars"]), int(limits["max_request_bytes"])
    return len(text) > chars or len(text.encode()) + 4096 > request


def fit_text(
    api: PadcomClient, text: str, attach_body: bool, name: str
) -> tuple[str, bytes | None]:
    """The text to send, and the bytes to attach instead when it is over the limit.

    Exits 2, naming the limit and ``--attach-body``, when the text is too long
    and ``attach_body`` was not given.
    """
    if not attach_body and len(text) <= 16384:
        return text, None
    limits = server_limits(api)
    if not _over_text_limit(text, limits) and not attach_body:
        return text, None
    data = text.encode()
    if not attach_body:
        usage_error(
            f"the text is {len(text):,} characters ({human_size(len(data))}); the server takes "
            f"at most {limits['max_body_chars']:,} characters in a ticket's text or a reply. "
            "Send it as an attached file instead: add --attach-body (or -a FILE)"
        )
    lines = text.count("\n") + (0 if text.endswith("\n") else 1)
    return f"The text ({lines:,} lines, {human_size(len(data))}) is attached as {name}.", data


def upload_all(
    api: PadcomClient, paths: list[Path] | None, extra: bytes | None = None, extra_name: str = ""
) -> list[int]:
    """Upload ``paths`` (and ``extra`` as ``extra_name``), checked against the limits first;
    the upload ids. Exits 2 for a file that cannot be read or is too large."""
    paths = paths or []
    if not paths and extra is None:
        return []
    limits = server_limits(api)
    sizes: list[int] = []
    for path in paths:
        try:
            size = path.stat().st_size
        except OSError as exc:
            usage_error(f"cannot read {path}: {exc.strerror or exc}")
        if not path.is_file():
            usage_error(f"{path} is not a file")
        sizes.append(size)
    if extra is not None:
        sizes.append(len(extra))
    for size, label in zip(sizes, [*map(str, paths), extra_name], strict=False):
        if size > limits["max_file_bytes"]:
            usage_error(
                f"{label} is {human_size(size)}; the server takes files of at most "
                f"{human_size(limits['max_file_bytes'])}"
            )
    if sum(sizes) > limits["max_ticket_bytes"]:
        usage_error(
            f"the files are {human_size(sum(sizes))} together; a ticket's files may be at most "
            f"{human_size(limits['max_ticket_bytes'])}"
        )
    if len(sizes) > limits["max_files"]:
        usage_error(f"{len(sizes)} files; at most {limits['max_files']} at once")
    ids = []
    for path in paths:
        with path.open("rb") as content:
            ids.append(int(api.upload(path.name, content)["id"]))
    if extra is not None:
        ids.append(int(api.upload(extra_name, extra)["id"]))
    return ids


def attachments(ctx: typer.Context, number: Number, as_json: AsJson = False) -> None:
    """List the files on a ticket (each with the ID to download it by)."""
    files = client(ctx).attachments(number)

    def draw() -> object:
        from rich.table import Table
        from rich.text import Text

        from padcom_cli.client.time_words import when

        if not files:
            return Text("No files on this ticket.")
        table = Table(box=None, pad_edge=False, header_style="bold")
        for column in ("ID", "Name", "Size", "Type", "On", "Added"):
            table.add_column(column)
        for item in files:
            on = "description" if item["message"] is None else f"message {item['message']}"
            if item.get("internal"):
                on += " (internal note)"
            table.add_row(
                str(item["id"]),
                Text(clean(item["filename"], single_line=True)),
                human_size(int(item["size"])),
                Text(clean(item["content_type"], single_line=True)),
                on,
                when(item.get("created_at")),
            )
        return table

    emit(files, as_json, draw)


def download(
    ctx: typer.Context,
    number: Number,
    file_id: Annotated[
        int, typer.Argument(min=1, max=2**31 - 1, metavar="ID", help="The file's ID.")
    ],
    output: Annotated[
        str | None,
        typer.Option("--output", "-o", help="Write it here ('-' is standard output)."),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
) -> None:
    """Download a file of a ticket (see `padcom ticket attachments N`).

    Saved under its own name in this directory unless -o says where; an
    existing file is kept unless --force.
    """
    from padcom_cli.client import files

    api = client(ctx)
    if output == "-":
        with api.download(number, file_id) as got:
            for piece in got.iter_bytes():
                sys.stdout.buffer.write(piece)
        sys.stdout.buffer.flush()
        return
    try:
        target = files.save(api, number, file_id, Path(output or "."), force=force)
    except FileExistsError as exc:
        usage_error(f"{exc} exists; choose another with -o, or --force to overwrite it")
    except OSError as exc:
        usage_error(f"cannot write {output or 'here'}: {exc.strerror or exc}")
    note(f"Saved {clean(str(target), single_line=True)} ({human_size(target.stat().st_size)}).")
