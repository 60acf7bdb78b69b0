"""Parsing of the time zones, clock times, durations and countries members type.

Input comes from chat messages, so parsers are forgiving about case and
surrounding spaces but strict about meaning: an ambiguous value is rejected
with a message the bot can show as-is, never guessed at.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Collection
from datetime import time, timedelta
from functools import cache
from zoneinfo import ZoneInfo, available_timezones

from bot.domain.quotes import quoted
from bot.i18n import _

_HHMM = re.compile(r"([0-9]{1,2}):([0-9]{2})")
_DURATION_PART = re.compile(r"([0-9]+)\s*([a-z])")
_DURATION_SHAPE = re.compile(r"(?:[0-9]+\s*[a-z]\s*)+")
_UNIT_MINUTES = {"m": 1, "h": 60, "d": 24 * 60, "w": 7 * 24 * 60}
_COUNTRY = re.compile(r"[A-Z]{2}")


@cache
def _zones_by_folded_name() -> dict[str, str]:
    """Map casefolded IANA names to canonical ones; built once because the scan touches disk."""
    names = available_timezones() | {"UTC"}
    return {name.casefold(): name for name in names}


def parse_timezone(text: str) -> ZoneInfo:
    """Resolve an IANA zone name regardless of case ("europe/berlin" -> Europe/Berlin).

    Only names from the installed database are accepted, so arbitrary input can
    never be passed to ``ZoneInfo`` as a file path.
    """
    cleaned = text.strip()
    name = _zones_by_folded_name().get(cleaned.casefold())
    if name is None:
        close = difflib.get_close_matches(cleaned.casefold(), _zones_by_folded_name(), n=1)
        shown = quoted(cleaned, 32)
        if close:
            said = _("unknown time zone {zone}; did you mean {suggestion}?")
            raise ValueError(said.format(zone=shown, suggestion=_zones_by_folded_name()[close[0]]))
        raise ValueError(_("unknown time zone {zone}").format(zone=shown))
    return ZoneInfo(name)


_ZONE_SHAPE = re.compile(r"([A-Za-z]+)/[A-Za-z0-9_+\-/]+")
_AREAS = ("africa", "america", "antarctica", "arctic", "asia", "atlantic", "australia")
_AREAS += ("europe", "indian", "pacific", "etc", "us", "canada", "brazil", "mexico", "chile")


def zone_like(word: str) -> bool:
    """Whether a word was meant as a time zone (Area/City, the area spelt or misspelt), so a
    typo like Europe/Berln is refused instead of being read as the start of a note."""
    shape = _ZONE_SHAPE.fullmatch(word.strip())
    if shape is None:
        return False
    area = shape[1].casefold()
    return area in _AREAS or bool(difflib.get_close_matches(area, _AREAS, n=1, cutoff=0.75))


def parse_hhmm(text: str) -> time:
    """Parse a 24-hour clock time such as "9:00" or "21:30".

    Two-digit minutes are required because "9:0" and "9:5" are usually typos,
    and "24:00" is refused since a daily reminder needs a single clear minute.
    """
    cleaned = text.strip()
    match = _HHMM.fullmatch(cleaned)
    if match is None:
        said = _("expected a 24-hour time like 09:00 or 21:30, got {value}")
        raise ValueError(said.format(value=quoted(cleaned, 20)))
    hour, minute = int(match.group(1)), int(match.group(2))
    if hour > 23:
        raise ValueError(_("hour must be between 0 and 23, got {hour}").format(hour=hour))
    if minute > 59:
        said = _("minutes must be between 00 and 59, got {minute}")
        raise ValueError(said.format(minute=f"{minute:02d}"))
    return time(hour, minute)


def parse_duration(text: str) -> timedelta:
    """Parse compact durations such as "30m", "2h", "3d", "1w" or "1d2h".

    Each unit may appear once so "1h1h" is flagged as a likely mistake; a zero
    total is refused because a snooze or pause of nothing is never intended.
    """
    cleaned = text.strip().lower()
    if not cleaned or _DURATION_SHAPE.fullmatch(cleaned) is None:
        said = _("use a duration like 30m, 2h, 3d, 1w or 1d2h, got {value}")
        raise ValueError(said.format(value=quoted(text, 20)))
    minutes = 0
    seen: set[str] = set()
    for amount, unit in _DURATION_PART.findall(cleaned):
        if unit not in _UNIT_MINUTES:
            said = _("unknown duration unit {unit}; use a duration like 30m, 2h, 3d, 1w or 1d2h")
            raise ValueError(said.format(unit=quoted(unit, 12)))
        if unit in seen:
            said = _("duration unit {unit} given more than once")
            raise ValueError(said.format(unit=quoted(unit, 12)))
        seen.add(unit)
        minutes += int(amount) * _UNIT_MINUTES[unit]
    if minutes == 0:
        raise ValueError(_("duration must be longer than zero"))
    try:
        return timedelta(minutes=minutes)
    except OverflowError:
        raise ValueError(_("duration is too long")) from None


def parse_country(text: str, known: Collection[str]) -> str:
    """Return the upper-case ISO 3166 alpha-2 code if it is one we have data for.

    Checking against ``known`` (not just the shape) means the bot only accepts
    countries it can actually show crisis resources for.
    """
    code = text.strip().upper()
    if _COUNTRY.fullmatch(code) is None or code not in {k.upper() for k in known}:
        raise ValueError(_("unknown country code: {code}").format(code=text.strip()))
    return code
