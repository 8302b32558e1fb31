"""Layer: read models. The JSON each viewer may see of tickets, messages and events,
and the list queries behind the queue, built straight from the database rows.
"""
