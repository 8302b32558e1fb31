"""Layer: storage. The tables (``models``, ``fields``), the database and its settings
(``db``, ``postgres``, ``limits``, ``faults``), the schema's history
(``migrations``) and the write path's speed (``group_commit``, ``turnstile``,
``fast_insert``). Nothing here knows a rule or a route.
"""
