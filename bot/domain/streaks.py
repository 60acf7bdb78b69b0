"""Check-in streaks counted in the member's own calendar days.

A streak is about "did I show up today?" as the member experiences today, so
every instant is first turned into a local date; UTC dates would break streaks
for anyone far from Greenwich and double-count around daylight-saving changes.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

_ONE_DAY = timedelta(days=1)


def local_date(moment: datetime, tz: ZoneInfo) -> date:
    """Return the calendar day the member was living in at ``moment``.

    Naive datetimes are refused: silently reading them as server-local time
    would shift check-ins by hours and corrupt streaks in ways nobody notices.
    """
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("moment must be timezone-aware")
    return moment.astimezone(tz).date()


def current_streak(days: Iterable[date], today: date) -> int:
    """Count consecutive check-in days ending today or yesterday.

    Yesterday still counts because the member has until the end of today to
    keep the streak going; telling them it is broken at breakfast would be
    both wrong and discouraging. Days after ``today`` are ignored.
    """
    seen = set(days)
    if today in seen:
        cursor = today
    elif today - _ONE_DAY in seen:
        cursor = today - _ONE_DAY
    else:
        return 0
    count = 0
    while cursor in seen:
        count += 1
        cursor -= _ONE_DAY
    return count


def longest_streak(days: Iterable[date]) -> int:
    """Return the longest run of consecutive days; repeats on one day count once."""
    ordered = sorted(set(days))
    if not ordered:
        return 0
    best = run = 1
    for previous, current in pairwise(ordered):
        run = run + 1 if current - previous == _ONE_DAY else 1
        best = max(best, run)
    return best


@dataclass(frozen=True)
class Streak:
    """A member's streak as stored: `current` consecutive days ending on `last_day`."""

    last_day: date
    current: int
    longest: int

    def on(self, today: date) -> int:
        """The streak as it stands on `today`: still running if the last day was today or
        yesterday (the member has until tonight), else broken."""
        return self.current if today - _ONE_DAY <= self.last_day <= today else 0


def rebuilt(days: Iterable[date], today: date, longest_before: int = 0) -> Streak:
    """The streak counted afresh from the member's check-in days (today's included)."""
    seen = set(days) | {today}
    return Streak(today, current_streak(seen, today), max(longest_streak(seen), longest_before))
