"""padcom-server: the HTTP JSON API of the Padcom helpdesk.

Layers, one way only: ``api`` (HTTP routes) -> ``tickets``/``accounts`` (rules and
transactions) -> ``models`` (peewee tables behind one ``DatabaseProxy``).
Nothing heavy happens at import: ``create_app(settings)`` builds the app.
"""
