"""Gatherings a lead schedules for the group (workshops, sharing circles, classes, meetups,
creative sessions, livestreams): what `/event add` says after the title, date and time, read
and checked without a database or a clock, so every accepted and refused form can be tested.

    [zone] [for 90m] [kind] [cap N] [pin] [where]

in any order but `where`, which is the rest: a place ("Community hall, room 2") or an https
link. Kinds are words members type, the same in every language; they are shown translated."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from bot.domain.schedule_time import parse_duration, parse_timezone, zone_like
from bot.i18n import NC_, _, ngettext, pgettext

KINDS: dict[str, str] = {
    "workshop": NC_("event kind", "workshop"),
    "circle": NC_("event kind", "sharing circle"),
    "class": NC_("event kind", "class"),
    "meetup": NC_("event kind", "meetup"),
    "creative": NC_("event kind", "creative session"),
    "livestream": NC_("event kind", "livestream"),
}
DEFAULT_KIND = "meetup"
DEFAULT_MINUTES = 60
MAX_MINUTES = 12 * 60
MAX_CAPACITY = 1000
MAX_TITLE = 80
MAX_WHERE = 200
MAX_UPCOMING = 50  # a group's events still to come
MAX_AHEAD = timedelta(days=366)
REMINDERS = (timedelta(hours=24), timedelta(hours=1))  # before the start, to those going
RATE_WINDOW = timedelta(minutes=30)  # after the end, those who went are asked to rate it
MIN_RATINGS = 3  # fewer ratings are not shown, so nobody's own can be told apart
OPENING_WINDOW = timedelta(minutes=15)  # a circle's opening post, if Haven was down at its start
ANSWERS = ("going", "maybe", "no")
ZONE_SHAPE = re.compile(r"[A-Za-z_]+/[A-Za-z_/+-]+")


def kind_shown(kind: str) -> str:
    return pgettext("event kind", KINDS[kind])


@dataclass(frozen=True)
class Details:
    """What follows an event's date and time."""

    zone: ZoneInfo
    minutes: int | None = None  # None: not given (a template's, else DEFAULT_MINUTES)
    kind: str | None = None  # None: not given (a template's, else DEFAULT_KIND)
    capacity: int | None = None
    where: str | None = None
    pin: bool = False  # the lead asks Haven to pin the post


def read_details(text: str, default_zone: ZoneInfo) -> Details:
    """`[zone] [for 90m] [kind] [cap N] [pin] [where]`; ValueError saying what is wrong."""
    words = text.split()
    zone, capacity, pin = default_zone, None, False
    minutes: int | None = None
    kind: str | None = None
    # Right after the time, an Area/Place word is a zone, known or not: "Mars/Base" is refused
    # rather than posted as where the event happens.
    if (
        words
        and "://" not in words[0]
        and (ZONE_SHAPE.fullmatch(words[0]) or words[0].upper() in ("UTC", "GMT"))
    ):
        zone, words = parse_timezone(words[0]), words[1:]
    while words:
        word = words[0].casefold()
        if word == "for" and len(words) > 1:
            minutes = _minutes(words[1])
            words = words[2:]
        elif word == "cap" and len(words) > 1:
            capacity = _capacity(words[1])
            words = words[2:]
        elif word in KINDS:
            kind, words = word, words[1:]
        elif word == "pin":
            pin, words = True, words[1:]
        elif zone_like(words[0]):
            zone, words = parse_timezone(words[0]), words[1:]
        else:
            break
    where = " ".join(words).strip() or None
    if where is not None:
        where = check_where(where)
    return Details(zone, minutes, kind, capacity, where, pin)


def read_changes(text: str) -> dict[str, object]:
    """What `/event edit` changes among the details: only those given (`for 2h`, `cap 20`,
    a kind, a place or link); an empty dict when none."""
    words = text.split()
    changes: dict[str, object] = {}
    while words:
        word = words[0].casefold()
        if word == "for" and len(words) > 1:
            changes["minutes"], words = _minutes(words[1]), words[2:]
        elif word == "cap" and len(words) > 1:
            changes["capacity"], words = _capacity(words[1]), words[2:]
        elif word in KINDS:
            changes["kind"], words = word, words[1:]
        else:
            break
    if words:
        changes["place"] = check_where(" ".join(words))
    return changes


MAX_STEPS = 8
MAX_STEP = 120


def read_agenda(text: str) -> str | None:
    """A lead's agenda, steps between `|` ("Welcome | Breathing | Close"): one per line as kept;
    None for "none" (no agenda). ValueError for too many or too long steps."""
    if text.strip().casefold() in ("none", "-"):
        return None
    steps = [" ".join(step.split()) for step in text.split("|")]
    steps = [step for step in steps if step]
    if not steps:
        raise ValueError(_("give the steps between | marks, or none"))
    if len(steps) > MAX_STEPS:
        raise ValueError(
            _("an agenda has at most {most} steps, not {n}").format(most=MAX_STEPS, n=len(steps))
        )
    if any(len(step) > MAX_STEP for step in steps):
        raise ValueError(_("each step is at most {most} characters").format(most=MAX_STEP))
    return "\n".join(steps)


def _minutes(token: str) -> int:
    length = parse_duration(token)
    minutes = int(length.total_seconds() // 60)
    if not 15 <= minutes <= MAX_MINUTES:
        raise ValueError(
            _("an event lasts from 15 minutes to 12 hours, not {length}").format(length=token)
        )
    return minutes


def _capacity(token: str) -> int:
    if not token.isdigit() or not 1 <= int(token) <= MAX_CAPACITY:
        raise ValueError(
            _("cap must be a number of places from 1 to {most}, not {value}").format(
                most=MAX_CAPACITY, value=token[:20]
            )
        )
    return int(token)


def check_where(where: str) -> str:
    """A place in words, or an https link (never http: a link members follow must be safe)."""
    if len(where) > MAX_WHERE:
        raise ValueError(
            ngettext(
                "where is at most {limit} character",
                "where is at most {limit} characters",
                MAX_WHERE,
            ).format(limit=MAX_WHERE)
        )
    if re.match(r"(?i)^[a-z][a-z0-9+.-]*://", where):
        parts = urlsplit(where)
        if parts.scheme.casefold() != "https" or not parts.netloc or " " in where:
            raise ValueError(_("a link must be one https:// address"))
    return where


def starts(day: date, at: time, zone: ZoneInfo, now: datetime) -> datetime:
    """The start, in UTC: in the future and within a year."""
    start = datetime.combine(day, at, zone)
    if start <= now:
        raise ValueError(_("that time has passed; give a time still to come"))
    if start - now > MAX_AHEAD:
        raise ValueError(_("an event can be planned at most a year ahead"))
    return start.astimezone(ZoneInfo("UTC"))
