from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.community_milestones import (
    anniversary,
    anniversary_on,
    checkin_thresholds,
    newly_crossed,
    streak_day_thresholds,
    to_post,
    years_phrase,
)

days = st.dates(min_value=date(1990, 1, 1), max_value=date(2200, 12, 31))


# --- thresholds -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("total", "expected"),
    [
        (0, []),
        (99, []),
        (100, [100]),
        (499, [100]),
        (500, [100, 500]),
        (2499, [100, 500, 1000]),
        (10000, [100, 500, 1000, 2500, 5000, 10000]),
        (19999, [100, 500, 1000, 2500, 5000, 10000]),
        (20000, [100, 500, 1000, 2500, 5000, 10000, 20000]),
        (45000, [100, 500, 1000, 2500, 5000, 10000, 20000, 30000, 40000]),
    ],
)
def test_checkin_thresholds(total: int, expected: list[int]) -> None:
    assert checkin_thresholds(total) == expected


@pytest.mark.parametrize(
    ("total", "expected"),
    [
        (99, []),
        (100, [100]),
        (250, [100, 250]),
        (999, [100, 250, 500]),
        (10000, [100, 250, 500, 1000, 2500, 5000, 10000]),
        (30000, [100, 250, 500, 1000, 2500, 5000, 10000, 20000, 30000]),
    ],
)
def test_streak_day_thresholds(total: int, expected: list[int]) -> None:
    assert streak_day_thresholds(total) == expected


@given(st.integers(0, 200_000), st.integers(0, 200_000))
def test_thresholds_grow_with_the_total_and_stay_sorted(a: int, b: int) -> None:
    low, high = sorted((a, b))
    for ladder in (checkin_thresholds, streak_day_thresholds):
        small, large = ladder(low), ladder(high)
        assert large[: len(small)] == small  # a larger total only adds thresholds
        assert large == sorted(set(large))
        assert all(t <= high for t in large)
        if high >= 10000:
            assert all(t % 10000 == 0 for t in large if t > 10000)


@given(st.integers(0, 100_000), st.sets(st.integers(0, 100_000)))
def test_newly_crossed_leaves_out_what_was_celebrated(total: int, done: set[int]) -> None:
    reached = checkin_thresholds(total)
    crossed = newly_crossed(reached, done)
    assert set(crossed) == set(reached) - done
    top = to_post(crossed)
    assert top == (max(crossed) if crossed else None)


def test_a_quiet_spell_posts_only_the_highest() -> None:
    crossed = newly_crossed(checkin_thresholds(2600), {100})
    assert crossed == [500, 1000, 2500]
    assert to_post(crossed) == 2500
    assert to_post(newly_crossed(checkin_thresholds(2600), {100, 500, 1000, 2500})) is None


# --- anniversaries --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "day", "expected"),
    [
        (date(2025, 3, 2), date(2026, 3, 2), 1),
        (date(2025, 3, 2), date(2026, 3, 1), None),
        (date(2025, 3, 2), date(2026, 3, 3), None),
        (date(2025, 3, 2), date(2025, 3, 2), None),  # the day itself is no anniversary
        (date(2020, 3, 2), date(2026, 3, 2), 6),
        (date(2024, 2, 29), date(2025, 2, 28), 1),  # leap day -> 28 Feb in a common year
        (date(2024, 2, 29), date(2025, 3, 1), None),
        (date(2024, 2, 29), date(2028, 2, 29), 4),
        (date(2024, 2, 29), date(2028, 2, 28), None),  # a leap year has its own 29 Feb
        (date(2025, 2, 28), date(2028, 2, 28), 3),
        (date(2026, 1, 5), date(2025, 1, 5), None),  # before the start
    ],
)
def test_anniversary_on(start: date, day: date, expected: int | None) -> None:
    assert anniversary_on(start, day) == expected


@given(days, st.integers(1, 50))
def test_each_anniversary_is_found_on_its_day_only(start: date, years: int) -> None:
    due = anniversary(start, years)
    assert anniversary_on(start, due) == years
    for other in (due - timedelta(days=1), due + timedelta(days=1)):
        assert anniversary_on(start, other) != years


@given(days, days)
def test_at_most_one_anniversary_a_year_and_only_on_the_same_date(start: date, day: date) -> None:
    years = anniversary_on(start, day)
    if years is not None:
        assert years == day.year - start.year >= 1
        assert day.month == start.month
        assert day.day == start.day or (start.month, start.day, day.day) == (2, 29, 28)


def test_years_phrase() -> None:
    assert [years_phrase(n) for n in (1, 2, 10)] == ["1 year", "2 years", "10 years"]
