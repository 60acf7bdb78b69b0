"""Community milestones: the community's total check-ins, its members' combined streak days,
and anniversaries in whole years (the community's on Haven, a member's of joining).

Pure rules, no I/O. Thresholds are a fixed ladder that continues in equal steps forever, so a
long-lived community keeps something to look forward to without a growing table here.
Anniversaries fall on the same month and day; a 29 February start is remembered on 28
February in other years (people would rather celebrate a day early than skip three years).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from bot.domain.milestones import add_months
from bot.i18n import ngettext

CHECKIN_STEPS: tuple[int, ...] = (100, 500, 1000, 2500, 5000, 10000)
STREAK_DAY_STEPS: tuple[int, ...] = (100, 250, 500, 1000, 2500, 5000, 10000)
KUDOS_STEPS: tuple[int, ...] = (10, 25, 50, 100, 250, 500, 1000)  # kudos in a month
EVERY = 10000  # after the last step of a ladder, every further 10,000


def _ladder(steps: tuple[int, ...], upto: int) -> Iterator[int]:
    for step in steps:
        if step > upto:
            return
        yield step
    step = steps[-1] + EVERY
    while step <= upto:
        yield step
        step += EVERY


def checkin_thresholds(total: int) -> list[int]:
    """Every check-in threshold at or below ``total``, smallest first."""
    return list(_ladder(CHECKIN_STEPS, total))


def streak_day_thresholds(total: int) -> list[int]:
    """Every combined-streak-day threshold at or below ``total``, smallest first."""
    return list(_ladder(STREAK_DAY_STEPS, total))


def kudos_thresholds(total: int) -> list[int]:
    """Every monthly kudos threshold at or below ``total``, smallest first."""
    return list(_ladder(KUDOS_STEPS, total))


def month_bounds(day: date) -> tuple[date, date]:
    """The first day of ``day``'s month and of the month after."""
    start = day.replace(day=1)
    return start, add_months(start, 1)


def newly_crossed(reached: list[int], done: set[int]) -> list[int]:
    """Thresholds reached but not yet celebrated, smallest first.

    Working from a ledger (not from "previous value") means a total that dropped (erasure,
    retention) and rose again never celebrates the same threshold twice, and a quiet spell
    that crossed several at once still yields each once.
    """
    return [t for t in reached if t not in done]


def to_post(crossed: list[int]) -> int | None:
    """Only the highest newly crossed threshold is announced: one post, never a burst."""
    return max(crossed) if crossed else None


def anniversary(start: date, years: int) -> date:
    """The ``years``-th anniversary of ``start`` (29 Feb -> 28 Feb in a common year)."""
    return add_months(start, 12 * years)


def anniversary_on(start: date, day: date) -> int | None:
    """How many whole years ``day`` is after ``start`` when ``day`` is an anniversary of it
    (one year or more); None on any other day."""
    years = day.year - start.year
    if years < 1:
        return None
    try:
        due = anniversary(start, years)
    except OverflowError:
        return None
    return years if due == day else None


def years_phrase(years: int) -> str:
    """ "1 year", "2 years" - for texts, in the current language."""
    return ngettext("{n} year", "{n} years", years).format(n=years)
