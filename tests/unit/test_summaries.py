from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.summaries import average, daily_means, sparkline, trend

mood_values = st.one_of(st.none(), st.floats(min_value=1, max_value=5))
BARS = set("▁▂▄▆█")


# --- sparkline ------------------------------------------------------------------


def test_sparkline_uses_fixed_scale() -> None:
    assert sparkline([1, 2, 3, 4, 5]) == "▁▂▄▆█"
    # Not stretched: a flat week of "okay" stays mid-height.
    assert sparkline([3, 3, 3]) == "▄▄▄"
    assert sparkline([4, 5]) == "▆█"


def test_sparkline_marks_missing_days() -> None:
    assert sparkline([None, 2, None]) == "·▂·"
    assert sparkline([float("nan")]) == "·"


def test_sparkline_rounds_half_up_and_clamps() -> None:
    assert sparkline([1.49, 1.5, 2.5, 3.5, 4.5]) == "▁▂▄▆█"
    assert sparkline([0, 9]) == "▁█"


def test_sparkline_empty() -> None:
    assert sparkline([]) == ""


@given(st.lists(mood_values, max_size=60))
def test_sparkline_one_char_per_day(values: list[float | None]) -> None:
    line = sparkline(values)
    assert len(line) == len(values)
    for char, value in zip(line, values, strict=True):
        assert (char == "·") == (value is None)
        assert char in BARS or char == "·"


# --- average --------------------------------------------------------------------


def test_average_skips_missing_days() -> None:
    assert average([1, None, 3]) == 2
    assert average([None, None]) is None
    assert average([]) is None
    assert average(iter([4, 5])) == 4.5


@given(st.lists(mood_values, max_size=60))
def test_average_within_range(values: list[float | None]) -> None:
    result = average(values)
    present = [v for v in values if v is not None]
    if not present:
        assert result is None
    else:
        assert result is not None
        assert min(present) - 1e-9 <= result <= max(present) + 1e-9


# --- trend ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([], "not enough data"),
        ([3, 4], "not enough data"),
        ([3, None, None, 4], "not enough data"),
        ([1, 2, 3], "rising"),
        ([5, 4, 3, 2, 1], "falling"),
        ([3, 3, 3, 3], "steady"),
        ([3, 4, 3, 4, 3, 4, 3], "steady"),
        ([2, None, None, None, 3, None, 4], "rising"),
        ([4, 4, 4, 4, 4, 4, 1], "falling"),
    ],
)
def test_trend(values: list[float | None], expected: str) -> None:
    assert trend(values) == expected


def test_trend_steady_threshold() -> None:
    # Slope of 0.04 mood/day over a month is noise; 0.06 is a real drift.
    assert trend([3 + 0.04 * i for i in range(30)]) == "steady"
    assert trend([3 + 0.06 * i for i in range(30)]) == "rising"
    assert trend([3 - 0.06 * i for i in range(30)]) == "falling"


def test_trend_uses_day_position_not_just_order() -> None:
    # Same present values; the gap changes the slope but not its sign.
    assert trend([2, 3, 4]) == trend([2, None, None, None, None, 3, 4]) == "rising"


@given(
    st.floats(min_value=1, max_value=5),
    st.lists(st.floats(min_value=0.1, max_value=1), min_size=2, max_size=30),
)
def test_trend_rises_when_every_day_is_clearly_better(start: float, steps: list[float]) -> None:
    # The least-squares slope is a weighted mean of the day-to-day changes, so
    # if each change is at least 0.1 the slope is too: never "steady".
    values = [start]
    for step in steps:
        values.append(values[-1] + step)
    assert trend(values) == "rising"
    assert trend(values[::-1]) == "falling"


@given(st.lists(mood_values, max_size=40))
def test_trend_mirrors_when_values_reverse(values: list[float | None]) -> None:
    forward, backward = trend(values), trend(values[::-1])
    mirror = {"rising": "falling", "falling": "rising"}
    if forward in mirror and backward in mirror:
        assert backward == mirror[forward]


# --- daily_means ----------------------------------------------------------------


def test_daily_means_one_value_per_day() -> None:
    first = date(2026, 3, 1)
    entries = [
        (date(2026, 3, 1), 2),
        (date(2026, 3, 1), 4),
        (date(2026, 3, 3), 5),
        (date(2026, 2, 28), 1),  # before the window
        (date(2026, 3, 5), 1),  # after the window
    ]
    assert daily_means(entries, first, date(2026, 3, 4)) == [3.0, None, 5.0, None]


def test_daily_means_single_day_and_inverted_window() -> None:
    day = date(2026, 3, 1)
    assert daily_means([(day, 4)], day, day) == [4.0]
    assert daily_means([(day, 4)], day, day - timedelta(days=1)) == []


@given(
    st.lists(
        st.tuples(st.dates(date(2026, 1, 1), date(2026, 3, 31)), st.integers(1, 5)),
        max_size=80,
    ),
    st.dates(date(2026, 1, 1), date(2026, 3, 31)),
    st.integers(0, 60),
)
def test_daily_means_properties(entries: list[tuple[date, int]], first: date, span: int) -> None:
    last = first + timedelta(days=span)
    means = daily_means(entries, first, last)
    assert len(means) == span + 1
    for offset, value in enumerate(means):
        moods = [m for d, m in entries if d == first + timedelta(days=offset)]
        if moods:
            assert value == pytest.approx(sum(moods) / len(moods))
        else:
            assert value is None
    assert len(sparkline(means)) == len(means)
