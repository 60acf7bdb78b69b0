"""What the charts show, decided before anything is drawn."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.aggregates import aggregate
from bot.domain.charts import CommunityChart, Week, mood_chart, rolling_mean, smoothing_window

LAST = date(2026, 11, 30)
mood_values = st.one_of(st.none(), st.integers(min_value=1, max_value=5).map(float))


@given(st.lists(mood_values, max_size=120), st.integers(min_value=1, max_value=30))
def test_rolling_mean_stays_within_its_window(values: list[float | None], window: int) -> None:
    smoothed = rolling_mean(values, window)
    assert len(smoothed) == len(values)
    for i, value in enumerate(smoothed):
        seen = [v for v in values[max(0, i - window + 1) : i + 1] if v is not None]
        if not seen:
            assert value is None  # a stretch without check-ins is a gap, not a zero
        else:
            assert value is not None
            assert min(seen) - 1e-9 <= value <= max(seen) + 1e-9


def test_rolling_mean_skips_gaps_instead_of_counting_them_as_zero() -> None:
    assert rolling_mean([4.0, None, 2.0, None, None, None], 3) == [4.0, 4.0, 3.0, 2.0, 2.0, None]


def test_window_grows_with_the_period() -> None:
    assert [smoothing_window(d) for d in (7, 30, 90, 365)] == [3, 7, 7, 28]


def _entries(days_back: list[int], mood: int = 4, tags: tuple[str, ...] = ()) -> list:
    return [(LAST - timedelta(days=n), mood, tags) for n in days_back]


def test_mood_chart_keeps_only_its_window_and_averages_a_day() -> None:
    entries = [
        *_entries([0], 2, ("tired",)),
        *_entries([0], 4, ("tired", "hopeful")),
        *_entries([6], 5),
        *_entries([7, 40], 1, ("sad",)),  # outside a 7-day window
    ]
    chart = mood_chart(entries, LAST, 7, streak=1)
    assert chart.days[0] == LAST - timedelta(days=6) and chart.days[-1] == LAST
    assert chart.values[-1] == 3.0  # 2 and 4 on the same day
    assert chart.values[0] == 5.0
    assert chart.values[1:-1] == (None,) * 5
    assert chart.checkins == 3
    assert chart.checkin_days == 2
    assert chart.feelings == (("tired", 2), ("hopeful", 1))  # "sad" was outside the window


def test_streak_start_counts_back_from_today_or_yesterday() -> None:
    today = mood_chart(_entries([0, 1, 2]), LAST, 30, streak=3)
    assert today.streak_start == LAST - timedelta(days=2)
    yesterday = mood_chart(_entries([1, 2]), LAST, 30, streak=2)
    assert yesterday.streak_start == LAST - timedelta(days=2)
    assert mood_chart(_entries([5]), LAST, 30, streak=0).streak_start is None


def test_feelings_are_the_most_named_first_and_capped() -> None:
    tags = ("anxious", "calm", "grateful", "hopeful", "lonely", "numb", "proud", "sad")
    entries = [(LAST, 3, tags[: i + 1]) for i in range(len(tags))]
    chart = mood_chart(entries, LAST, 7, streak=1)
    assert chart.feelings[0] == ("anxious", 8)
    assert len(chart.feelings) == 6
    assert [count for _, count in chart.feelings] == sorted(
        (count for _, count in chart.feelings), reverse=True
    )


@pytest.mark.parametrize("days", [0, -1, 367])
def test_a_chart_period_is_bounded(days: int) -> None:
    with pytest.raises(ValueError):
        mood_chart([], LAST, days, streak=0)


def _week(n: int, members: int) -> Week:
    rows = [(m, 1 + m % 5) for m in range(members)]
    return Week(LAST - timedelta(weeks=n), aggregate(rows, 5))


def test_community_chart_is_drawable_only_when_a_week_reached_the_threshold() -> None:
    below = CommunityChart(tuple(_week(n, 4) for n in (4, 3, 2, 1)), 5)
    assert all(w.result is None for w in below.weeks)
    assert not below.drawable
    one = CommunityChart((_week(4, 4), _week(3, 5), _week(2, 4), _week(1, 3)), 5)
    assert one.drawable and len(one.shown) == 1
    assert one.trend == "not enough data"  # one shown week is no trend


def test_the_average_line_waits_for_enough_days() -> None:
    """One day alone at the start is a point, not an average that swings with it."""
    values = [None, 5.0, None, None, 1.0, 3.0, 3.0, 3.0]
    smoothed = rolling_mean(values, 7, at_least=3)
    assert smoothed[:5] == [None] * 5
    assert smoothed[5] == pytest.approx(3.0)


def test_a_new_members_chart_starts_at_their_first_checkin() -> None:
    entries = _entries([0, 1, 2, 3, 4, 5, 6, 7, 8, 9])
    chart = mood_chart(entries, LAST, 90, streak=10, began=LAST - timedelta(days=9))
    assert len(chart.days) == 10 and chart.asked == 90 and chart.since_start
    assert chart.checkin_days == 10  # nothing empty before the first check-in
    short = mood_chart(_entries([0, 1]), LAST, 90, streak=2, began=LAST - timedelta(days=1))
    assert len(short.days) == 7  # at least a week
    settled = mood_chart(entries, LAST, 7, streak=10, began=LAST - timedelta(days=300))
    assert len(settled.days) == 7 and not settled.since_start


def test_the_last_week_is_said_beside_the_trend() -> None:
    def week(n: int, mood: int) -> Week:
        members = [(m, mood) for m in range(6)] + [(9, 1), (10, 5)]
        return Week(LAST - timedelta(weeks=n), aggregate(members, 5))

    chart = CommunityChart((week(3, 2), week(2, 3), week(1, 5), week(0, 4)), 5)
    assert chart.trend == "rising"
    assert chart.last_change is not None and "lower than the one before" in chart.last_change


def test_the_shaded_streak_spans_a_bridged_day() -> None:
    """Four check-in days with one missed day among them: the streak of 4 is shaded from its
    first check-in, five days back, not four."""
    entries = _entries([0, 1, 3, 4])  # LAST-2 missed, bridged
    chart = mood_chart(entries, LAST, 7, streak=4)
    assert chart.streak_start == LAST - timedelta(days=4)
    alive = mood_chart(_entries([2, 3]), LAST, 7, streak=2)  # yesterday missed: still alive
    assert alive.streak_start == LAST - timedelta(days=3)
