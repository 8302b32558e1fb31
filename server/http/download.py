"""HTTP layer: the headers a file download is answered with, so no browser or client runs it.

``Content-Disposition: attachment`` always, with the stored (already cleaned)
name as a quoted ASCII ``filename`` and, when the name is not plain ASCII, the
exact name as RFC 5987's ``filename*=UTF-8''…`` (RFC 6266 §4.3: a client that
knows ``filename*`` prefers it). The type is the one sniffed from the bytes
when they were stored (server/helpdesk/sniff.py); ``X-Content-Type-Options:
nosniff`` and a ``sandbox`` CSP are added by SecurityHeaders and here.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote

_PLAIN = re.compile(r"[^A-Za-z0-9._ ()+,=@~-]")


def ascii_fallback(name: str) -> str:
    """``name`` in plain ASCII for the quoted ``filename`` (accents dropped, the rest ``_``)."""
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    plain = _PLAIN.sub("_", folded).strip(" .") or "attachment"
    return plain[:200]


def content_disposition(name: str) -> str:
    """The ``Content-Disposition`` of a download of a file called ``name``."""
    fallback = ascii_fallback(name)
    value = f'attachment; filename="{fallback}"'
    if fallback != name:
        value += f"; filename*=UTF-8''{quote(name, safe='')}"
    return value


def download_headers(name: str, size: int) -> dict[str, str]:
    """Every header a download sets besides its type."""
    return {
        "Content-Disposition": content_disposition(name),
        "Content-Length": str(size),
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": "default-src 'none'; sandbox",
        "Cache-Control": "private, no-store",
    }
