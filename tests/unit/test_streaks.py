from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.streaks import current_streak, local_date, longest_streak

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
AUCKLAND = ZoneInfo("Pacific/Auckland")
LOS_ANGELES = ZoneInfo("America/Los_Angeles")

dates = st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31))


def _days(start: date, n: int) -> list[date]:
    return [start + timedelta(days=i) for i in range(n)]


def _local(tz: ZoneInfo, year: int, month: int, day: int, hour: int, minute: int) -> datetime:
    """A wall-clock moment in ``tz`` expressed in UTC, as stored check-ins are."""
    return datetime(year, month, day, hour, minute, tzinfo=tz).astimezone(UTC)


# --- local_date -------------------------------------------------------------


def test_local_date_converts_utc_to_member_calendar() -> None:
    moment = datetime(2026, 5, 1, 22, 30, tzinfo=UTC)
    assert local_date(moment, BERLIN) == date(2026, 5, 2)
    assert local_date(moment, NEW_YORK) == date(2026, 5, 1)


def test_local_date_rejects_naive_datetime() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        local_date(datetime(2026, 5, 1, 12, 0), BERLIN)


def test_late_night_and_just_after_midnight_are_two_days() -> None:
    late = _local(BERLIN, 2026, 6, 10, 23, 30)
    early = _local(BERLIN, 2026, 6, 11, 0, 30)
    days = {local_date(late, BERLIN), local_date(early, BERLIN)}
    assert days == {date(2026, 6, 10), date(2026, 6, 11)}
    assert current_streak(days, date(2026, 6, 11)) == 2


def test_same_instants_give_different_streaks_in_different_zones() -> None:
    # 11:00 and 13:00 UTC straddle midnight in Auckland (NZST, UTC+12) but are
    # both early morning in Los Angeles (PDT, UTC-7).
    instants = [datetime(2026, 7, 1, 11, 0, tzinfo=UTC), datetime(2026, 7, 1, 13, 0, tzinfo=UTC)]
    akl = [local_date(m, AUCKLAND) for m in instants]
    la = [local_date(m, LOS_ANGELES) for m in instants]
    assert akl == [date(2026, 7, 1), date(2026, 7, 2)]
    assert la == [date(2026, 7, 1), date(2026, 7, 1)]
    assert current_streak(akl, date(2026, 7, 2)) == 2
    assert current_streak(la, date(2026, 7, 1)) == 1


def test_zone_decides_whether_a_streak_survives() -> None:
    # Check-ins at 18:00 UTC on Jul 1 and 06:00 UTC on Jul 3: Auckland sees
    # Jul 2 06:00 and Jul 3 18:00, Los Angeles sees Jul 1 11:00 and Jul 2 23:00.
    # At 10:00 UTC on Jul 5 it is Jul 5 in both places, so Auckland's streak
    # (last day the day before yesterday, which a check-in today may still bridge)
    # is alive while Los Angeles' (two days missed) has lapsed.
    instants = [datetime(2026, 7, 1, 18, 0, tzinfo=UTC), datetime(2026, 7, 3, 6, 0, tzinfo=UTC)]
    now = datetime(2026, 7, 5, 10, 0, tzinfo=UTC)
    akl_days = [local_date(m, AUCKLAND) for m in instants]
    la_days = [local_date(m, LOS_ANGELES) for m in instants]
    assert akl_days == [date(2026, 7, 2), date(2026, 7, 3)]
    assert la_days == [date(2026, 7, 1), date(2026, 7, 2)]
    assert local_date(now, AUCKLAND) == local_date(now, LOS_ANGELES) == date(2026, 7, 5)
    assert current_streak(akl_days, local_date(now, AUCKLAND)) == 2
    assert current_streak(la_days, local_date(now, LOS_ANGELES)) == 0


@pytest.mark.parametrize(
    ("tz", "first_day"),
    [
        (BERLIN, date(2026, 3, 25)),  # spring forward Sun 29 Mar 2026
        (BERLIN, date(2026, 10, 21)),  # fall back Sun 25 Oct 2026
        (NEW_YORK, date(2026, 3, 4)),  # spring forward Sun 8 Mar 2026
        (NEW_YORK, date(2026, 10, 28)),  # fall back Sun 1 Nov 2026
    ],
)
@pytest.mark.parametrize(("hour", "minute"), [(0, 15), (9, 0), (23, 45)])
def test_daily_checkins_across_dst_change_count_once_per_day(
    tz: ZoneInfo, first_day: date, hour: int, minute: int
) -> None:
    span = 10
    local_days = _days(first_day, span)
    instants = [_local(tz, d.year, d.month, d.day, hour, minute) for d in local_days]
    counted = [local_date(m, tz) for m in instants]
    assert counted == local_days  # no gaps, no double counting
    today = local_days[-1]
    assert current_streak(counted, today) == span
    assert longest_streak(counted) == span


def test_every_24h_in_utc_still_counts_once_per_local_day_across_dst() -> None:
    # A member checking in every 24 real hours sees their local clock shift by
    # an hour at the change, but each local day still counts exactly once.
    start = _local(BERLIN, 2026, 3, 26, 12, 0)
    counted = [local_date(start + timedelta(hours=24 * i), BERLIN) for i in range(7)]
    assert counted == _days(date(2026, 3, 26), 7)
    assert current_streak(counted, date(2026, 4, 1)) == 7


def test_the_short_and_long_dst_days_each_count_once() -> None:
    # Sample every 30 minutes through the 23-hour and 25-hour days.
    for tz, day in [(BERLIN, date(2026, 3, 29)), (BERLIN, date(2026, 10, 25))]:
        begin = datetime(day.year, day.month, day.day, tzinfo=tz).astimezone(UTC)
        stamps = [begin + timedelta(minutes=30 * i) for i in range(46 if day.month == 3 else 50)]
        assert {local_date(s, tz) for s in stamps} == {day}


# --- current_streak ---------------------------------------------------------


def test_no_checkins_means_no_streak() -> None:
    assert current_streak([], date(2026, 1, 1)) == 0


def test_streak_alive_if_last_checkin_was_yesterday() -> None:
    today = date(2026, 1, 10)
    assert current_streak(_days(date(2026, 1, 5), 5), today) == 5


def test_streak_broken_after_two_missed_days() -> None:
    today = date(2026, 1, 11)
    assert current_streak(_days(date(2026, 1, 4), 5), today) == 0


def test_one_missed_day_a_week_is_bridged() -> None:
    """Jan 1-9 checked in, Jan 10 missed, Jan 11-12 checked in: one streak of 11 days; a
    second missed day within the week (Jan 14) breaks it; after a week another is bridged."""
    first = [*_days(date(2026, 1, 1), 9), *_days(date(2026, 1, 11), 2)]
    assert current_streak(first, date(2026, 1, 12)) == 11
    second = [*first, date(2026, 1, 15)]  # Jan 13 checked in? no: Jan 13 and 14 missed
    assert current_streak(second, date(2026, 1, 15)) == 1
    within = [*first, date(2026, 1, 13), date(2026, 1, 15)]  # Jan 14 missed, 4 days after
    assert current_streak(within, date(2026, 1, 15)) == 1
    later = [*first, *_days(date(2026, 1, 13), 5), date(2026, 1, 19)]  # Jan 18 missed
    assert current_streak(later, date(2026, 1, 19)) == 11 + 5 + 1
    assert longest_streak(later) == 17


def test_gap_resets_current_but_not_longest() -> None:
    days = [*_days(date(2026, 1, 1), 6), *_days(date(2026, 1, 9), 2)]
    assert current_streak(days, date(2026, 1, 10)) == 2
    assert longest_streak(days) == 6


def test_duplicates_and_order_do_not_matter() -> None:
    days = [date(2026, 2, 3), date(2026, 2, 1), date(2026, 2, 2), date(2026, 2, 3)]
    assert current_streak(days, date(2026, 2, 3)) == 3
    assert longest_streak(days) == 3


def test_future_days_are_ignored() -> None:
    assert current_streak([date(2026, 2, 5)], date(2026, 2, 3)) == 0


def test_streak_crosses_month_and_leap_day() -> None:
    days = _days(date(2028, 2, 27), 4)  # 27, 28, 29 Feb, 1 Mar
    assert current_streak(days, date(2028, 3, 1)) == 4


def test_longest_streak_empty() -> None:
    assert longest_streak([]) == 0


# --- properties -------------------------------------------------------------


@given(start=dates, n=st.integers(min_value=1, max_value=400))
def test_n_consecutive_days_is_streak_n(start: date, n: int) -> None:
    days = _days(start, n)
    assert current_streak(days, days[-1]) == n
    assert current_streak(days, days[-1] + timedelta(days=1)) == n
    assert current_streak(days, days[-1] + timedelta(days=2)) == n  # today may bridge it
    assert current_streak(days, days[-1] + timedelta(days=3)) == 0
    assert longest_streak(days) == n


@given(st.lists(dates, max_size=60), dates)
def test_current_never_exceeds_longest(days: list[date], today: date) -> None:
    assert 0 <= current_streak(days, today) <= longest_streak(days) <= len(set(days))


@given(st.lists(dates, max_size=60))
def test_longest_streak_ignores_order_and_duplicates(days: list[date]) -> None:
    assert longest_streak(days) == longest_streak(sorted(set(days), reverse=True) + days)
