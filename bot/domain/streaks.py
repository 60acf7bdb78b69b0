"""Check-in streaks counted in the member's own calendar days.

A streak is about "did I show up today?" as the member experiences today, so
every instant is first turned into a local date; UTC dates would break streaks
for anyone far from Greenwich and double-count around daylight-saving changes.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
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


GRACE_EVERY = timedelta(days=7)  # one missed day may be bridged in any seven


def grace_free(grace_day: date | None, missed: date) -> bool:
    """Whether `missed` may be bridged: no other day was, in the seven before it. The common
    habit-app rule: one day off a week does not cost a long streak."""
    return grace_day is None or missed - grace_day >= GRACE_EVERY


@dataclass(frozen=True)
class Streak:
    """A member's streak as stored: `current` check-in days ending on `last_day`, with at most
    one missed day a week bridged (`grace_day`, the latest bridged)."""

    last_day: date
    current: int
    longest: int
    grace_day: date | None = None

    def on(self, today: date) -> int:
        """The streak as it stands on `today`: still running if the last day was today or
        yesterday (the member has until tonight), or the day before when yesterday may still
        be bridged by a check-in today; else broken."""
        gap = today - self.last_day
        if timedelta(0) <= gap <= _ONE_DAY:
            return self.current
        if gap == 2 * _ONE_DAY and grace_free(self.grace_day, today - _ONE_DAY):
            return self.current
        return 0

    def after(self, day: date) -> Streak:
        """The streak once `day` has a check-in (the same rule as the stored row's update in
        bot/storage/checkins.py)."""
        gap = day - self.last_day
        if gap <= timedelta(0):
            return self
        if gap == _ONE_DAY:
            current, grace = self.current + 1, self.grace_day
        elif gap == 2 * _ONE_DAY and grace_free(self.grace_day, day - _ONE_DAY):
            current, grace = self.current + 1, day - _ONE_DAY
        else:
            current, grace = 1, None
        return Streak(day, current, max(self.longest, current), grace)


def walk(days: Iterable[date]) -> Streak | None:
    """The streak after each of these check-in days in order (repeats count once)."""
    streak: Streak | None = None
    for day in sorted(set(days)):
        streak = Streak(day, 1, 1) if streak is None else streak.after(day)
    return streak


def current_streak(days: Iterable[date], today: date) -> int:
    """Check-in days in the streak still running on `today` (today's or yesterday's check-in
    keeps it; one missed day a week is bridged). Yesterday still counts because the member
    has until the end of today; telling them it is broken at breakfast would be both wrong and
    discouraging. Days after `today` are ignored."""
    streak = walk(d for d in days if d <= today)
    return 0 if streak is None else streak.on(today)


def longest_streak(days: Iterable[date]) -> int:
    """The longest streak, by the same rule; repeats on one day count once."""
    streak = walk(days)
    return 0 if streak is None else streak.longest


def rebuilt(days: Iterable[date], today: date, longest_before: int = 0) -> Streak:
    """The streak counted afresh from the member's check-in days (today's included)."""
    streak = walk(set(days) | {today})
    assert streak is not None
    return Streak(today, streak.current, max(streak.longest, longest_before), streak.grace_day)
