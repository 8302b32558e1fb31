"""The admin app's few knobs, each with a default; ``from_env`` reads ``PADCOM_ADMIN_*``."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from padcom_tui.drafts import default_state_dir


@dataclass(frozen=True)
class AdminSettings:
    page_size: int = 100
    """Tickets per page fetched from the API (its maximum); the table grows page by page."""
    retry_seconds: float = 3.0
    """How often the app tries to reach the server again after losing it."""
    bell: bool = True
    """Ring the terminal bell when a ticket becomes urgent (``PADCOM_ADMIN_BELL=0`` turns it off)."""
    live: bool = True
    """Follow the server's event stream; tests and screenshots turn it off for fixed pictures."""
    flood_window_seconds: float = 10.0
    """New or urgent tickets from one organization within this time after the first are
    summed up in one notice, without a bell each (``PADCOM_ADMIN_FLOOD_SECONDS``)."""
    state_dir: Path = field(default_factory=default_state_dir)
    """Where unsent drafts are kept (``PADCOM_STATE_DIR``, else ``$XDG_STATE_HOME/padcom``)."""
    split_width: int = 140
    """From this width on, the reply editor opens beside the conversation; below, it toggles."""

    @classmethod
    def from_env(cls) -> AdminSettings:
        bell = os.environ.get("PADCOM_ADMIN_BELL", "1").strip().lower()
        flood = float(os.environ.get("PADCOM_ADMIN_FLOOD_SECONDS", cls.flood_window_seconds))
        return cls(bell=bell not in ("0", "false", "no", "off"), flood_window_seconds=flood)
