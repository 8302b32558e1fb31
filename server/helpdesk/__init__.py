"""Layer: the rules. What a helpdesk is, free of HTTP: tickets and their lifecycle,
the SLA clock, who sees what, accounts and tokens, sign-in throttling, password
policy and write limits. Rules raise domain errors; ``server.http`` turns them
into statuses. They read and write through ``server.storage``.
"""
