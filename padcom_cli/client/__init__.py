"""The client of Padcom's API, shared by ``padcom`` and ``padcom-admin``.

``api.PadcomClient`` speaks HTTP (``plainhttp`` for plain ``http://``);
``errors`` is the tree of what can go wrong; ``config`` finds the server and
token; ``live`` follows the event stream; ``sanitize`` makes server text safe
for a terminal; ``plaintext`` guards passwords on cleartext links; the
``*_words`` modules and ``plural`` say times, durations, events and figures in
words. Nothing here imports Typer, Rich, Textual or server code, and the admin
app imports nothing of ``padcom_cli`` outside this package.
"""
