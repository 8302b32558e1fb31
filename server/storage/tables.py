"""Every table Padcom stores, in creation order: what a fresh database creates and copy-to copies.

``models.ALL_MODELS`` are the helpdesk's own tables; the desk's (tags, canned
replies, macros), the hosting's (incidents, links, alerts), the files', the
mails', identity's (second factors, mailed codes) and the audit trail's sit in
modules of their own so models.py stays short. A new table module joins the list
here, once, after the modules it refers to.
"""

from __future__ import annotations

from server.storage.desk_models import DESK_MODELS
from server.storage.file_models import FILE_MODELS
from server.storage.hosting_models import HOSTING_MODELS
from server.storage.identity_models import AUDIT_MODELS, IDENTITY_MODELS
from server.storage.mail_models import MAIL_MODELS
from server.storage.models import ALL_MODELS as CORE_MODELS
from server.storage.models import BaseModel
from server.storage.rating_models import RATING_MODELS

EVERY_MODEL: list[type[BaseModel]] = [
    *CORE_MODELS,
    *DESK_MODELS,
    *RATING_MODELS,
    *HOSTING_MODELS,
    *FILE_MODELS,
    *MAIL_MODELS,
    *IDENTITY_MODELS,
    *AUDIT_MODELS,
]
"""Every model, those referred to before those referring to them."""
