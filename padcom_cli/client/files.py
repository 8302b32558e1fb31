"""Files of a ticket on this machine: saved whole or not at all, or read as text to show.

Shared by ``padcom ticket download`` and the admin app's files dialog. A file
is written to a temporary name beside the target and renamed when complete,
so an interrupted download never leaves half a file under the real name.
"""

from __future__ import annotations

import os
import tempfile
from email.message import Message
from pathlib import Path
from urllib.parse import unquote

from padcom_cli.client.api import PadcomClient

TEXT_PREVIEW_BYTES = 1024 * 1024
"""How much of a text file the app shows (the rest: save it)."""


def human_size(size: int) -> str:
    """``size`` bytes for a person: ``512 B``, ``12.3 KiB``, ``4.0 MiB``."""
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KiB"
    return f"{size / 1024 / 1024:.1f} MiB"


def local_name(name: str) -> str:
    """A server's file name made safe to create here: no folder, no leading dot, printable."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1].lstrip(".").strip()
    return "".join(c for c in base if c.isprintable()) or "attachment"


def served_name(disposition: str) -> str:
    """The file's name from a ``Content-Disposition`` value (``filename*`` first, RFC 6266)."""
    for part in disposition.split(";"):
        key, _, raw = part.strip().partition("=")
        if key.lower() == "filename*" and raw.lower().startswith("utf-8''"):
            return unquote(raw[7:])
    parsed = Message()
    parsed["content-disposition"] = disposition
    return str(parsed.get_filename() or "attachment")


def save(api: PadcomClient, number: int, file_id: int, target: Path, *, force: bool) -> Path:
    """Download the file to ``target`` (a folder: under the file's own name there).

    Returns the path written. Raises FileExistsError when it exists and not
    ``force``; OSError when it cannot be written; PadcomError from the server.
    """
    with api.download(number, file_id) as got:
        if target.is_dir():
            target = target / local_name(served_name(got.headers.get("content-disposition", "")))
        if target.exists() and not force:
            raise FileExistsError(str(target))
        handle, partial = tempfile.mkstemp(prefix=".padcom-", dir=target.parent)
        try:
            with os.fdopen(handle, "wb") as out:
                for piece in got.iter_bytes():
                    out.write(piece)
            os.replace(partial, target)
        except BaseException:
            Path(partial).unlink(missing_ok=True)
            raise
    return target


def read_text(api: PadcomClient, number: int, file_id: int) -> tuple[str, bool]:
    """A text file's start as text (bytes that are not UTF-8 become U+FFFD), and whether
    it was cut at ``TEXT_PREVIEW_BYTES``. Show it through the sanitiser like any ticket text."""
    kept = bytearray()
    with api.download(number, file_id) as got:
        for piece in got.iter_bytes():
            kept += piece
            if len(kept) > TEXT_PREVIEW_BYTES:
                return bytes(kept[:TEXT_PREVIEW_BYTES]).decode("utf-8", "replace"), True
    return bytes(kept).decode("utf-8", "replace"), False
