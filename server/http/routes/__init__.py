"""Layer: HTTP. The routes, one module per part of the API (``docs/api.md`` lists them)."""
