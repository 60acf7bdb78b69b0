from __future__ import annotations

from datetime import time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from bot.domain.schedule_time import (
    parse_country,
    parse_duration,
    parse_hhmm,
    parse_timezone,
    zone_like,
)

# --- parse_timezone -------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Europe/Berlin", "Europe/Berlin"),
        ("europe/berlin", "Europe/Berlin"),
        ("  AMERICA/NEW_YORK ", "America/New_York"),
        ("pacific/auckland", "Pacific/Auckland"),
        ("UTC", "UTC"),
        ("utc", "UTC"),
    ],
)
def test_parse_timezone_accepts_iana_names_any_case(text: str, expected: str) -> None:
    zone = parse_timezone(text)
    assert isinstance(zone, ZoneInfo)
    assert zone.key == expected


@pytest.mark.parametrize("text", ["", "Mars/Olympus", "Berlin", "../../etc/passwd", "+02:00"])
def test_parse_timezone_rejects_unknown(text: str) -> None:
    with pytest.raises(ValueError, match="unknown time zone"):
        parse_timezone(text)


def test_parse_timezone_error_names_the_input() -> None:
    with pytest.raises(ValueError, match=r"^unknown time zone 'Mars/Olympus'$"):
        parse_timezone(" Mars/Olympus ")


def test_parse_timezone_suggests_the_zone_meant_and_cuts_long_input() -> None:
    with pytest.raises(ValueError, match=r"did you mean Europe/Berlin\?$"):
        parse_timezone("Europe/Berln")
    with pytest.raises(ValueError) as caught:
        parse_timezone("x" * 10_000)
    assert len(str(caught.value)) < 80


@pytest.mark.parametrize(
    ("word", "meant"),
    [
        ("Europe/Berln", True),
        ("eurpoe/berlin", True),
        ("Etc/GMT+5", True),
        ("and/or", False),
        ("he/him", False),
        ("21:00", False),
        ("UTC", False),
    ],
)
def test_zone_like_tells_a_misspelt_zone_from_a_note_word(word: str, meant: bool) -> None:
    assert zone_like(word) is meant


# --- parse_hhmm -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("9:00", time(9, 0)),
        ("09:00", time(9, 0)),
        ("21:30", time(21, 30)),
        ("00:00", time(0, 0)),
        ("23:59", time(23, 59)),
        (" 7:05 ", time(7, 5)),
    ],
)
def test_parse_hhmm_valid(text: str, expected: time) -> None:
    assert parse_hhmm(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("25:99", "hour"),
        ("24:00", "hour"),
        ("12:60", "minutes"),
        ("9", "24-hour time"),
        ("9:0", "24-hour time"),
        ("", "24-hour time"),
        ("9.30", "24-hour time"),
        ("9:30pm", "24-hour time"),
        ("-1:00", "24-hour time"),
        ("123:00", "24-hour time"),
        ("\u0660\u0669:\u0660\u0660", "24-hour time"),  # Arabic-Indic digits
    ],
)
def test_parse_hhmm_rejects(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_hhmm(text)


@given(st.integers(0, 23), st.integers(0, 59), st.booleans())
def test_parse_hhmm_round_trips_every_valid_time(hour: int, minute: int, pad: bool) -> None:
    text = f"{hour:02d}:{minute:02d}" if pad else f"{hour}:{minute:02d}"
    parsed = parse_hhmm(text)
    assert parsed == time(hour, minute)
    assert parse_hhmm(parsed.strftime("%H:%M")) == parsed


# --- parse_duration -------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("30m", timedelta(minutes=30)),
        ("2h", timedelta(hours=2)),
        ("3d", timedelta(days=3)),
        ("1w", timedelta(weeks=1)),
        ("1d2h", timedelta(days=1, hours=2)),
        ("2h1d", timedelta(days=1, hours=2)),
        ("1w 2d 3h 4m", timedelta(weeks=1, days=2, hours=3, minutes=4)),
        ("90M", timedelta(minutes=90)),
        ("0h30m", timedelta(minutes=30)),
    ],
)
def test_parse_duration_valid(text: str, expected: timedelta) -> None:
    assert parse_duration(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "30m"),
        ("   ", "30m"),
        ("0m", "longer than zero"),
        ("0d0h", "longer than zero"),
        ("-1h", "30m"),
        ("1", "30m"),
        ("h", "30m"),
        ("1.5h", "30m"),
        ("5s", "unknown duration unit"),
        ("1y", "unknown duration unit"),
        ("1h1h", "more than once"),
        ("one hour", "30m"),
        ("9" * 20 + "w", "too long"),
    ],
)
def test_parse_duration_rejects(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_duration(text)


def _format(weeks: int, days: int, hours: int, minutes: int) -> str:
    parts = [(weeks, "w"), (days, "d"), (hours, "h"), (minutes, "m")]
    return "".join(f"{n}{unit}" for n, unit in parts if n)


@given(
    st.integers(0, 520),
    st.integers(0, 6),
    st.integers(0, 23),
    st.integers(0, 59),
)
def test_parse_duration_round_trips(weeks: int, days: int, hours: int, minutes: int) -> None:
    expected = timedelta(weeks=weeks, days=days, hours=hours, minutes=minutes)
    text = _format(weeks, days, hours, minutes)
    assume(text)  # all-zero durations are rejected, covered above
    assert parse_duration(text) == expected
    assert parse_duration(text.upper()) == expected


@given(st.text(max_size=12))
def test_parse_duration_only_raises_value_error(text: str) -> None:
    try:
        result = parse_duration(text)
    except ValueError:
        return
    assert result > timedelta(0)


# --- parse_country --------------------------------------------------------------

KNOWN = {"DE", "GB", "US", "NZ"}


@pytest.mark.parametrize(("text", "expected"), [("de", "DE"), (" Gb ", "GB"), ("US", "US")])
def test_parse_country_valid(text: str, expected: str) -> None:
    assert parse_country(text, KNOWN) == expected


def test_parse_country_accepts_lower_case_known_codes() -> None:
    assert parse_country("NZ", ["nz"]) == "NZ"


@pytest.mark.parametrize("text", ["FR", "", "D", "DEU", "Germany", "D1", "ÐE"])
def test_parse_country_rejects(text: str) -> None:
    with pytest.raises(ValueError, match="unknown country code"):
        parse_country(text, KNOWN)


def test_parse_country_error_names_the_input() -> None:
    with pytest.raises(ValueError, match=r"^unknown country code: fr$"):
        parse_country("fr", KNOWN)
