"""APScheduler 3 triggers for schedule specs that keep to local wall-clock time.

APScheduler 3.11's ``CronTrigger`` mishandles ``zoneinfo`` zones around daylight-saving
changes: a time inside the spring-forward gap (02:30 in Europe/Berlin on 2026-03-29) comes
back as a non-existent local time that is really 03:30, and a time inside the autumn fold
(02:30 on 2026-10-25) fires twice and then keeps returning the same instant, earlier than
``now``, so a loop asking for the next firing never ends. The triggers here therefore do
their calendar work on naive wall-clock times (a ``CronTrigger`` evaluated in UTC, which has
no transitions) and map each wall-clock time to a real instant with one rule: a time that
does not exist fires at the next valid minute, a time that occurs twice fires at its first
occurrence only. Returned times are aware, in the schedule's zone, always with ``fold=0``.
"""

from __future__ import annotations

from abc import abstractmethod
from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger

from bot.domain.schedule_spec import DAY_NAMES, Spec, cron_values

_TICK = timedelta(microseconds=1)
_MAX_GAP_MINUTES = 2 * 24 * 60  # the longest jump on record is a skipped day (Samoa, 2011)
_MAX_SKIPS = 10_000  # wall-clock candidates passed over in one call; a fold holds at most 60


def resolve_local(wall: datetime, tz: ZoneInfo) -> datetime:
    """The instant a naive local time means: first occurrence in a fold, gap end in a gap."""
    candidate = wall
    for _ in range(_MAX_GAP_MINUTES):
        aware = candidate.replace(tzinfo=tz, fold=0)
        if aware.astimezone(UTC).astimezone(tz).replace(tzinfo=None) == candidate:
            return aware
        candidate = candidate.replace(second=0, microsecond=0) + timedelta(minutes=1)
    raise ValueError(f"{wall} does not exist in {tz.key} and no valid time follows it")


def _utc(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("trigger times must be timezone-aware")
    return moment.astimezone(UTC)


class WallClockTrigger(BaseTrigger):
    """Base for triggers that pick naive local times and leave DST resolution to one place."""

    def __init__(self, tz: ZoneInfo) -> None:
        self.tz = tz

    @abstractmethod
    def next_local(self, floor: datetime) -> datetime | None:
        """The first naive local firing time at or after the naive ``floor``, or None."""

    def get_next_fire_time(
        self, previous_fire_time: datetime | None, now: datetime
    ) -> datetime | None:
        """The first firing after ``previous_fire_time`` if given, else at or after ``now``.

        This mirrors CronTrigger, so APScheduler can list firings missed since the previous
        one. Times are compared in UTC: aware datetimes sharing one tzinfo compare by wall
        clock and ignore ``fold``, which is exactly what goes wrong inside a fold.
        """
        previous = previous_fire_time
        start = _utc(now) if previous is None else _utc(previous) + _TICK
        # Every wall time before this floor resolves to an instant before `start`.
        floor = (start - _TICK).astimezone(self.tz).replace(tzinfo=None) + _TICK
        for _ in range(_MAX_SKIPS):
            wall = self.next_local(floor)
            if wall is None:
                return None
            at = resolve_local(wall, self.tz)
            if at.astimezone(UTC) >= start:
                return at
            floor = wall + timedelta(minutes=1)
        raise RuntimeError(f"{self} found no firing after {start.isoformat()}")


class LocalTimeTrigger(WallClockTrigger):
    """Cron fields read as local wall-clock times in ``tz``, firing once per local minute."""

    def __init__(
        self,
        tz: ZoneInfo,
        *,
        minute: str,
        hour: str,
        day: str = "*",
        month: str = "*",
        day_of_week: str = "*",
        label: str | None = None,
    ) -> None:
        super().__init__(tz)
        fields = f"{minute} {hour} {day} {month} {day_of_week}"
        self.label = label or fields  # the spec text reads better than expanded lists
        # UTC has no transitions, so this CronTrigger enumerates pure wall-clock times.
        self.wall_clock = CronTrigger(
            minute=minute, hour=hour, day=day, month=month, day_of_week=day_of_week, timezone=UTC
        )

    def next_local(self, floor: datetime) -> datetime | None:
        found = self.wall_clock.get_next_fire_time(None, floor.replace(tzinfo=UTC))
        return None if found is None else found.replace(tzinfo=None)

    def __str__(self) -> str:
        return f"local[{self.label}] [{self.tz.key}]"

    def __repr__(self) -> str:
        return f"<LocalTimeTrigger {self}>"


class EveryNDaysTrigger(WallClockTrigger):
    """HH:MM local on every Nth day counted from the anchor's local date.

    APScheduler's IntervalTrigger adds fixed 24-hour spans, so across a DST change it fires
    an hour early or late; counting calendar days keeps the local time.
    """

    def __init__(self, tz: ZoneInfo, every: int, at: time, anchor: date) -> None:
        if every < 1:
            raise ValueError("every must be at least 1 day")
        super().__init__(tz)
        self.every = every
        self.at = at
        self.anchor = anchor

    def next_local(self, floor: datetime) -> datetime | None:
        day = floor.date()
        if datetime.combine(day, self.at) < floor:
            day += timedelta(days=1)
        behind = (day - self.anchor).days % self.every
        if behind:
            day += timedelta(days=self.every - behind)
        return datetime.combine(day, self.at)

    def __str__(self) -> str:
        return (
            f"every {self.every} days at {self.at:%H:%M} from {self.anchor.isoformat()} "
            f"[{self.tz.key}]"
        )

    def __repr__(self) -> str:
        return f"<EveryNDaysTrigger {self}>"


def trigger_for(spec: Spec, tz: ZoneInfo, anchor: datetime) -> BaseTrigger:
    """Build the trigger for ``spec`` in ``tz``; ``anchor`` (aware) fixes the day cycle."""
    if spec.cron is not None:
        values = cron_values(spec.cron)
        return LocalTimeTrigger(
            tz,
            minute=_join(values.minutes),
            hour=_join(values.hours),
            day=_join(values.days),
            month=_join(values.months),
            # Names, because APScheduler counts weekdays from Monday and cron from Sunday.
            day_of_week=",".join(DAY_NAMES[d] for d in values.weekdays),
            label=f"cron {spec.cron}",
        )
    if spec.hour is None or spec.minute is None:
        raise ValueError(f"spec {spec.text!r} has neither a time nor a cron line")
    if spec.every_days is not None and spec.every_days > 1:
        anchor_date = _utc(anchor).astimezone(tz).date()
        return EveryNDaysTrigger(tz, spec.every_days, time(spec.hour, spec.minute), anchor_date)
    days = ",".join(DAY_NAMES[d] for d in spec.days_of_week) or "*"
    return LocalTimeTrigger(
        tz, minute=str(spec.minute), hour=str(spec.hour), day_of_week=days, label=spec.text
    )


def fire_times(trigger: BaseTrigger, after: datetime, until: datetime) -> list[datetime]:
    """Every fire time t with after < t <= until, oldest first.

    Refuses to loop when a trigger fails to move forward (raw CronTrigger inside a fold).
    """
    found: list[datetime] = []
    last, end = _utc(after), _utc(until)
    previous: datetime | None = None
    while True:
        at = trigger.get_next_fire_time(previous, last + _TICK)
        if at is None or _utc(at) > end:
            return found
        if _utc(at) <= last:
            raise RuntimeError(f"trigger {trigger} went back from {last} to {at}")
        found.append(at)
        previous, last = at, _utc(at)


def shortest_gap(trigger: BaseTrigger, start: datetime, samples: int = 60) -> timedelta:
    """Smallest real time between consecutive firings among the next ``samples`` after start.

    Differences are taken in UTC, since subtracting datetimes that share a zone ignores
    offsets. A trigger firing fewer than twice has no gap, reported as ``timedelta.max``.
    """
    if samples < 2:
        raise ValueError("samples must be at least 2 to measure a gap")
    times: list[datetime] = []
    previous: datetime | None = None
    moment = _utc(start)
    while len(times) < samples:
        at = trigger.get_next_fire_time(previous, moment + _TICK)
        if at is None or (times and _utc(at) <= times[-1]):
            break
        times.append(_utc(at))
        previous, moment = at, _utc(at)
    gaps = [b - a for a, b in pairwise(times)]
    return min(gaps, default=timedelta.max)


def _join(values: tuple[int, ...]) -> str:
    return ",".join(str(v) for v in values)
