"""Live notifications: committed events reach every open stream that may see them.

    write() ──commit──► on_commit ─► Hub.notify ─(call_soon_threadsafe)─► dispatcher
       │                                                      │ one DB read per round
       └─ pg_notify ─► other processes' PgWaker ─► Hub.notify ▼
                                                 per-subscriber asyncio.Queue ─► SSE

``journal`` runs inside the write transaction (outbox rows, ordering lock,
NOTIFY); ``hub`` fans out; ``reader`` is the hub's database read;
``pg_waker`` listens on PostgreSQL; ``lifespan`` starts and stops them all.
"""
