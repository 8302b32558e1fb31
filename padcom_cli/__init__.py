"""padcom: the customers' command line, and the HTTP client the admin app shares.

Public surface for other front ends: ``client.PadcomClient``, the exceptions in
``errors``, ``sanitize.clean`` and ``config.load_config``. None of these import
Typer, Textual or server code.
"""
