"""Peer support's rules, without a database or a clock: when a supporter is free (their hours
and days, in their zone), the aliases a conversation uses, and the limits a lead or a member
meets. Read by bot/services/support.py, which decides, and commands/peer.py, which answers."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from bot.domain.schedule_spec import DAY_NAMES, read_days
from bot.domain.schedule_time import parse_hhmm
from bot.i18n import _

MAX_OPEN = 5  # conversations a supporter may have at once, at most
OFFER_MINUTES = (2, 60)  # a group's wait for a supporter, from .. to (10 by default)
QUIET = timedelta(minutes=30)  # silence after which both are asked whether to end
ACK_WAIT = timedelta(minutes=15)  # an urgent alert not acknowledged goes to the next lead
REQUESTS_PER_DAY = 3  # /talk requests a member may make in a day
MIN_FIGURES = 5  # conversations before a lead sees any figure
MAX_MESSAGE = 2000  # characters relayed at once
# Per-conversation names: neutral words, so nothing of either side is given away.
ALIASES = (
    "Alder", "Aspen", "Birch", "Brook", "Cedar", "Clover", "Dune", "Ember", "Fern", "Harbour",
    "Hazel", "Heron", "Juniper", "Lark", "Linden", "Maple", "Meadow", "Moss", "Oak", "Pebble",
    "Pine", "Rain", "Reed", "Rowan", "Sage", "Sparrow", "Tide", "Willow", "Wren", "Yarrow",
)  # fmt: skip


@dataclass(frozen=True)
class Hours:
    """When a supporter takes requests: from `start` to `end` (past midnight when end is
    earlier), on `days` (Monday 0); None for either: any time, every day."""

    start: time | None = None
    end: time | None = None
    days: tuple[int, ...] | None = None

    def open_at(self, local: datetime) -> bool:
        day = local.weekday()
        if self.start is not None and self.end is not None:
            now = local.time()
            if self.start <= self.end:
                inside = self.start <= now < self.end
            else:  # past midnight: the small hours belong to the day before
                inside = now >= self.start or now < self.end
                if now < self.end:
                    day = (day - 1) % 7
            if not inside:
                return False
        return self.days is None or day in self.days

    def shown(self) -> str:
        when = _("any time") if self.start is None else f"{self.start:%H:%M}-{self.end:%H:%M}"
        if self.days is None:
            return when
        return f"{when} ({','.join(DAY_NAMES[d] for d in self.days)})"


def read_hours(text: str) -> tuple[str, str | None]:
    """`HH:MM-HH:MM [days]` as kept: ("18:00-22:00", "mon,tue") or (.., None). ValueError for
    an hour like 25:00 or a start equal to its end."""
    words = text.split()
    if not words:
        raise ValueError(_("give hours like 18:00-22:00"))
    first, dash, last = words[0].partition("-")
    if not dash:
        raise ValueError(_("give hours like 18:00-22:00, not {value}").format(value=words[0][:20]))
    start, end = parse_hhmm(first), parse_hhmm(last)
    if start == end:
        raise ValueError(_("the hours start and end at the same time"))
    days = None
    if words[1:]:
        found = read_days(" ".join(words[1:]))
        days = ",".join(DAY_NAMES[d] for d in found)
    return f"{start:%H:%M}-{end:%H:%M}", days


def hours_of(hours: str | None, days: str | None) -> Hours:
    """A supporter's kept hours and days, read back."""
    start = end = None
    if hours:
        first, _dash, last = hours.partition("-")
        start, end = parse_hhmm(first), parse_hhmm(last)
    return Hours(start, end, read_days(days) if days else None)


def aliases(rng: random.Random) -> tuple[str, str]:
    """Two different names for a conversation: the member's, then the supporter's."""
    first, second = rng.sample(ALIASES, 2)
    return first, second
