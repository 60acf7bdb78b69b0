"""Schedule specs: the `<when>` text leads and members type for prompts and reminders.

A spec is parsed once, stored as its normalised text and turned into a trigger elsewhere
(``bot.scheduler.triggers``). Parsing stays pure so that every accepted and refused form can
be tested without a scheduler or a clock, and so that ``parse_spec(describe(spec))`` (in
English) and ``parse_spec(spec.text)`` both give the spec back: what the bot echoes, a person
can retype. The description and the reasons a `<when>` is refused are in the member's language
(bot/i18n.py); the forms themselves (``daily``, ``weekly sun``, cron lines) are syntax, shown
as typed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import time
from typing import NamedTuple

from babel import Locale
from babel.lists import format_list

from bot import i18n
from bot.domain.quotes import quoted
from bot.domain.schedule_time import parse_hhmm
from bot.i18n import LANGUAGES, N_, NC_, _, folded, ngettext, pgettext

DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
FULL_DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
WEEKDAYS = (0, 1, 2, 3, 4)
WEEKENDS = (5, 6)
MAX_EVERY_DAYS = 30
_MONTH_NAMES = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_MONTH_DAYS = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)  # 29: Feb 29 does happen
_DAY_WORDS: dict[str, tuple[int, ...]] = {
    **{name: (i,) for i, name in enumerate(DAY_NAMES)},
    **{name.lower(): (i,) for i, name in enumerate(FULL_DAY_NAMES)},
    **{"tues": (1,), "weds": (2,), "thur": (3,), "thurs": (3,)},
    **{"weekday": WEEKDAYS, "weekdays": WEEKDAYS, "weekend": WEEKENDS, "weekends": WEEKENDS},
}


def _other_day_words() -> dict[str, tuple[int, ...]]:
    """Day names in every language Haven has a catalogue for, from Babel's locale data: wide
    and abbreviated, with or without accents and the abbreviation's dot ("miércoles",
    "miercoles", "mié", "Mi", "jeu"); Portuguese without "-feira", as it is said ("quarta").
    A form two days share somewhere, or that English uses otherwise, is left out."""
    seen: dict[str, set[int]] = {}
    for language in LANGUAGES:
        days = Locale.parse(language).days
        for width in ("wide", "abbreviated"):
            for context in ("format", "stand-alone"):
                for number, name in days[context][width].items():
                    base = name.casefold().strip().rstrip(".").removesuffix("-feira")
                    for form in {base, folded(base)}:
                        seen.setdefault(form, set()).add(number)
    return {
        form: (next(iter(numbers)),)
        for form, numbers in seen.items()
        if len(numbers) == 1 and form not in _DAY_WORDS and "-" not in form and " " not in form
    }


_OTHER_DAY_WORDS = _other_day_words()
# The forms a refusal lists: syntax, the same in every language.
FORMS_SHOWN = (
    "'daily 09:00', 'weekdays 18:30', 'weekends 10:00', 'mon,thu 19:00', 'weekly sun 20:00', "
    "'every 2 days 08:00'"
)
CRON_SHOWN = "'30 18 * * 1-5'"
_NUMBER = re.compile(r"[0-9]+")
_CRON_ITEM = re.compile(r"(\*|[a-z0-9]+(?:-[a-z0-9]+)?)(?:/([0-9]+))?")


@dataclass(frozen=True)
class Spec:
    """Everything needed to build a trigger; ``text`` is what gets stored and shown back.

    ``minute``/``hour`` are None for cron lines, whose fields live in ``cron`` instead.
    ``days_of_week`` uses 0=Monday..6=Sunday, and is empty for "every day" so that daily
    and all-seven-days compare equal.
    """

    text: str
    minute: int | None
    hour: int | None
    days_of_week: tuple[int, ...] = ()
    every_days: int | None = None
    cron: str | None = None


class Unreadable(ValueError):
    """A `<when>` that is none of the forms: the refusal lists them all. ``typed`` is the text
    as given, for a caller that words the refusal its own way (with what may follow it)."""

    def __init__(self, typed: str) -> None:
        self.typed = typed
        super().__init__(
            _(
                "could not read {text} as a schedule; use a form like {forms} or a cron line "
                "such as {cron}"
            ).format(text=quoted(typed), forms=FORMS_SHOWN, cron=CRON_SHOWN)
        )


class Impossible(ValueError):
    """A `<when>` read in full that can never be kept (it never happens, or fires too often):
    its reason is given as it is, and no shorter reading of the words is tried."""


class CronValues(NamedTuple):
    """The expanded values of a cron line; weekdays are converted to 0=Monday..6=Sunday."""

    minutes: tuple[int, ...]
    hours: tuple[int, ...]
    days: tuple[int, ...]
    months: tuple[int, ...]
    weekdays: tuple[int, ...]


@dataclass(frozen=True)
class _Field:
    name: str  # English, marked with NC_("cron field", ...); `shown` is the member's language
    low: int
    high: int
    names: dict[str, int]
    not_one: str  # "{value} is not a month", marked with N_(): one sentence per field

    @property
    def shown(self) -> str:
        return pgettext("cron field", self.name)


_CRON_FIELDS = (
    _Field(NC_("cron field", "minute"), 0, 59, {}, N_("{value} is not a minute")),
    _Field(NC_("cron field", "hour"), 0, 23, {}, N_("{value} is not an hour")),
    _Field(NC_("cron field", "day of month"), 1, 31, {}, N_("{value} is not a day of month")),
    _Field(
        NC_("cron field", "month"),
        1,
        12,
        {name: i + 1 for i, name in enumerate(_MONTH_NAMES)},
        N_("{value} is not a month"),
    ),
    _Field(
        NC_("cron field", "weekday"),
        0,
        7,
        {name: (i + 1) % 7 for i, name in enumerate(DAY_NAMES)},
        N_("{value} is not a weekday"),
    ),
)


def parse_spec(text: str) -> Spec:
    """Read a `<when>`; case, extra spaces and a trailing "at" before the time are tolerated.

    Anything not understood raises ValueError with one sentence a member can act on, in their
    language: Unreadable when it is none of the forms, Impossible when it can never happen.
    """
    cleaned = re.sub(r"\s*([,-])\s*", r"\1", " ".join(text.lower().split()))
    cleaned = re.sub(r"(\d)\s+([ap])\.?m\.?$", r"\1\2m", cleaned)  # "9 pm", "9 p.m."
    tokens = cleaned.split(" ") if cleaned else []
    if tokens and (clock := _twelve_hour(tokens[-1])) is not None:
        tokens[-1] = clock
    if len(tokens) == 6 and tokens[0] == "cron":
        tokens = tokens[1:]
    if len(tokens) == 5 and not any(":" in t for t in tokens) and tokens[0][0] in "0123456789*":
        return _cron_spec(" ".join(tokens))
    if len(tokens) < 2 or ":" not in tokens[-1]:
        raise Unreadable(text)
    at = _parse_time(tokens[-1])
    head = tokens[:-2] if tokens[-2] == "at" else tokens[:-1]
    if head in (["daily"], ["every", "day"]):
        return _timed(at, ())
    if len(head) == 3 and head[0] == "every" and head[2] in ("day", "days"):
        return _every(head[1], at, text)
    if head and head[0] in ("weekly", "every"):
        if len(head) == 1:
            raise ValueError(
                _("say which day, as in {example} or {other}").format(
                    example="'weekly sun 20:00'", other="'every monday 19:00'"
                )
            )
        head = head[1:]
    return _timed(at, _parse_days(head))


def describe(spec: Spec) -> str:
    """Human wording such as "weekdays at 18:30" or "every Monday and Thursday at 19:00", in
    the current language (a cron line is shown as typed: it is syntax)."""
    if spec.cron is not None:
        return f"cron {spec.cron}"
    at = f"{spec.hour:02d}:{spec.minute:02d}"  # the 24-hour clock, in every language
    if spec.every_days is not None:
        return ngettext(
            "every {n} day at {time}", "every {n} days at {time}", spec.every_days
        ).format(n=spec.every_days, time=at)
    days = spec.days_of_week
    if not days:
        return _("daily at {time}").format(time=at)
    if days == WEEKDAYS:
        return _("weekdays at {time}").format(time=at)
    if days == WEEKENDS:
        return _("weekends at {time}").format(time=at)
    # "Monday", "Monday and Thursday", "Monday, Wednesday and Friday", joined the language's way
    names = format_list([i18n.weekday(d) for d in days], locale=i18n.locale())
    return _("every {days} at {time}").format(days=names, time=at)


def cron_values(line: str) -> CronValues:
    """Expand and validate a 5-field cron line (0 or 7 = Sunday in the weekday field)."""
    fields = line.split()
    if len(fields) != 5:
        raise ValueError(
            _("a cron line needs 5 fields (minute hour day month weekday): {line}").format(
                line=quoted(line)
            )
        )
    expanded = [_expand(field, raw) for field, raw in zip(_CRON_FIELDS, fields, strict=True)]
    weekdays = tuple(sorted({(v + 6) % 7 for v in expanded[4]}))
    return CronValues(*expanded[:4], weekdays)


_TWELVE_HOUR = re.compile(r"^(\d{1,2})(?:[:.](\d{2}))?([ap])\.?m\.?$")


def _twelve_hour(token: str) -> str | None:
    """'9am', '9:30pm', '12am' as HH:MM; None when the token is not a 12-hour time (and a
    12-hour time that cannot be, such as '13pm', is left for the 24-hour reader to refuse)."""
    found = _TWELVE_HOUR.match(token)
    if found is None:
        return None
    hour, minute, half = int(found.group(1)), found.group(2) or "00", found.group(3)
    if not 1 <= hour <= 12:
        return token
    hour = hour % 12 + (12 if half == "p" else 0)
    return f"{hour:02d}:{minute}"


def _parse_time(token: str) -> time:
    try:
        return parse_hhmm(token)
    except ValueError as error:
        raise ValueError(
            _("{time} is not a valid time: {reason}").format(time=quoted(token, 20), reason=error)
        ) from None


def _timed(at: time, days: tuple[int, ...]) -> Spec:
    days = tuple(sorted(set(days)))
    if len(days) == 7:
        days = ()
    if not days:
        words = "daily"
    elif days in (WEEKDAYS, WEEKENDS):
        words = "weekdays" if days == WEEKDAYS else "weekends"
    elif len(days) == 1:
        words = f"weekly {DAY_NAMES[days[0]]}"
    else:
        words = ",".join(DAY_NAMES[d] for d in days)
    return Spec(f"{words} {at:%H:%M}", at.minute, at.hour, days)


def _every(count: str, at: time, text: str) -> Spec:
    if _NUMBER.fullmatch(count) is None:
        raise Unreadable(text)
    n = int(count)
    if not 1 <= n <= MAX_EVERY_DAYS:
        raise ValueError(
            _("{form} needs N from {least} to {most}, got {n}").format(
                form="'every N days'", least=1, most=MAX_EVERY_DAYS, n=n
            )
        )
    if n == 1:
        return _timed(at, ())
    return Spec(f"every {n} days {at:%H:%M}", at.minute, at.hour, (), n)


def _parse_days(words: list[str]) -> tuple[int, ...]:
    """Day lists such as "mon,thu", "mon-fri", "fri-mon" (wraps) or "monday and friday"."""
    days: set[int] = set()
    parts = [p for w in words if w != "and" for p in w.split(",")]
    if not parts:
        raise ValueError(_("no days given; {help}").format(help=_day_help()))
    for part in parts:
        first, dash, last = part.partition("-")
        if not dash:
            days.update(_day_word(part))
            continue
        start, end = _day_word(first, single=True)[0], _day_word(last, single=True)[0]
        days.update((start + i) % 7 for i in range((end - start) % 7 + 1))
    return tuple(sorted(days))


def _day_help() -> str:
    """How days are written (the words are syntax: the same in every language)."""
    return _(
        "use day names such as {day} or {day_name}, ranges such as {days}, {weekdays} or {weekends}"
    ).format(day="mon", day_name="monday", days="mon-fri", weekdays="weekdays", weekends="weekends")


def _day_word(word: str, single: bool = False) -> tuple[int, ...]:
    if not word:
        raise ValueError(_("a day is missing in a list or range; {help}").format(help=_day_help()))
    found = _DAY_WORDS.get(word) or _OTHER_DAY_WORDS.get(folded(word))
    if found is None or (single and len(found) != 1):
        raise ValueError(
            _("unknown day {day}; {help}").format(day=quoted(word, 20), help=_day_help())
        )
    return found


def _cron_spec(line: str) -> Spec:
    values = cron_values(line)
    fields = line.split()
    if not fields[2].startswith("*") and not fields[4].startswith("*"):
        raise ValueError(
            _(
                "a cron line may restrict the day of month or the weekday but not both, "
                "since cron tools disagree on how to combine them"
            )
        )
    if not any(d <= _MONTH_DAYS[m - 1] for d in values.days for m in values.months):
        raise Impossible(
            _("cron line {line} never happens: no chosen month has that day").format(
                line=quoted(line)
            )
        )
    return Spec(line, None, None, cron=line)


def _expand(field: _Field, raw: str) -> tuple[int, ...]:
    values: set[int] = set()
    for item in raw.split(","):
        match = _CRON_ITEM.fullmatch(item)
        if match is None:
            raise _cron_error(
                field,
                raw,
                _("use a number, a range like {range}, a list or {step}").format(
                    range="1-5", step="*/step"
                ),
            )
        span, step_text = match.groups()
        if span == "*":
            first, last = field.low, field.high
        else:
            start, _dash, end = span.partition("-")
            first = _cron_value(field, raw, start)
            last = _cron_value(field, raw, end) if end else field.high if step_text else first
            if field.name == "weekday" and end == "sun" and first > 0:
                last = 7  # "mon-sun" means through Sunday, not back to day 0
            if first > last:
                raise _cron_error(field, raw, _("a range must go from low to high"))
        step = int(step_text) if step_text else 1
        if step < 1:
            raise _cron_error(field, raw, _("a step must be at least 1"))
        values.update(range(first, last + 1, step))
    return tuple(sorted(values))


def _cron_value(field: _Field, raw: str, token: str) -> int:
    if _NUMBER.fullmatch(token):
        value = int(token)
        if field.low <= value <= field.high:
            return value
        raise _cron_error(
            field,
            raw,
            _("values must be from {low} to {high}").format(low=field.low, high=field.high),
        )
    if token in field.names:
        return field.names[token]
    raise _cron_error(field, raw, _(field.not_one).format(value=quoted(token, 20)))


def _cron_error(field: _Field, raw: str, reason: str) -> ValueError:
    return ValueError(
        _("cron {field} field {value} is invalid: {reason}").format(
            field=field.shown, value=quoted(raw, 20), reason=reason
        )
    )


def read_days(text: str) -> tuple[int, ...]:
    """Days as a member writes them ("mon,thu", "weekdays", "sat-sun", "lunes"): Monday is 0.
    ValueError saying how days are written."""
    return _parse_days(text.casefold().split())
