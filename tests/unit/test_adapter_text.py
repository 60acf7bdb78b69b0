"""Splitting long replies for platforms with a message size limit."""

from hypothesis import given
from hypothesis import strategies as st

from adapters.text import chunks


@given(
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=3000),
    st.integers(min_value=10, max_value=500),
)
def test_pieces_fit_and_keep_every_character(text: str, limit: int) -> None:
    pieces = chunks(text, limit)
    assert all(len(p) <= limit for p in pieces)
    assert "".join(pieces).replace("\n", "") == text.replace("\n", "")


def test_short_text_is_one_piece() -> None:
    assert chunks("hello", 10) == ["hello"]


def test_splits_prefer_line_breaks() -> None:
    assert chunks("aaaa\nbbbb\ncccc", 9) == ["aaaa\nbbbb", "cccc"]
