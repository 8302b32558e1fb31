"""Raise the soft open-file limit to the hard one before serving.

Under systemd the soft ``RLIMIT_NOFILE`` is 1024 while the hard one is far
higher: 1,100 held sockets used up every descriptor and every other request
failed. Every connection is a descriptor, so a worker needs at least
``max_connections`` of them plus its database files and pipes.
"""

from __future__ import annotations

import resource

RESERVED_FILES = 64
"""Descriptors a worker needs besides its connections: database, WAL, logs, pipes, threads."""


def raise_open_files_limit() -> int:
    """Set the soft limit to the hard one; returns the soft limit now in force."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != hard:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
            soft = hard
        except (ValueError, OSError):  # a hard limit of RLIM_INFINITY some kernels refuse
            pass
    return soft


def connections_that_fit(max_connections: int, open_files: int) -> int:
    """How many connections a worker can hold within ``open_files`` descriptors."""
    return max(1, min(max_connections, open_files - RESERVED_FILES))
