"""Numbers and tiny charts for weekly and monthly mood summaries.

Everything here tolerates missing days (``None``) because gaps are normal and
must never be read as a bad mood.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from datetime import date, timedelta

from bot.domain.moods import MAX_MOOD, MIN_MOOD
from bot.i18n import NC_, pgettext

# One bar per mood level. The scale is fixed (1..5) so a week of "okay" looks
# like "okay", not like a dramatic chart stretched to fill the height.
_BARS = "▁▂▄▆█"
_GAP = "·"
_STEADY_SLOPE = 0.05  # mood points per day; smaller drifts are noise, not a trend
_MIN_TREND_POINTS = 3
# What `trend` says, kept in English (a value, compared and stored as it is); `trend_shown`
# gives it in the member's language.
NOT_ENOUGH_DATA = NC_("trend", "not enough data")
STEADY = NC_("trend", "steady")
RISING = NC_("trend", "rising")
FALLING = NC_("trend", "falling")


def _cell(value: float | None) -> str:
    """Round half up (not banker's rounding) so a 3.5 day shows as a 4, as people expect.

    NaN is drawn as a gap, like in the other helpers, so a bad upstream value
    cannot masquerade as a mood.
    """
    if value is None or math.isnan(value):
        return _GAP
    level = min(max(math.floor(value + 0.5), MIN_MOOD), MAX_MOOD)
    return _BARS[level - MIN_MOOD]


def sparkline(values: Sequence[float | None]) -> str:
    """Render one character per day, with a dot for days without a check-in."""
    return "".join(_cell(v) for v in values)


def average(values: Iterable[float | None]) -> float | None:
    """Mean of the days that have data; ``None`` rather than 0 when there are none."""
    present = [float(v) for v in values if v is not None and not math.isnan(v)]
    if not present:
        return None
    return math.fsum(present) / len(present)


def trend(values: Sequence[float | None]) -> str:
    """Describe the direction of mood over the period: one of the English words above (shown
    to a member through `trend_shown`).

    Uses a least-squares slope over the day index so gaps keep their place in
    time, and one unusual day moves the answer less than a first-vs-last
    comparison would.
    """
    points = [
        (float(i), float(v)) for i, v in enumerate(values) if v is not None and not math.isnan(v)
    ]
    if len(points) < _MIN_TREND_POINTS:
        return NOT_ENOUGH_DATA
    n = len(points)
    mean_x = math.fsum(x for x, _ in points) / n
    mean_y = math.fsum(y for _, y in points) / n
    spread = math.fsum((x - mean_x) ** 2 for x, _ in points)
    if spread == 0:
        return NOT_ENOUGH_DATA
    slope = math.fsum((x - mean_x) * (y - mean_y) for x, y in points) / spread
    if abs(slope) < _STEADY_SLOPE:
        return STEADY
    return RISING if slope > 0 else FALLING


def trend_shown(word: str) -> str:
    """A trend as `trend` gives it (English) in the member's language."""
    return pgettext("trend", word)


def most_named(tags: Iterable[str], limit: int) -> tuple[tuple[str, int], ...]:
    """The most named feelings with their counts, ties in alphabetical order."""
    counts = Counter(tags)
    return tuple(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:limit])


def daily_means(entries: Iterable[tuple[date, int]], first: date, last: date) -> list[float | None]:
    """Collapse check-ins to one value per day from ``first`` to ``last`` inclusive.

    Several check-ins on one day are averaged so a member who checks in often
    does not outweigh quieter days. Entries outside the window are ignored, and
    an inverted window yields an empty list.
    """
    buckets: defaultdict[date, list[int]] = defaultdict(list)
    for day, mood in entries:
        if first <= day <= last:
            buckets[day].append(mood)
    span = (last - first).days + 1
    result: list[float | None] = []
    for offset in range(max(span, 0)):
        moods = buckets.get(first + timedelta(days=offset))
        result.append(math.fsum(moods) / len(moods) if moods else None)
    return result
