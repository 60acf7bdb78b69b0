"""What a chart shows, decided without drawing anything.

The pictures (bot/charts) only draw these values, and the text alternative that goes with each
picture is written from the same values, so what a member reads and what they see cannot
disagree.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from bot import i18n
from bot.domain.aggregates import Aggregate
from bot.domain.summaries import NOT_ENOUGH_DATA, average, daily_means, most_named, trend
from bot.i18n import _

CHART_DAYS: tuple[int, ...] = (7, 30, 90, 365)
MAX_CHART_DAYS = 366
TOP_FEELINGS = 6


@dataclass(frozen=True)
class MoodChart:
    """One member's mood over `len(days)` local days, oldest first."""

    days: tuple[date, ...]
    values: tuple[float | None, ...]  # the day's mean mood, None without a check-in
    smoothed: tuple[float | None, ...]  # rolling mean over `window` days
    window: int
    streak: int  # current streak in days, ending on the last day or the one before
    streak_start: date | None  # first day of the current streak (may precede the chart)
    feelings: tuple[tuple[str, int], ...]  # most named first
    checkins: int
    asked: int = 0  # the days asked for; more than len(days) when it starts at the first check-in
    # The language its words are drawn in: the request's, carried to the chart worker.
    language: str = field(default_factory=i18n.language)

    @property
    def since_start(self) -> bool:
        """The chart starts at the member's first check-in, later than the days asked for."""
        return self.asked > len(self.days)

    @property
    def checkin_days(self) -> int:
        return sum(1 for v in self.values if v is not None)

    @property
    def average(self) -> float | None:
        return average(self.values)

    @property
    def trend(self) -> str:
        return trend(self.values)


def rolling_mean(
    values: Sequence[float | None], window: int, at_least: int = 1
) -> list[float | None]:
    """Trailing mean over the last `window` days that have data; None where fewer than
    `at_least` of them do.

    Gaps are skipped rather than counted as zero, and a stretch without enough check-ins breaks
    the line instead of drawing a slope nobody reported (one day alone at the start of a chart
    is a point, not an average).
    """
    out: list[float | None] = []
    for i in range(len(values)):
        present = [
            v for v in values[max(0, i - window + 1) : i + 1] if v is not None and not math.isnan(v)
        ]
        out.append(math.fsum(present) / len(present) if len(present) >= at_least else None)
    return out


def smoothing_window(days: int) -> int:
    return 3 if days <= 7 else 7 if days <= 92 else 28


MIN_CHART_DAYS = 7  # a chart of a new member's first days still shows a week


def mood_chart(
    entries: Iterable[tuple[date, int, tuple[str, ...]]],
    last: date,
    days: int,
    streak: int,
    began: date | None = None,
) -> MoodChart:
    """`entries` are (local day, mood, feelings) of one member; only the window is used.
    `began`: the member's first check-in ever; a window reaching further back starts there
    instead (at least a week), so a new member's 90 days are not mostly empty."""
    if not 1 <= days <= MAX_CHART_DAYS:
        raise ValueError(f"a chart covers 1 to {MAX_CHART_DAYS} days")
    entries = list(entries)  # read twice below
    asked = days
    if began is not None and began > last - timedelta(days=days - 1):
        days = max(min(days, MIN_CHART_DAYS), (last - began).days + 1)
    first = last - timedelta(days=days - 1)
    rows = [(d, m, tags) for d, m, tags in entries if first <= d <= last]
    values = daily_means(((d, m) for d, m, _ in rows), first, last)
    window = smoothing_window(days)
    feelings = most_named((tag for _, _, tags in rows for tag in tags), TOP_FEELINGS)
    streak_start = None
    if streak:
        # The streak is its last `streak` check-in days (a bridged day lies between two of
        # them): its first day is the streak-th latest day with a check-in, or, when the
        # streak is longer than the days at hand, before the chart anyway.
        checked = sorted({d for d, _, _ in entries if d <= last}, reverse=True)
        if len(checked) >= streak:
            streak_start = checked[streak - 1]
        else:
            end = checked[0] if checked else last
            streak_start = end - timedelta(days=streak - 1)
    return MoodChart(
        days=tuple(first + timedelta(days=i) for i in range(days)),
        values=tuple(values),
        smoothed=tuple(rolling_mean(values, window, at_least=max(1, window // 2))),
        window=window,
        streak=streak,
        streak_start=streak_start,
        feelings=feelings,
        checkins=len(rows),
        asked=asked,
    )


@dataclass(frozen=True)
class Week:
    start: date
    result: Aggregate | None  # None: fewer than the threshold of members, so not shown

    @property
    def average(self) -> float | None:
        return self.result.average if self.result else None

    @property
    def bands(self) -> tuple[tuple[str, int], ...] | None:
        return self.result.distribution if self.result else None


@dataclass(frozen=True)
class CommunityChart:
    weeks: tuple[Week, ...]
    min_group: int
    language: str = field(default_factory=i18n.language)  # as MoodChart's

    @property
    def shown(self) -> tuple[Week, ...]:
        """Weeks with an average that may be shown."""
        return tuple(w for w in self.weeks if w.average is not None)

    @property
    def drawable(self) -> bool:
        """No picture at all unless some week has something it may show."""
        return bool(self.shown)

    @property
    def trend(self) -> str:
        averages = [w.average for w in self.weeks]
        return trend(averages) if len(self.shown) >= 3 else NOT_ENOUGH_DATA

    @property
    def last_change(self) -> str | None:
        """The latest week against the one before it, when both are shown: said beside the
        trend over all the weeks, so "rising" never hides a last week that fell."""
        if len(self.weeks) < 2:
            return None
        before, last = self.weeks[-2].average, self.weeks[-1].average
        if before is None or last is None:
            return None
        if abs(last - before) < 0.05:
            return _("the last week about the same as the one before ({mood})").format(
                mood=i18n.number(last, 1)
            )
        if last > before:
            said = _("the last week higher than the one before ({before} to {after})")
        else:
            said = _("the last week lower than the one before ({before} to {after})")
        return said.format(before=i18n.number(before, 1), after=i18n.number(last, 1))
