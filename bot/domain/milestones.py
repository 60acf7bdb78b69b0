"""Streak milestones and personal anniversaries worth a small celebration.

Anniversaries use calendar months rather than fixed day counts because people
think of "one month since I started" as the same date next month, not 30 days.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

from bot.i18n import ngettext

STREAK_MILESTONES: tuple[int, ...] = (3, 7, 14, 30, 60, 100, 365)

_MAX_YEARS = 10


def streak_milestones_reached(previous: int, current: int) -> list[int]:
    """Return thresholds crossed going from ``previous`` to ``current``.

    Working from the pair (not just ``current``) means a jump past several
    thresholds, such as a back-filled check-in, still celebrates each one once,
    and a streak that broke and rebuilt earns its milestones again.
    """
    return [t for t in STREAK_MILESTONES if previous < t <= current]


@dataclass(frozen=True)
class PersonalMark:
    """An anniversary of the member joining. `label` is English ("1 week", "3 months"), as the
    celebrations ledger keeps it in its keys; `shown` is the wording shown to the member."""

    label: str
    due: date

    @property
    def shown(self) -> str:
        """The label in the member's language ("1 week", "1 semana")."""
        count, unit = self.label.split(" ", 1)
        return said(int(count), unit.removesuffix("s"))


def said(count: int, unit: str) -> str:
    """`count` weeks, months or years (`unit` "week", "month" or "year") in the member's
    language, with its plural form."""
    if unit == "week":
        text = ngettext("{n} week", "{n} weeks", count)
    elif unit == "month":
        text = ngettext("{n} month", "{n} months", count)
    else:
        text = ngettext("{n} year", "{n} years", count)
    return text.format(n=count)


def add_months(d: date, months: int) -> date:
    """Shift by calendar months, clamping to the month's last day.

    Clamping (Jan 31 -> Feb 28, Feb 29 -> Feb 28 next year) keeps the mark in
    the intended month instead of spilling into the next one.
    """
    index = d.year * 12 + (d.month - 1) + months
    year, month0 = divmod(index, 12)
    month = month0 + 1
    if not 1 <= year <= 9999:
        raise OverflowError("date out of range")
    last_day = calendar.monthrange(year, month)[1]
    return date(year, month, min(d.day, last_day))


def _mark_plan() -> list[tuple[str, int | None]]:
    """Return (label, months) pairs; ``None`` months stands for the one-week mark. Labels stay
    English (ledger keys): `PersonalMark.shown` translates them."""
    plan: list[tuple[str, int | None]] = [
        ("1 week", None),
        ("1 month", 1),
        ("3 months", 3),
        ("6 months", 6),
        ("1 year", 12),
    ]
    plan.extend((f"{years} years", years * 12) for years in range(2, _MAX_YEARS + 1))
    return plan


def personal_marks(start: date) -> list[PersonalMark]:
    """Return every anniversary for a member who started on ``start``, earliest first.

    Marks that would fall beyond the representable calendar are dropped rather
    than raising, so an odd start date can never crash a scheduler.
    """
    marks: list[PersonalMark] = []
    for label, months in _mark_plan():
        try:
            due = start + timedelta(days=7) if months is None else add_months(start, months)
        except OverflowError:
            break
        marks.append(PersonalMark(label, due))
    return marks


def marks_due(start: date, after: date, upto: date) -> list[PersonalMark]:
    """Return marks with ``after < due <= upto``.

    The half-open window lets a scheduler pass "last date I checked" and
    "today": nothing is missed if the bot was down, and nothing fires twice.
    """
    return [mark for mark in personal_marks(start) if after < mark.due <= upto]


def next_mark(start: date, today: date) -> PersonalMark | None:
    """Return the first mark strictly after ``today``, or ``None`` once all have passed.

    A mark due today is excluded because :func:`marks_due` already announces
    it; "next" is what the member can still look forward to.
    """
    for mark in personal_marks(start):
        if mark.due > today:
            return mark
    return None
