"""Make untrusted text (subjects, bodies, names) safe to put on a terminal.

Rich and Textual strip only BEL, BS, VT, FF and CR: ESC, CSI sequences, OSC 52
(clipboard), OSC 8 (hyperlinks), the 8-bit CSI byte and bidi overrides reach
the terminal. ``clean`` turns every such character into a visible stand-in, so
hostile text is shown, never executed. Markup is a separate matter: callers
still hand the result to Rich/Textual as plain text (``Text(...)``,
``markup=False``), never as markup.

What is hidden is decided by Unicode category, not by a list of code points:
every control (Cc), format character (Cf: zero-width spaces and joiners, bidi
marks, embeddings, overrides and isolates, the tag block, the BOM), line and
paragraph separator (Zl, Zp), lone surrogate (Cs), private-use character (Co)
and noncharacter, plus the few letters and marks Unicode defines as drawing
nothing (Hangul fillers, the combining grapheme joiner). Emoji stay whole: a
zero-width joiner between two pictographs, a single variation selector after a
character and the tag sequence of a subdivision flag are what they draw;
a joiner between two letters of a script that needs it (Persian, Indic) too.
"""

from __future__ import annotations

import re
import unicodedata

SKIPPED = (
    ("\u00a0", "\u00ac"),  # Latin-1 (not the soft hyphen)
    ("\u00ae", "\u034e"),  # Latin, IPA, spacing and combining marks (not the grapheme joiner)
    ("\u0350", "\u05ff"),  # Greek, Cyrillic, Armenian, Hebrew
    ("\u0900", "\u10ff"),  # Indic scripts to Georgian
    ("\u1200", "\u167f"),  # Ethiopic, Cherokee, Canadian syllabics
    ("\u3040", "\u312f"),  # kana, bopomofo (not the Hangul filler after them)
    ("\u3190", "\u9fff"),  # CJK ideographs
    ("\uac00", "\ud7a3"),  # Hangul syllables
)
"""Ranges that hold no hidden character, passed without a look: speed only (ordinary
letters never reach the per-character check); tests/cli/test_sanitize.py proves
every character in them is one the category rule shows as is."""
_CANDIDATE = re.compile(
    # a subdivision flag (England: U+1F3F4, tag letters, CANCEL TAG) is kept whole
    "(?P<flag>\U0001f3f4[\U000e0030-\U000e0039\U000e0061-\U000e007a]{2,6}\U000e007f)"
    # everything else is looked at, but tab, newline, printable ASCII and SKIPPED
    f"|[^\t\n\x20-\x7e{''.join(f'{a}-{b}' for a, b in SKIPPED)}]"
)
_LINE_BREAKS = re.compile("\r\n|\n")
_HIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Zl", "Zp"})
_DRAW_NOTHING = frozenset("\u034f\u115f\u1160\u17b4\u17b5\u3164\uffa0")
"""Default-ignorable letters and marks (not Cf) that show as blank: invisible names."""
_JOINERS = frozenset("\u200c\u200d")  # ZWNJ, ZWJ
_VARIATION = re.compile("[\ufe00-\ufe0f\U000e0100-\U000e01ef]")
_PICTOGRAPH_BEFORE = frozenset({"So", "Sk"})  # an emoji, or a skin-tone modifier


def _is_variation(char: str) -> bool:
    return _VARIATION.fullmatch(char) is not None


def _is_noncharacter(code: int) -> bool:
    return 0xFDD0 <= code <= 0xFDEF or (code & 0xFFFE) == 0xFFFE


def _joins(text: str, at: int) -> bool:
    """Whether the joiner at ``at`` sits inside an emoji or between two joining letters."""
    if at == 0 or at + 1 >= len(text):
        return False
    before, after = text[at - 1], text[at + 1]
    if unicodedata.category(after) == "So" and (
        unicodedata.category(before) in _PICTOGRAPH_BEFORE or before == "\ufe0f"
    ):
        return True
    letters = (unicodedata.category(before)[0], unicodedata.category(after)[0])
    return ord(before) > 0x2FF and ord(after) > 0x2FF and set(letters) <= {"L", "M"}


def _selects(text: str, at: int) -> bool:
    """Whether the variation selector at ``at`` is the only one after a visible character."""
    if at == 0:
        return False
    before = text[at - 1]
    if _is_variation(before) or unicodedata.category(before) in _HIDDEN_CATEGORIES:
        return False
    return not (at + 1 < len(text) and _is_variation(text[at + 1]))


def _shown_as_is(text: str, at: int) -> bool:
    char = text[at]
    if char in _JOINERS:
        return _joins(text, at)
    if _is_variation(char):
        return _selects(text, at)
    if char in _DRAW_NOTHING or _is_noncharacter(ord(char)):
        return False
    return unicodedata.category(char) not in _HIDDEN_CATEGORIES


def _visible(match: re.Match[str]) -> str:
    char = match.group()
    if match.group("flag") or _shown_as_is(match.string, match.start()):
        return char
    code = ord(char)
    if code < 0x20:
        return chr(0x2400 + code)  # ␀ … ␟ (ESC shows as ␛)
    if code == 0x7F:
        return "\u2421"  # ␡
    return f"<U+{code:04X}>"


def clean(text: str | None, *, single_line: bool = False) -> str:
    """``text`` with every terminal-controlling or invisible character made visible.

    With ``single_line`` (table cells, titles), line breaks become ``⏎`` and
    tabs a space, so one value can never spill over several rows.
    """
    if not text:
        return ""
    if single_line:
        text = _LINE_BREAKS.sub("\u23ce", text).replace("\t", " ")
    return _CANDIDATE.sub(_visible, text)
