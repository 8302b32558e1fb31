"""Every table Padcom stores, in creation order: what migrations create and copy-to copies.

``models.ALL_MODELS`` are the helpdesk's own tables; the files (file_models.py)
sit in a module of their own so models.py stays short.
"""

from __future__ import annotations

from server.storage.file_models import FILE_MODELS
from server.storage.mail_models import MAIL_MODELS
from server.storage.models import ALL_MODELS as CORE_MODELS
from server.storage.models import BaseModel

ALL_MODELS: list[type[BaseModel]] = [*CORE_MODELS, *FILE_MODELS, *MAIL_MODELS]
