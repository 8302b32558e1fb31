"""Storage layer: every table there is, for the code that handles them all alike.

The migrations' create-all and ``copy-to`` walk every table; the tables live in
modules (``models.py``, and ``desk_models.py`` and ``hosting_models.py`` beside
it, which import the first), so the full list is put together here.
"""

from __future__ import annotations

from server.storage.desk_models import EVERY_MODEL as DESK_AND_CORE
from server.storage.hosting_models import HOSTING_MODELS
from server.storage.models import BaseModel

EVERY_MODEL: list[type[BaseModel]] = [*DESK_AND_CORE, *HOSTING_MODELS]
"""Every model, those referred to before those referring to them."""
