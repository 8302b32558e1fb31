"""Layer: live (above the reads). Committed events reach every open stream that may see them.

    write() ──commit──► on_commit ─► Hub.notify ─(call_soon_threadsafe)─► dispatcher
       │                                                      │ one DB read per round
       ├─ pg_notify ─► every process's PgWaker ──► Hub.notify │ (+ who holds each token)
       └─ any commit ─► every process's DataVersionWaker ─────▼ (SQLite)
                                                 per-subscriber asyncio.Queue ─► SSE

``journal`` runs inside the write transaction (outbox rows, ordering lock,
NOTIFY); ``hub`` fans out; ``reader`` is the hub's database read;
``pg_waker`` listens on PostgreSQL, ``sqlite_waker`` polls SQLite's
``data_version``; ``leases`` counts open streams per user and address;
``lifespan`` starts and stops them all.
"""
