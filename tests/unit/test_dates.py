"""Dates as members write them, in every language Haven speaks (bot/domain/dates.py), and as a
command reads them (a date in words spans several words)."""

from __future__ import annotations

from datetime import date

import pytest

from bot.core.options import ArgumentError, Kind, Option, parse_options
from bot.domain.dates import read_date

JAN_10 = date(2026, 1, 10)


@pytest.mark.parametrize(
    "text",
    [
        "2026-01-10",
        "10 January 2026",
        "January 10, 2026",
        "10th of January 2026",
        "10 Jan 2026",
        "10 enero 2026",
        "10 de enero de 2026",
        "10 ENE 2026",
        "10. Januar 2026",
        "10. Jänner 2026",
        "10.01.2026",
        "10 janvier 2026",
        "10 janv. 2026",
        "10 de janeiro de 2026",
        "10 jan. 2026",
    ],
)
def test_a_date_in_any_language(text: str) -> None:
    assert read_date(text) == JAN_10


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1er mars 2026", date(2026, 3, 1)),
        ("1º de maio de 2026", date(2026, 5, 1)),
        ("3 März 2026", date(2026, 3, 3)),
        ("3 marz 2026", date(2026, 3, 3)),  # accents optional
        ("août 15 2026", date(2026, 8, 15)),
        ("15 dezembro 2026", date(2026, 12, 15)),
    ],
)
def test_other_months_and_ordinals(text: str, expected: date) -> None:
    assert read_date(text) == expected


@pytest.mark.parametrize(
    "text",
    ["01/02/2026", "31 April 2026", "10 enero", "sober 2026", "1 2 2026", "10 blorp 2026", ""],
)
def test_what_is_no_date(text: str) -> None:
    """Slashes are ambiguous (January or February?), a date needs its year, and an impossible
    day is no date."""
    assert read_date(text) is None


SINCE = Option("since", Kind.DATE, "The day it began", required=True)
LABEL = Option("label", Kind.WORD, "What it is", required=True)


def test_a_command_reads_a_date_in_words() -> None:
    parsed = parse_options([LABEL, SINCE], '"sin fumar" 10 de enero de 2026')
    assert parsed == {"label": "sin fumar", "since": JAN_10}
    assert parse_options([LABEL, SINCE], "sober 2026-01-10")["since"] == JAN_10


def test_words_after_a_date_are_still_refused() -> None:
    with pytest.raises(ArgumentError, match="unexpected"):
        parse_options([LABEL, SINCE], "sober 10 January 2026 please")
    with pytest.raises(ArgumentError, match="must be a date"):
        parse_options([LABEL, SINCE], "sober 10 January")
