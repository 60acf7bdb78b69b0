from __future__ import annotations

from datetime import date, timedelta
from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.milestones import (
    STREAK_MILESTONES,
    PersonalMark,
    add_months,
    marks_due,
    next_mark,
    personal_marks,
    streak_milestones_reached,
)

starts = st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 12, 31))

EXPECTED_LABELS = [
    "1 week",
    "1 month",
    "3 months",
    "6 months",
    "1 year",
    *(f"{n} years" for n in range(2, 11)),
]


# --- streak milestones --------------------------------------------------------


@pytest.mark.parametrize(
    ("previous", "current", "expected"),
    [
        (0, 1, []),
        (2, 3, [3]),
        (3, 3, []),
        (3, 4, []),
        (6, 7, [7]),
        (0, 30, [3, 7, 14, 30]),
        (99, 100, [100]),
        (364, 365, [365]),
        (365, 400, []),
        (10, 2, []),  # streak broke: nothing to celebrate
    ],
)
def test_streak_milestones_reached(previous: int, current: int, expected: list[int]) -> None:
    assert streak_milestones_reached(previous, current) == expected


def test_broken_and_rebuilt_streak_earns_milestone_again() -> None:
    assert streak_milestones_reached(0, 3) == [3]


@given(st.integers(0, 500), st.integers(0, 500), st.integers(0, 500))
def test_milestones_split_across_steps_are_reported_once(a: int, b: int, c: int) -> None:
    low, mid, high = sorted((a, b, c))
    combined = streak_milestones_reached(low, mid) + streak_milestones_reached(mid, high)
    assert combined == streak_milestones_reached(low, high)
    assert set(combined) <= set(STREAK_MILESTONES)


# --- add_months ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2026, 1, 15), 1, date(2026, 2, 15)),
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2028, 1, 31), 1, date(2028, 2, 29)),
        (date(2026, 3, 31), 1, date(2026, 4, 30)),
        (date(2026, 8, 31), 3, date(2026, 11, 30)),
        (date(2026, 11, 30), 3, date(2027, 2, 28)),
        (date(2026, 12, 15), 1, date(2027, 1, 15)),
        (date(2028, 2, 29), 12, date(2029, 2, 28)),
        (date(2028, 2, 29), 48, date(2032, 2, 29)),
        (date(2026, 3, 31), -1, date(2026, 2, 28)),
        (date(2026, 1, 10), 0, date(2026, 1, 10)),
    ],
)
def test_add_months(start: date, months: int, expected: date) -> None:
    assert add_months(start, months) == expected


def test_add_months_out_of_range() -> None:
    with pytest.raises(OverflowError):
        add_months(date(9999, 12, 1), 1)


@given(starts, st.integers(-240, 240))
def test_add_months_lands_in_target_month(start: date, months: int) -> None:
    result = add_months(start, months)
    assert (result.year * 12 + result.month) - (start.year * 12 + start.month) == months
    assert result.day <= start.day
    if result.day < start.day:  # only ever clamped to the month's last day
        assert (result + timedelta(days=1)).day == 1


# --- personal marks -------------------------------------------------------------


def test_personal_marks_schedule() -> None:
    marks = personal_marks(date(2026, 1, 31))
    assert [m.label for m in marks] == EXPECTED_LABELS
    assert marks[:6] == [
        PersonalMark("1 week", date(2026, 2, 7)),
        PersonalMark("1 month", date(2026, 2, 28)),
        PersonalMark("3 months", date(2026, 4, 30)),
        PersonalMark("6 months", date(2026, 7, 31)),
        PersonalMark("1 year", date(2027, 1, 31)),
        PersonalMark("2 years", date(2028, 1, 31)),
    ]
    assert marks[-1] == PersonalMark("10 years", date(2036, 1, 31))


def test_leap_day_start() -> None:
    marks = {m.label: m.due for m in personal_marks(date(2028, 2, 29))}
    assert marks["1 week"] == date(2028, 3, 7)
    assert marks["1 month"] == date(2028, 3, 29)
    assert marks["1 year"] == date(2029, 2, 28)
    assert marks["4 years"] == date(2032, 2, 29)


def test_marks_near_end_of_calendar_are_dropped_not_raised() -> None:
    marks = personal_marks(date(9995, 6, 1))
    assert marks[-1] == PersonalMark("4 years", date(9999, 6, 1))


@given(starts)
def test_personal_marks_strictly_increasing(start: date) -> None:
    dues = [m.due for m in personal_marks(start)]
    assert len(dues) == len(EXPECTED_LABELS)
    assert dues[0] == start + timedelta(days=7)
    assert all(a < b for a, b in pairwise(dues))


# --- marks_due / next_mark ------------------------------------------------------

START = date(2026, 1, 31)


def test_marks_due_window_is_after_exclusive_upto_inclusive() -> None:
    week = date(2026, 2, 7)
    assert marks_due(START, week - timedelta(days=1), week) == [PersonalMark("1 week", week)]
    assert marks_due(START, week, week + timedelta(days=1)) == []
    assert marks_due(START, week - timedelta(days=2), week - timedelta(days=1)) == []


def test_marks_due_catches_up_after_downtime() -> None:
    due = marks_due(START, date(2026, 2, 1), date(2026, 5, 1))
    assert [m.label for m in due] == ["1 week", "1 month", "3 months"]


def test_marks_due_empty_or_inverted_window() -> None:
    assert marks_due(START, date(2026, 2, 7), date(2026, 2, 7)) == []
    assert marks_due(START, date(2026, 5, 1), date(2026, 2, 1)) == []


@given(starts, st.lists(st.integers(0, 4000), min_size=1, max_size=8))
def test_marks_due_over_consecutive_windows_fires_each_mark_once(
    start: date, offsets: list[int]
) -> None:
    checkpoints = [start] + [start + timedelta(days=o) for o in sorted(offsets)]
    fired = [
        mark for after, upto in pairwise(checkpoints) for mark in marks_due(start, after, upto)
    ]
    assert fired == marks_due(start, start, checkpoints[-1])
    assert len(fired) == len(set(fired))


def test_next_mark() -> None:
    assert next_mark(START, START) == PersonalMark("1 week", date(2026, 2, 7))
    assert next_mark(START, date(2026, 2, 6)) == PersonalMark("1 week", date(2026, 2, 7))
    # A mark due today has been announced already; "next" is the one after it.
    assert next_mark(START, date(2026, 2, 7)) == PersonalMark("1 month", date(2026, 2, 28))
    assert next_mark(START, date(2036, 1, 30)) == PersonalMark("10 years", date(2036, 1, 31))
    assert next_mark(START, date(2036, 1, 31)) is None


@given(starts, st.integers(-30, 4000))
def test_next_mark_is_first_of_what_will_come_due(start: date, offset: int) -> None:
    today = start + timedelta(days=offset)
    upcoming = marks_due(start, today, date(9999, 12, 31))
    assert next_mark(start, today) == (upcoming[0] if upcoming else None)
