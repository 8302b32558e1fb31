"""Fixtures for the answering-well stories: a real SMTP mailbox and a server that mails customers.

Merges, tickets filed for a customer, resolve mails and reminders all end in a
customer's mailbox; these stories share one plain loopback SMTP server per
database (staff mail goes nowhere, so each mailbox holds only what customers got).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from server.outbox.settings import MailSettings
from tests.live.mailbox import Mailbox
from tests.live.receiver import QUICK_RETRIES
from tests.support.live import Live, own_server
from tests.support.ports import free_port


def customer_mail(port: int) -> MailSettings:
    """Mail through the loopback SMTP server at ``port``, to customers only."""
    return MailSettings(
        host="127.0.0.1", port=port, security="none", sender="help@padcom.test", staff=()
    )


@pytest.fixture(scope="module")
def mailbox(database_url: str) -> Iterator[Mailbox]:
    """A fresh mailbox per database."""
    box = Mailbox(free_port()).start()
    yield box
    box.stop()


@pytest.fixture(scope="module")
def desk(database_url: str, mailbox: Mailbox) -> Iterator[Live]:
    """A server that mails customers through ``mailbox``."""
    with own_server(database_url, mail=customer_mail(mailbox.port), outbox=QUICK_RETRIES) as world:
        yield world
