"""The sanitiser: hostile text is shown, never executed; ordinary text is left alone."""

from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from padcom_cli.sanitize import clean

CONTROLS = "".join(chr(c) for c in [*range(0x00, 0x20), 0x7F, *range(0x80, 0xA0)])
ALLOWED_CONTROLS = {"\n", "\t"}


def _is_control(char: str) -> bool:
    code = ord(char)
    return code < 0x20 or 0x7F <= code <= 0x9F


@given(st.text())
def test_no_control_character_but_newline_and_tab_survives(text: str) -> None:
    out = clean(text)
    assert all(not _is_control(c) or c in ALLOWED_CONTROLS for c in out)
    assert "\x1b" not in out and "\x9b" not in out and "\x07" not in out


@given(st.text(alphabet=st.sampled_from(CONTROLS + "ab[]\n\t")))
def test_dense_control_text_is_made_visible(text: str) -> None:
    out = clean(text)
    assert not any(_is_control(c) and c not in ALLOWED_CONTROLS for c in out)
    # every removed control left a visible stand-in: nothing silently vanishes
    assert len(out) >= len(text)


@given(st.text())
def test_single_line_has_no_line_breaks_at_all(text: str) -> None:
    out = clean(text, single_line=True)
    assert not any(_is_control(c) for c in out)
    assert "\u2028" not in out and "\u2029" not in out


@given(
    st.text(
        alphabet=st.characters(
            blacklist_categories=("Cc", "Cf", "Cs", "Zl", "Zp"),
        )
    )
)
def test_printable_text_is_unchanged(text: str) -> None:
    assert clean(text) == text


@given(st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cf", "Cs", "Zl", "Zp"))))
def test_printable_text_with_newlines_and_tabs_is_unchanged(text: str) -> None:
    mixed = f"{text}\n\t{text}"
    assert clean(mixed) == mixed


def test_known_attacks_become_symbols() -> None:
    assert clean("\x1b[2J") == "␛[2J"
    assert clean("\x1b]52;c;aGk=\x07") == "␛]52;c;aGk=␇"
    assert clean("\x1b]8;;http://evil\x1b\\x\x1b]8;;\x1b\\") == "␛]8;;http://evil␛\\x␛]8;;␛\\"
    assert clean("\x9b2J") == "<U+009B>2J"
    assert clean("a\rb\x7f") == "a␍b␡"
    assert clean("\u202eevil") == "<U+202E>evil"
    assert unicodedata.category(clean("\x00")) == "So"
