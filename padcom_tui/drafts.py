"""Unsent replies kept on disk, one file per server, ticket and kind, so a crash loses nothing.

An agent's SSH connection drops, the terminal closes, the app is killed: the
draft was written a moment after the last key (``ReplyPane`` saves on change),
and opening the ticket again restores it. The file holds the text and the
Idempotency-Key it was (or will be) sent with, so a retry after a send whose
answer was lost posts it once. Files are private (0600 in a 0700 directory) and
written by rename, so a half-written file never replaces a good one; a sent
draft's file is deleted. Where: ``PADCOM_STATE_DIR``, else
``$XDG_STATE_HOME/padcom``, else ``~/.local/state/padcom``; under ``drafts/``.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path


def default_state_dir() -> Path:
    """The user's state directory for padcom-admin."""
    env = os.environ.get("PADCOM_STATE_DIR")
    if env:
        return Path(env).expanduser()
    base = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(base) / "padcom"


@dataclass(frozen=True)
class Draft:
    text: str
    key: str
    """The Idempotency-Key this text goes out with."""


class Drafts:
    """The drafts of one server's tickets in ``directory``."""

    def __init__(self, directory: Path, server: str) -> None:
        self.directory = directory / "drafts"
        self.server = hashlib.sha256(server.encode()).hexdigest()[:12]

    def path(self, number: int, internal: bool) -> Path:
        kind = "note" if internal else "reply"
        return self.directory / f"{self.server}-{number}-{kind}.json"

    def load(self, number: int, internal: bool) -> Draft | None:
        """The kept draft, or None (none kept, or a file this app did not write)."""
        try:
            data = json.loads(self.path(number, internal).read_text(encoding="utf-8"))
            text, key = data["text"], data["key"]
        except (OSError, ValueError, KeyError, TypeError):
            return None
        if not isinstance(text, str) or not isinstance(key, str) or not text.strip():
            return None
        return Draft(text, key)

    def save(self, number: int, internal: bool, draft: Draft) -> None:
        """Keep ``draft`` (an empty text removes the file); raises OSError when the disk refuses."""
        if not draft.text.strip():
            self.discard(number, internal)
            return
        self.directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        target = self.path(number, internal)
        temporary = target.with_suffix(".tmp")
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as file:
            json.dump({"text": draft.text, "key": draft.key}, file)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, target)

    def discard(self, number: int, internal: bool) -> None:
        self.path(number, internal).unlink(missing_ok=True)
