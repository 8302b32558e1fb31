"""Layer: stats (above the reads). The numbers behind ``GET /stats``: the queue now, and a period.

Everything is computed in SQL over epoch-ms integer columns (day = ms / 86400000),
the same statements on SQLite and PostgreSQL, reading only the rows the indexes
point at; Python only folds a few hundred grouped rows into the response.
"""
