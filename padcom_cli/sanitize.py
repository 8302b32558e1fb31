"""Make untrusted text (subjects, bodies, names) safe to put on a terminal.

Rich and Textual strip only BEL, BS, VT, FF and CR: ESC, CSI sequences, OSC 52
(clipboard), OSC 8 (hyperlinks), the 8-bit CSI byte and bidi overrides reach
the terminal. ``clean`` turns every such character into a visible stand-in, so
hostile text is shown, never executed. Markup is a separate matter: callers
still hand the result to Rich/Textual as plain text (``Text(...)``,
``markup=False``), never as markup.
"""

from __future__ import annotations

import re

# C0 controls (but tab and newline), DEL, C1 controls, and the Unicode
# formatting characters that reorder or hide text (bidi overrides/isolates,
# line/paragraph separators).
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]")
_LINE_BREAKS = re.compile("\r\n|\n")


def _visible(match: re.Match[str]) -> str:
    char = match.group()
    code = ord(char)
    if code < 0x20:
        return chr(0x2400 + code)  # ␀ … ␟ (ESC shows as ␛)
    if code == 0x7F:
        return "\u2421"  # ␡
    return f"<U+{code:04X}>"


def clean(text: str | None, *, single_line: bool = False) -> str:
    """``text`` with every terminal-controlling character made visible.

    With ``single_line`` (table cells, titles), line breaks become ``⏎`` and
    tabs a space, so one value can never spill over several rows.
    """
    if not text:
        return ""
    if single_line:
        text = _LINE_BREAKS.sub("\u23ce", text).replace("\t", " ")
    return _UNSAFE.sub(_visible, text)
