"""Client layer: the one name for a JSON object as the API sends it, for the CLI and the admin app.

It was spelt ``Json = dict[str, Any]`` in eighteen modules; one definition keeps the clients
agreeing on it (and lets a stricter type replace it in one place).
"""

from __future__ import annotations

from typing import Any

Json = dict[str, Any]
