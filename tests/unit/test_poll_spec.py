"""How a lead's poll is read: flags at the end in either order, one line per option, and
what is refused."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.domain.polls import counts_shown, parse_poll


def test_flags_at_the_end_in_either_order() -> None:
    for text in ('"Q?" a | b for 3d anonymous', '"Q?" a | b anonymous for 3d'):
        spec = parse_poll(text)
        assert spec.options == ("a", "b") and spec.anonymous and spec.lasts == timedelta(days=3)
    spec = parse_poll("“When?” Mon | Tue for 12h")
    assert spec.question == "When?" and spec.lasts == timedelta(hours=12) and not spec.anonymous
    assert parse_poll('"Q?" a | b').lasts == timedelta(days=7)


def test_an_option_is_one_line_and_a_question_too() -> None:
    spec = parse_poll('"Which\nday?" Mon\nday | Tue')
    assert spec.question == "Which day?" and spec.options == ("Mon day", "Tue")


@pytest.mark.parametrize(
    "text",
    [
        "Q? a | b",
        '"Q?" a',
        '"Q?" a | ',
        '"Q?" a | A',
        '"Q?" a | b for 0h',
        '"Q?" a | b for 31d',
        '""  a | b',
    ],
)
def test_refused(text: str) -> None:
    with pytest.raises(ValueError):
        parse_poll(text)


def test_counts_from_three_voters_and_an_anonymous_polls_only_once_closed() -> None:
    assert not counts_shown(2, False, True)
    assert counts_shown(3, False, False)
    assert not counts_shown(30, True, False) and counts_shown(3, True, True)
