from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.schedule_spec import (
    DAY_NAMES,
    FULL_DAY_NAMES,
    Spec,
    cron_values,
    describe,
    parse_spec,
)

WEEK = (0, 1, 2, 3, 4)

# --- accepted forms -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("daily 09:00", Spec("daily 09:00", 0, 9)),
        ("  DAILY   9:05 ", Spec("daily 09:05", 5, 9)),
        ("daily at 21:45", Spec("daily 21:45", 45, 21)),
        ("every day 08:00", Spec("daily 08:00", 0, 8)),
        ("weekdays 18:30", Spec("weekdays 18:30", 30, 18, WEEK)),
        ("Weekdays 18:30", Spec("weekdays 18:30", 30, 18, WEEK)),
        ("every weekday 07:00", Spec("weekdays 07:00", 0, 7, WEEK)),
        ("weekends 10:00", Spec("weekends 10:00", 0, 10, (5, 6))),
        ("mon,thu 19:00", Spec("mon,thu 19:00", 0, 19, (0, 3))),
        ("Mon , Thu 19:00", Spec("mon,thu 19:00", 0, 19, (0, 3))),
        ("thu,mon,thu 19:00", Spec("mon,thu 19:00", 0, 19, (0, 3))),
        ("monday,thursday 19:00", Spec("mon,thu 19:00", 0, 19, (0, 3))),
        ("tues,thurs 19:00", Spec("tue,thu 19:00", 0, 19, (1, 3))),
        ("mon-fri 09:00", Spec("weekdays 09:00", 0, 9, WEEK)),
        ("mon - wed 09:00", Spec("mon,tue,wed 09:00", 0, 9, (0, 1, 2))),
        ("fri-mon 07:15", Spec("mon,fri,sat,sun 07:15", 15, 7, (0, 4, 5, 6))),
        ("mon-sun 09:00", Spec("daily 09:00", 0, 9)),
        ("sat,sun 10:00", Spec("weekends 10:00", 0, 10, (5, 6))),
        ("weekly sun 20:00", Spec("weekly sun 20:00", 0, 20, (6,))),
        ("weekly Sunday 20:00", Spec("weekly sun 20:00", 0, 20, (6,))),
        ("sun 20:00", Spec("weekly sun 20:00", 0, 20, (6,))),
        ("every monday and thursday at 19:00", Spec("mon,thu 19:00", 0, 19, (0, 3))),
        ("every 2 days 08:00", Spec("every 2 days 08:00", 0, 8, (), 2)),
        ("EVERY  3 DAYS 8:00", Spec("every 3 days 08:00", 0, 8, (), 3)),
        ("every 30 days 23:59", Spec("every 30 days 23:59", 59, 23, (), 30)),
        ("every 1 day 08:00", Spec("daily 08:00", 0, 8)),
        ("every 2 days at 00:00", Spec("every 2 days 00:00", 0, 0, (), 2)),
    ],
)
def test_parse_spec_accepts_timed_forms(text: str, expected: Spec) -> None:
    assert parse_spec(text) == expected


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("30 18 * * 1-5", "30 18 * * 1-5"),
        ("  30  18 *  * MON-FRI ", "30 18 * * mon-fri"),
        ("*/30 * * * *", "*/30 * * * *"),
        ("0 * * * *", "0 * * * *"),
        ("0 9 1,15 * *", "0 9 1,15 * *"),
        ("0 9 1 jan,jul *", "0 9 1 jan,jul *"),
        ("5/10 8-17/2 * * 0,7", "5/10 8-17/2 * * 0,7"),
        ("0 0 29 2 *", "0 0 29 2 *"),
        ("0 9 */2 * *", "0 9 */2 * *"),
        ("cron 30 18 * * 1-5", "30 18 * * 1-5"),
    ],
)
def test_parse_spec_accepts_cron_lines(text: str, line: str) -> None:
    assert parse_spec(text) == Spec(line, None, None, cron=line)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("daily 09:00", "daily at 09:00"),
        ("weekdays 18:30", "weekdays at 18:30"),
        ("weekends 10:00", "weekends at 10:00"),
        ("mon,thu 19:00", "every Monday and Thursday at 19:00"),
        ("mon,wed,fri 07:05", "every Monday, Wednesday and Friday at 07:05"),
        ("weekly sun 20:00", "every Sunday at 20:00"),
        ("every 2 days 08:00", "every 2 days at 08:00"),
        ("30 18 * * 1-5", "cron 30 18 * * 1-5"),
    ],
)
def test_describe(text: str, words: str) -> None:
    spec = parse_spec(text)
    assert describe(spec) == words
    assert parse_spec(words) == spec  # what the bot says back can be typed again
    assert parse_spec(spec.text) == spec


# --- rejections -----------------------------------------------------------------------

FORMS = "use a form like 'daily 09:00'"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("daily 25:99", "'25:99' is not a valid time: hour must be between 0 and 23, got 25"),
        ("daily 23:60", "'23:60' is not a valid time: minutes must be between 00 and 59, got 60"),
        ("weekdays 9:5", "'9:5' is not a valid time: expected a 24-hour time like 09:00"),
        ("funday 09:00", "unknown day 'funday'; use day names such as mon or monday"),
        ("mon,funday 09:00", "unknown day 'funday'"),
        ("mon-weekend 09:00", "unknown day 'weekend'"),
        ("mon,,thu 09:00", "a day is missing in a list or range"),
        ("mon-,thu 09:00", "a day is missing in a list or range"),
        ("at 09:00", "no days given; use day names such as mon or monday"),
        ("weekly 09:00", "say which day, as in 'weekly sun 20:00' or 'every monday 19:00'"),
        ("every 0 days 08:00", "'every N days' needs N from 1 to 30, got 0"),
        ("every 31 days 08:00", "'every N days' needs N from 1 to 30, got 31"),
        ("every two days 08:00", f"could not read 'every two days 08:00' as a schedule; {FORMS}"),
        ("", f"could not read '' as a schedule; {FORMS}"),
        ("daily", f"could not read 'daily' as a schedule; {FORMS}"),
        ("25:99", f"could not read '25:99' as a schedule; {FORMS}"),
        ("daily nine", f"could not read 'daily nine' as a schedule; {FORMS}"),
        ("tomorrow please", "could not read 'tomorrow please' as a schedule"),
        ("61 * * * *", "cron minute field '61' is invalid: values must be from 0 to 59"),
        ("0 24 * * *", "cron hour field '24' is invalid: values must be from 0 to 23"),
        ("0 9 0 * *", "cron day of month field '0' is invalid: values must be from 1 to 31"),
        ("0 9 32 * *", "cron day of month field '32' is invalid: values must be from 1 to 31"),
        ("0 9 * 13 *", "cron month field '13' is invalid: values must be from 1 to 12"),
        ("0 9 * * 8", "cron weekday field '8' is invalid: values must be from 0 to 7"),
        ("0 9 * * funday", "cron weekday field 'funday' is invalid: 'funday' is not a weekday"),
        ("0 9 * foo *", "cron month field 'foo' is invalid: 'foo' is not a month"),
        ("0 9 * * mon-xyz", "cron weekday field 'mon-xyz' is invalid: 'xyz' is not a weekday"),
        ("5-1 * * * *", "cron minute field '5-1' is invalid: a range must go from low to high"),
        ("0 9 * * fri-mon", "cron weekday field 'fri-mon' is invalid: a range must go from low"),
        ("*/0 * * * *", "cron minute field '*/0' is invalid: a step must be at least 1"),
        ("1,,2 * * * *", "cron minute field '1,,2' is invalid: use a number, a range like 1-5"),
        ("*/ * * * *", "cron minute field '*/' is invalid: use a number"),
        ("0 9 1-2-3 * *", "cron day of month field '1-2-3' is invalid: use a number"),
        ("0 9 5 * 1", "a cron line may restrict the day of month or the weekday but not both"),
        ("0 0 31 2 *", "cron line '0 0 31 2 *' never happens: no chosen month has that day"),
        ("0 0 31 4,6,9,11 *", "cron line '0 0 31 4,6,9,11 *' never happens"),
        ("0 9 * *", f"could not read '0 9 * *' as a schedule; {FORMS}"),
        ("0 9 * * * *", f"could not read '0 9 * * * *' as a schedule; {FORMS}"),
    ],
)
def test_parse_spec_rejects_with_a_clear_message(text: str, message: str) -> None:
    with pytest.raises(ValueError, match="^" + re.escape(message)):
        parse_spec(text)


def test_generic_error_lists_every_form() -> None:
    with pytest.raises(ValueError) as caught:
        parse_spec("whenever")
    text = str(caught.value)
    for form in ("daily 09:00", "weekdays 18:30", "mon,thu 19:00", "every 2 days", "30 18 * * 1-5"):
        assert form in text
    assert text.count(".") == 0  # one sentence, no full stops breaking it up


# --- cron_values ----------------------------------------------------------------------


def test_cron_values_expand_lists_ranges_steps_and_names() -> None:
    values = cron_values("*/15 8-17/3 1,15 jan-mar sun,wed")
    assert values.minutes == (0, 15, 30, 45)
    assert values.hours == (8, 11, 14, 17)
    assert values.days == (1, 15)
    assert values.months == (1, 2, 3)
    assert values.weekdays == (2, 6)  # Monday-based, Sunday last


@pytest.mark.parametrize(
    ("field", "weekdays"),
    [
        ("0", (6,)),
        ("7", (6,)),
        ("1-5", (0, 1, 2, 3, 4)),
        ("0-6", (0, 1, 2, 3, 4, 5, 6)),
        ("mon-sun", (0, 1, 2, 3, 4, 5, 6)),
        ("sun", (6,)),
        ("sat-sun", (5, 6)),
        ("*/2", (1, 3, 5, 6)),  # cron days 0,2,4,6 = Sun, Tue, Thu, Sat
    ],
)
def test_cron_weekdays_count_from_sunday(field: str, weekdays: tuple[int, ...]) -> None:
    assert cron_values(f"0 9 * * {field}").weekdays == weekdays


def test_cron_step_from_a_single_start_runs_to_the_top() -> None:
    assert cron_values("50/5 * * * *").minutes == (50, 55)


# --- properties -----------------------------------------------------------------------

days_st = st.sets(st.integers(0, 6), min_size=1)
hours_st = st.integers(0, 23)
minutes_st = st.integers(0, 59)


def _day_word(day: int, full: bool, upper: bool) -> str:
    word = FULL_DAY_NAMES[day] if full else DAY_NAMES[day]
    return word.upper() if upper else word.lower()


@given(days_st, hours_st, minutes_st, st.data())
def test_day_lists_round_trip(days: set[int], hour: int, minute: int, data: st.DataObject) -> None:
    order = data.draw(st.permutations(sorted(days)))
    words = [_day_word(d, data.draw(st.booleans()), data.draw(st.booleans())) for d in order]
    separator = data.draw(st.sampled_from([",", ", ", " , ", " and "]))
    clock = data.draw(st.sampled_from([f"{hour}:{minute:02d}", f"{hour:02d}:{minute:02d}"]))
    spec = parse_spec(f"  {separator.join(words)}   {clock} ")
    expected_days = () if len(days) == 7 else tuple(sorted(days))
    assert (spec.hour, spec.minute, spec.days_of_week) == (hour, minute, expected_days)
    assert spec.every_days is None and spec.cron is None
    assert parse_spec(spec.text) == spec
    assert parse_spec(describe(spec)) == spec
    assert f"{hour:02d}:{minute:02d}" in describe(spec)


@given(st.integers(1, 30), hours_st, minutes_st)
def test_every_n_days_round_trips(n: int, hour: int, minute: int) -> None:
    spec = parse_spec(f"every {n} days {hour:02d}:{minute:02d}")
    assert spec.every_days == (None if n == 1 else n)
    assert parse_spec(spec.text) == spec == parse_spec(describe(spec))


cron_item = st.one_of(
    st.just("*"),
    st.builds(lambda a, b: f"{min(a, b)}-{max(a, b)}", st.integers(0, 5), st.integers(0, 5)),
    st.builds(str, st.integers(0, 5)),
    st.builds(lambda s: f"*/{s}", st.integers(1, 9)),
)


@given(st.lists(cron_item, min_size=1, max_size=3), hours_st)
def test_valid_cron_lines_round_trip(items: list[str], hour: int) -> None:
    line = f"{','.join(items)} {hour} * * *"
    spec = parse_spec(line)
    assert spec.cron == line
    assert parse_spec(describe(spec)) == spec


vocabulary = st.sampled_from(
    [
        "daily", "weekly", "every", "day", "days", "at", "and", "weekdays", "weekends", "mon",
        "Sunday", "mon-fri", "fri-", "-", ",", "*", "*/0", "*/5", "1-5", "0", "7", "60", "31",
        "feb", "09:00", "25:99", "9:5", ":", "cron", "2", "99999999999", "²", "İ", "",
    ]
)  # fmt: skip


@given(st.one_of(st.text(), st.lists(vocabulary, max_size=7).map(" ".join)))
def test_parse_spec_only_ever_raises_value_error(text: str) -> None:
    try:
        spec = parse_spec(text)
    except ValueError as error:
        assert str(error) and "\n" not in str(error)
        return
    assert parse_spec(spec.text) == spec
    assert describe(spec)


@pytest.mark.parametrize(
    ("text", "hour", "minute"),
    [
        ("daily 9am", 9, 0),
        ("daily 9:00pm", 21, 0),
        ("weekdays 9 pm", 21, 0),
        ("daily 7.30am", 7, 30),
        ("daily 12am", 0, 0),
        ("daily 12pm", 12, 0),
        ("daily 11:59 p.m.", 23, 59),
    ],
)
def test_twelve_hour_times(text: str, hour: int, minute: int) -> None:
    spec = parse_spec(text)
    assert (spec.hour, spec.minute) == (hour, minute)


@pytest.mark.parametrize("text", ["daily 13pm", "daily 0am", "daily 9:75pm"])
def test_impossible_twelve_hour_times_are_refused(text: str) -> None:
    with pytest.raises(ValueError):
        parse_spec(text)
