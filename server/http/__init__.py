"""Layer: HTTP. Everything that knows FastAPI, Starlette or pydantic lives here.

``app`` builds the application; ``routes/`` holds one module per group of
routes; ``schemas`` and ``stats_shapes`` are the request and response shapes;
``errors`` maps the rules' domain errors to statuses; the rest are middleware
and request plumbing (body limits, client address, headers, access log,
idempotency, shutdown gate) and ``fast_read``, the GET shortcut past routing.
Routes translate HTTP and call the rules in ``server.helpdesk`` and the read
models in ``server.reads``; they never open a database connection themselves.
"""
