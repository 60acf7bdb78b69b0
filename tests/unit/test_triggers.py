from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.base import BaseTrigger
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain.schedule_spec import DAY_NAMES, parse_spec
from bot.scheduler.triggers import (
    EveryNDaysTrigger,
    LocalTimeTrigger,
    fire_times,
    resolve_local,
    shortest_gap,
    trigger_for,
)

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
ANCHOR = datetime(2026, 1, 1, tzinfo=UTC)


def fires(spec: str, tz: ZoneInfo, start: date, end: date, anchor: datetime = ANCHOR) -> list:
    """Local fire times on the local days from ``start`` up to, not including, ``end``."""
    trigger = trigger_for(parse_spec(spec), tz, anchor)
    tick = timedelta(microseconds=1)
    after, until = (datetime.combine(day, time(), tz) - tick for day in (start, end))
    times = fire_times(trigger, after, until)
    return [t.astimezone(tz) for t in times]


def assert_once_a_day_at(times: list[datetime], hour: int, minute: int) -> None:
    assert all((t.hour, t.minute) == (hour, minute) for t in times)
    days = [t.date() for t in times]
    assert len(set(days)) == len(days)


# --- weekdays and daily across daylight-saving changes --------------------------------


@pytest.mark.parametrize("spec", ["weekdays 18:30", "30 18 * * 1-5", "mon-fri 18:30"])
def test_weekdays_fire_five_times_a_week_around_the_autumn_change(spec: str) -> None:
    times = fires(spec, BERLIN, date(2026, 10, 12), date(2026, 11, 9))  # four Monday-weeks
    assert_once_a_day_at(times, 18, 30)
    assert all(t.weekday() < 5 for t in times)
    weeks = Counter(t.isocalendar().week for t in times)
    assert sorted(weeks.values()) == [5, 5, 5, 5]
    offsets = {t.date(): t.utcoffset() for t in times}
    assert offsets[date(2026, 10, 23)] == timedelta(hours=2)
    assert offsets[date(2026, 10, 26)] == timedelta(hours=1)


@pytest.mark.parametrize(
    ("tz", "change"),
    [
        (BERLIN, date(2026, 3, 29)),
        (BERLIN, date(2026, 10, 25)),
        (NEW_YORK, date(2026, 3, 8)),
        (NEW_YORK, date(2026, 11, 1)),
    ],
)
def test_daily_fires_once_a_day_at_the_same_local_time(tz: ZoneInfo, change: date) -> None:
    start, end = change - timedelta(days=3), change + timedelta(days=4)
    times = fires("daily 09:00", tz, start, end)
    assert [t.date() for t in times] == [start + timedelta(days=i) for i in range(7)]
    assert_once_a_day_at(times, 9, 0)
    real_gaps = {b.astimezone(UTC) - a.astimezone(UTC) for a, b in pairwise(times)}
    assert timedelta(hours=24) in real_gaps
    assert len(real_gaps) == 2  # one 23- or 25-hour day, all others 24 hours


@pytest.mark.parametrize(
    ("tz", "change", "spec", "expected_utc"),
    [
        (BERLIN, date(2026, 3, 29), "daily 02:30", datetime(2026, 3, 29, 1, 0, tzinfo=UTC)),
        (BERLIN, date(2026, 3, 29), "daily 02:00", datetime(2026, 3, 29, 1, 0, tzinfo=UTC)),
        (NEW_YORK, date(2026, 3, 8), "daily 02:30", datetime(2026, 3, 8, 7, 0, tzinfo=UTC)),
        (BERLIN, date(2026, 3, 29), "30 2 * * *", datetime(2026, 3, 29, 1, 0, tzinfo=UTC)),
    ],
)
def test_a_time_skipped_by_spring_forward_fires_once_at_the_next_valid_minute(
    tz: ZoneInfo, change: date, spec: str, expected_utc: datetime
) -> None:
    times = fires(spec, tz, change - timedelta(days=1), change + timedelta(days=2))
    on_the_day = [t for t in times if t.date() == change]
    assert on_the_day == [expected_utc]
    assert (on_the_day[0].hour, on_the_day[0].minute) == (3, 0)
    assert len(times) == 3


@pytest.mark.parametrize(
    ("tz", "change", "spec", "expected_utc"),
    [
        (BERLIN, date(2026, 10, 25), "daily 02:30", datetime(2026, 10, 25, 0, 30, tzinfo=UTC)),
        (NEW_YORK, date(2026, 11, 1), "daily 01:30", datetime(2026, 11, 1, 5, 30, tzinfo=UTC)),
        (BERLIN, date(2026, 10, 25), "30 2 * * *", datetime(2026, 10, 25, 0, 30, tzinfo=UTC)),
    ],
)
def test_a_time_repeated_by_fall_back_fires_once_at_its_first_occurrence(
    tz: ZoneInfo, change: date, spec: str, expected_utc: datetime
) -> None:
    times = fires(spec, tz, change - timedelta(days=1), change + timedelta(days=2))
    # compared in UTC: an ambiguous local time never equals a time in another zone
    assert [t.astimezone(UTC) for t in times if t.date() == change] == [expected_utc]
    assert all(t.fold == 0 for t in times)
    assert len(times) == 3


def test_half_hourly_cron_never_repeats_or_goes_back_across_either_change() -> None:
    for day in (date(2026, 3, 29), date(2026, 10, 25)):
        times = fires("*/30 * * * *", BERLIN, day, day + timedelta(days=1))
        utc = [t.astimezone(UTC) for t in times]
        assert utc == sorted(set(utc))
        walls = [t.replace(tzinfo=None) for t in times]
        assert walls == sorted(set(walls))  # each local half hour at most once
        hourly = trigger_for(parse_spec("0 * * * *"), BERLIN, ANCHOR)
        assert shortest_gap(hourly, datetime.combine(day, time(), BERLIN), 10) == timedelta(hours=1)
    assert len(fires("*/30 * * * *", BERLIN, date(2026, 3, 29), date(2026, 3, 30))) == 46
    assert len(fires("*/30 * * * *", BERLIN, date(2026, 10, 25), date(2026, 10, 26))) == 48


def test_asking_like_the_timeline_does_moves_through_the_fold() -> None:
    trigger = trigger_for(parse_spec("*/30 * * * *"), BERLIN, ANCHOR)
    at, seen = datetime(2026, 10, 24, 23, 45, tzinfo=UTC), []
    for _ in range(6):
        nxt = trigger.get_next_fire_time(None, at + timedelta(microseconds=1))
        assert nxt is not None
        seen.append(nxt.astimezone(UTC))
        at = nxt
    assert seen == sorted(set(seen))
    assert seen[0] == datetime(2026, 10, 25, 0, 0, tzinfo=UTC)  # 02:00 CEST
    assert seen[2] == datetime(2026, 10, 25, 2, 0, tzinfo=UTC)  # 03:00 CET, repeats skipped


# --- every N days ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tz", "change"), [(BERLIN, date(2026, 3, 29)), (NEW_YORK, date(2026, 11, 1))]
)
def test_every_two_days_keeps_the_local_time_and_skips_alternate_days(
    tz: ZoneInfo, change: date
) -> None:
    first = change - timedelta(days=6)
    anchor = datetime.combine(first, time(6), tz)
    times = fires("every 2 days 08:00", tz, first, change + timedelta(days=7), anchor)
    assert_once_a_day_at(times, 8, 0)
    assert [t.date() for t in times] == [first + timedelta(days=2 * i) for i in range(7)]
    assert len({t.utcoffset() for t in times}) == 2  # both sides of the change


def test_every_n_days_counts_from_the_anchors_local_date() -> None:
    anchor = datetime(2026, 3, 1, 23, 30, tzinfo=UTC)  # already 2 March in Berlin
    trigger = trigger_for(parse_spec("every 3 days 08:00"), BERLIN, anchor)
    assert isinstance(trigger, EveryNDaysTrigger)
    times = fire_times(trigger, anchor, datetime(2026, 3, 12, tzinfo=UTC))
    assert [t.day for t in times] == [2, 5, 8, 11]  # counted from 2 March, not 1 March
    assert "every 3 days at 08:00 from 2026-03-02" in str(trigger)
    later = trigger.get_next_fire_time(None, datetime(2026, 3, 2, 8, 1, tzinfo=BERLIN))
    assert later == datetime(2026, 3, 5, 8, 0, tzinfo=BERLIN)


def test_every_n_days_in_a_gap_fires_at_the_gap_end() -> None:
    anchor = datetime(2026, 3, 27, 12, tzinfo=BERLIN)
    times = fires("every 2 days 02:30", BERLIN, date(2026, 3, 27), date(2026, 4, 2), anchor)
    assert [(t.day, t.hour, t.minute) for t in times] == [(27, 2, 30), (29, 3, 0), (31, 2, 30)]


# --- cron day of month, shortest gap --------------------------------------------------


def test_cron_days_of_month_and_weekday_numbers() -> None:
    times = fires("0 9 1,15 * *", NEW_YORK, date(2026, 1, 1), date(2026, 4, 1))
    assert [(t.month, t.day) for t in times] == [(1, 1), (1, 15), (2, 1), (2, 15), (3, 1), (3, 15)]
    assert_once_a_day_at(times, 9, 0)
    sundays = fires("0 9 * * 0", BERLIN, date(2026, 1, 1), date(2026, 1, 31))
    assert {t.weekday() for t in sundays} == {6}  # cron 0 is Sunday; APScheduler 3 says Monday


def test_cron_on_the_31st_skips_shorter_months_and_feb_29_waits_for_a_leap_year() -> None:
    times = fires("0 9 31 * *", BERLIN, date(2026, 1, 1), date(2027, 1, 1))
    assert [t.month for t in times] == [1, 3, 5, 7, 8, 10, 12]
    leap = trigger_for(parse_spec("0 9 29 feb *"), BERLIN, ANCHOR).get_next_fire_time(None, ANCHOR)
    assert leap == datetime(2028, 2, 29, 9, 0, tzinfo=BERLIN)


@pytest.mark.parametrize(
    ("spec", "gap"),
    [
        ("*/30 * * * *", timedelta(minutes=30)),
        ("0 * * * *", timedelta(hours=1)),
        ("0,45 9 * * *", timedelta(minutes=45)),
        ("daily 09:00", timedelta(hours=23)),  # the spring-forward day is 23 hours long
        ("weekdays 18:30", timedelta(hours=24)),
        ("every 2 days 08:00", timedelta(hours=48)),
    ],
)
def test_shortest_gap(spec: str, gap: timedelta) -> None:
    start = datetime(2026, 3, 27, 12, tzinfo=UTC)
    trigger = trigger_for(parse_spec(spec), BERLIN, start)
    assert shortest_gap(trigger, start) == gap


def test_shortest_gap_needs_two_samples_and_reports_no_gap_for_a_single_firing() -> None:
    trigger = trigger_for(parse_spec("daily 09:00"), BERLIN, ANCHOR)
    with pytest.raises(ValueError, match="at least 2"):
        shortest_gap(trigger, ANCHOR, samples=1)
    assert shortest_gap(OnceTrigger(ANCHOR + timedelta(hours=1)), ANCHOR) == timedelta.max


# --- fire_times and the trigger contract ----------------------------------------------


def test_fire_times_excludes_after_and_includes_until() -> None:
    trigger = trigger_for(parse_spec("daily 09:00"), BERLIN, ANCHOR)
    first, second, third = (datetime(2026, 5, day, 9, 0, tzinfo=BERLIN) for day in (4, 5, 6))
    assert fire_times(trigger, first, third) == [second, third]
    assert fire_times(trigger, first - timedelta(seconds=1), first) == [first]
    assert fire_times(trigger, first, first) == []
    assert fire_times(trigger, first, third - timedelta(microseconds=1)) == [second]
    assert fire_times(trigger, first.astimezone(UTC), third.astimezone(UTC)) == [second, third]


def test_next_fire_time_includes_now_but_not_the_previous_firing() -> None:
    trigger = trigger_for(parse_spec("daily 09:00"), BERLIN, ANCHOR)
    at = datetime(2026, 5, 4, 9, 0, tzinfo=BERLIN)
    assert trigger.get_next_fire_time(None, at) == at
    assert trigger.get_next_fire_time(at, at) == at + timedelta(days=1)
    with pytest.raises(ValueError, match="timezone-aware"):
        trigger.get_next_fire_time(None, datetime(2026, 1, 1))


def test_fire_times_refuses_a_trigger_that_does_not_move_forward() -> None:
    with pytest.raises(RuntimeError, match="went back"):
        fire_times(OnceTrigger(ANCHOR, repeat=True), ANCHOR - timedelta(hours=1), ANCHOR)


def test_triggers_plug_into_apscheduler() -> None:
    scheduler = BackgroundScheduler(timezone=UTC)
    scheduler.start(paused=True)
    try:
        trigger = trigger_for(parse_spec("weekdays 18:30"), BERLIN, ANCHOR)
        job = scheduler.add_job(print, trigger)
        assert isinstance(trigger, LocalTimeTrigger)
        assert job.next_run_time is not None
        local = job.next_run_time.astimezone(BERLIN)
        assert (local.hour, local.minute) == (18, 30) and local.weekday() < 5
        assert str(trigger) == "local[weekdays 18:30] [Europe/Berlin]"
    finally:
        scheduler.shutdown(wait=False)


class OnceTrigger(BaseTrigger):
    """Fires at one moment; with ``repeat`` it keeps returning it, as a broken trigger would."""

    def __init__(self, at: datetime, repeat: bool = False) -> None:
        self.at, self.repeat = at, repeat

    def get_next_fire_time(self, previous: datetime | None, now: datetime) -> datetime | None:
        return self.at if self.repeat or now <= self.at else None


# --- property: every timed spec, every zone, any start --------------------------------

ZONES = [BERLIN, NEW_YORK, ZoneInfo("Australia/Sydney"), ZoneInfo("Australia/Lord_Howe")]


@settings(deadline=None, max_examples=60)
@given(
    st.sampled_from(ZONES),
    st.integers(0, 23),
    st.integers(0, 59),
    st.sets(st.integers(0, 6), max_size=7),
    st.datetimes(datetime(2026, 1, 1), datetime(2027, 12, 31)),
)
def test_timed_specs_fire_once_per_chosen_local_day(
    tz: ZoneInfo, hour: int, minute: int, days: set[int], start: datetime
) -> None:
    names = ",".join(DAY_NAMES[d] for d in sorted(days))
    spec = parse_spec(f"{names or 'daily'} {hour:02d}:{minute:02d}")
    begin = start.replace(tzinfo=UTC)
    times = fire_times(trigger_for(spec, tz, begin), begin, begin + timedelta(days=15))
    local = [t.astimezone(tz) for t in times]
    assert [t.astimezone(UTC) for t in times] == sorted({t.astimezone(UTC) for t in times})
    assert len({t.date() for t in local}) == len(local)
    assert all(t.weekday() in (spec.days_of_week or range(7)) for t in local)
    for t in local:  # the chosen time, or the end of the gap when a change skips it
        wall = datetime.combine(t.date(), time(hour, minute))
        assert t.astimezone(UTC) == resolve_local(wall, tz).astimezone(UTC)
    per_weekday = Counter(t.weekday() for t in local)  # 15 days hold two of every weekday
    assert all(per_weekday[d] >= 2 for d in spec.days_of_week or range(7))
