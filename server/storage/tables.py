"""Every table Padcom has, in one list: the core models and those beside them.

The fresh schema, ``copy-to`` and its tests read this list, so a table added in a
module of its own (``identity_models.py``) is created, copied and checked like the rest.
"""

from __future__ import annotations

from server.storage.identity_models import AUDIT_MODELS, IDENTITY_MODELS
from server.storage.models import ALL_MODELS, BaseModel

EVERY_MODEL: list[type[BaseModel]] = [*ALL_MODELS, *IDENTITY_MODELS, *AUDIT_MODELS]
