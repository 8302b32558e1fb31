"""Storage layer: every table there is, for the code that handles them all alike.

The migrations' create-all and ``copy-to`` walk every table; the tables live in
two modules (``models.py``, and ``hosting_models.py`` beside it, which imports
the first), so the full list is put together here, where both are loaded.
"""

from __future__ import annotations

from server.storage.hosting_models import HOSTING_MODELS
from server.storage.models import ALL_MODELS, BaseModel

EVERY_MODEL: list[type[BaseModel]] = [*ALL_MODELS, *HOSTING_MODELS]
"""Every model, those referred to before those referring to them."""
