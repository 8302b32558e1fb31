"""Hostile ticket text, and how to tell whether any of it reached a terminal raw."""

from __future__ import annotations

import re

HOSTILE_SUBJECT = "[bold red]URGENT[/] \x1b]0;pwned title\x07 [@click=app.quit]x[/] \x9b2J"
HOSTILE_BODY = (
    "Please run this:\n"
    "\x1b]52;c;cm0gLXJmIH4=\x07"  # OSC 52: write 'rm -rf ~' to the clipboard
    "\x1b]8;;https://evil.example/\x1b\\click me\x1b]8;;\x1b\\"  # OSC 8 hyperlink
    "\x1b[2J\x1b[H"  # clear the screen, cursor home
    "\x07\x07"  # bells
    "[link=https://evil.example]docs[/link] [/b] [reverse]"  # Rich markup, unbalanced too
)
LITERAL_MARKUP = (
    "[bold red]URGENT[/]",
    "[@click=app.quit]",
    "[link=https://evil.example]docs[/link]",
)

SGR = re.compile(r"\x1b\[[0-9;:]*m")
"""Colour and style: the only escape sequence a renderer may emit itself."""


def raw_controls(output: str) -> list[str]:
    """Control characters and escape sequences in ``output`` other than plain SGR styling."""
    rest = SGR.sub("", output)
    return sorted({c for c in rest if (ord(c) < 32 and c not in "\n\t") or 0x7F <= ord(c) < 0xA0})
