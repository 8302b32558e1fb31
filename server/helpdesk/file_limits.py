"""How large the files people attach may be: per file, per ticket, and uploads not yet attached.

Settings only (``PADCOM_ATTACHMENT_*``); the checks are in server/helpdesk/attachments.py.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

MIB = 1024 * 1024


def mebibytes(size: int) -> str:
    """``size`` bytes in the words a limit is named in (``10 MiB``, ``512 KiB``, ``300 bytes``)."""
    if size >= MIB and size % MIB == 0:
        return f"{size // MIB} MiB"
    if size >= 1024 and size % 1024 == 0:
        return f"{size // 1024} KiB"
    return f"{size} bytes"


@dataclass(frozen=True)
class FileLimits:
    """Caps on attachments; every one of them answers 413 naming itself."""

    max_file_bytes: int = 10 * MIB
    """One file (``PADCOM_ATTACHMENT_MAX_BYTES``)."""
    max_ticket_bytes: int = 50 * MIB
    """All files on one ticket together (``PADCOM_ATTACHMENT_TICKET_MAX_BYTES``); also what one
    person may hold in uploads not yet attached."""
    max_files_per_message: int = 20
    """Files on one ticket, reply or note at once (``PADCOM_ATTACHMENT_MAX_FILES``)."""
    pending_hours: int = 24
    """An upload nobody attached is forgotten after this long."""

    @classmethod
    def from_env(cls) -> FileLimits:
        default = cls()
        return cls(
            max_file_bytes=int(
                os.environ.get("PADCOM_ATTACHMENT_MAX_BYTES", default.max_file_bytes)
            ),
            max_ticket_bytes=int(
                os.environ.get("PADCOM_ATTACHMENT_TICKET_MAX_BYTES", default.max_ticket_bytes)
            ),
            max_files_per_message=int(
                os.environ.get("PADCOM_ATTACHMENT_MAX_FILES", default.max_files_per_message)
            ),
        )
