"""What kind of file some bytes are, from the bytes alone: the type a download is served as.

A small table of magic numbers rather than a library: a download needs only to
tell a few kinds people attach (images, PDFs, archives, text logs) from
everything else, and anything not recognised is served as
``application/octet-stream``, so a wrong guess is always the safe one. No
native library (libmagic) parses untrusted files inside the server, and no
type a browser would render as a page (HTML, SVG, XML) is ever named: such
text is served as ``text/plain``. The type the client declared is never read.
"""

from __future__ import annotations

OCTET_STREAM = "application/octet-stream"
TEXT = "text/plain; charset=utf-8"

MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"%PDF-", "application/pdf"),
    (b"PK\x03\x04", "application/zip"),
    (b"\x1f\x8b", "application/gzip"),
    (b"BZh", "application/x-bzip2"),
    (b"\xfd7zXZ\x00", "application/x-xz"),
    (b"(\xb5/\xfd", "application/zstd"),
)
"""Leading bytes and the type they mean (RIFF/WEBP is checked below: its magic has a gap)."""

SNIFF_BYTES = 4096
"""How much of the start of a file the guess reads."""


def sniffed_type(head: bytes, *, whole: bool = False) -> str:
    """The content type of a file that starts with ``head`` (its first ``SNIFF_BYTES``;
    ``whole``: the file is no longer, so no character can have been cut off at the end)."""
    for magic, kind in MAGIC:
        if head.startswith(magic):
            return kind
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if _is_text(head, whole):
        return TEXT
    return OCTET_STREAM


def is_text(content_type: str) -> bool:
    """Whether a stored type is text a person may read in the app (sanitised)."""
    return content_type == TEXT


def _is_text(head: bytes, whole: bool) -> bool:
    """UTF-8 without NUL (a multi-byte character cut at the end of ``head`` still counts)."""
    if b"\x00" in head:
        return False
    for cut in range(1 if whole else 4):
        try:
            head[: len(head) - cut].decode("utf-8")
        except UnicodeDecodeError:
            continue
        return True
    return False
