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


INVISIBLE_BODY = (
    "Transfer to pay\u200bpal\u200c.com\u2060 now\u200e\u200f\u061c "
    "\u2066isolated\u2069 \u202eoverride\u202c \ufeffbom soft\u00adhyphen "
    "tag\U000e0069\U000e0067\U000e006e\U000e006f\U000e0072\U000e0065\U000e007f "
    "pua\ue000 line\u2028para\u2029 \U0001f600" + "\U000e0173\U000e0165\U000e0163"
)
"""Format characters that hide or reorder text: zero-width, bidi marks and isolates, tags."""
INVISIBLE_VISIBLE = (
    "pay<U+200B>pal<U+200C>.com<U+2060> now<U+200E><U+200F><U+061C>",
    "<U+2066>isolated<U+2069> <U+202E>override<U+202C> <U+FEFF>bom soft<U+00AD>hyphen",
    "tag<U+E0069><U+E0067><U+E006E><U+E006F><U+E0072><U+E0065><U+E007F>",
    "pua<U+E000>",
    "\U0001f600<U+E0173><U+E0165><U+E0163>",
)
"""How they must read on screen (the stand-ins, in place)."""
EMOJI_TEXT = "Thanks \U0001f469\u200d\U0001f4bb \U0001f3f3\ufe0f\u200d\U0001f308 Gr\u00fc\u00dfe"


def hidden_characters(output: str) -> list[str]:
    """Format characters, separators and private-use characters in ``output``, raw."""
    import unicodedata

    allowed_joiners = {"\u200d", "\ufe0f"}  # inside the emoji of EMOJI_TEXT
    return sorted(
        {
            f"U+{ord(c):04X}"
            for c in output
            if unicodedata.category(c) in ("Cf", "Co", "Zl", "Zp") and c not in allowed_joiners
        }
    )
