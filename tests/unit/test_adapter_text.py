"""Splitting long replies for platforms with a message size limit."""

import re

from hypothesis import given
from hypothesis import strategies as st

from adapters.text import chunks, code_points, utf16_units

TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=3000)


def _visible(text: str) -> str:
    return re.sub(r"\s", "", text)


@given(TEXT, st.integers(min_value=10, max_value=500), st.sampled_from([code_points, utf16_units]))
def test_pieces_fit_and_keep_every_visible_character(text: str, limit: int, measure) -> None:
    pieces = chunks(text, limit, measure)
    assert all(measure(p) <= limit for p in pieces)
    assert all(p.strip() for p in pieces) or pieces == [text]
    assert _visible("".join(pieces)) == _visible(text)


def test_short_text_is_one_piece() -> None:
    assert chunks("hello", 10) == ["hello"]


def test_splits_prefer_line_breaks() -> None:
    assert chunks("aaaa\nbbbb\ncccc", 9) == ["aaaa\nbbbb", "cccc"]


def test_telegram_counts_an_emoji_as_two_units() -> None:
    text = "🌱" * 3000  # 3,000 code points, 6,000 UTF-16 units
    pieces = chunks(text, 4096, utf16_units)
    assert [utf16_units(p) for p in pieces] == [4096, 1904]
    assert "".join(pieces) == text


def test_a_hard_split_prefers_a_space_near_the_end() -> None:
    pieces = chunks("word " * 30, 52)
    assert all(p.endswith(" ") or p == pieces[-1] for p in pieces)
    assert all(len(p) <= 52 for p in pieces)
