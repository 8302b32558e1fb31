"""Every table Padcom stores, in creation order: what a fresh database creates and copy-to copies.

``models.ALL_MODELS`` are the helpdesk's own tables; the desk's (tags, canned
replies, macros), the files' and the mails' sit in modules of their own so
models.py stays short. A new table module joins the list here, once.
"""

from __future__ import annotations

from server.storage.desk_models import DESK_MODELS
from server.storage.file_models import FILE_MODELS
from server.storage.mail_models import MAIL_MODELS
from server.storage.models import ALL_MODELS as CORE_MODELS
from server.storage.models import BaseModel

EVERY_MODEL: list[type[BaseModel]] = [*CORE_MODELS, *DESK_MODELS, *FILE_MODELS, *MAIL_MODELS]
