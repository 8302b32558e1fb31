"""Layer: outbox (above the reads). Mails and webhooks, sent from a durable outbox.

A change writes its outbox rows in its own transaction (``enqueue.drafts_for``, written by
``live.journal``), so a crash or an SMTP outage loses nothing; a background worker (``worker``)
delivers them with retries and exponential back-off, at least once, each row
under a lease so two workers never send the same row at the same time.
"""
