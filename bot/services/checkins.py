"""Recording check-ins, reading a member's own mood back to them, and a group's anonymous weeks."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from cachetools import TTLCache

from bot.domain import charts, milestones, streaks, summaries
from bot.domain.aggregates import aggregate
from bot.storage.checkins import CheckinRepo, Entry, StreakRow
from bot.storage.milestones import MilestoneRepo
from bot.storage.people import CACHE_AGE, MEMBERS_CACHED

# Long enough for the longest streak milestone (365 days) with room for time zones.
HISTORY = timedelta(days=400)


@dataclass(frozen=True)
class Recorded:
    checkin_id: int
    streak: int
    new_streak_milestones: tuple[int, ...]


@dataclass(frozen=True)
class MoodWindow:
    days: int
    sparkline: str
    average: float | None
    trend: str
    checkins: int


@dataclass(frozen=True)
class MoodReport:
    windows: tuple[MoodWindow, ...]
    streak: int
    longest: int
    top_feelings: tuple[tuple[str, int], ...]


class CheckinService:
    def __init__(self, checkins: CheckinRepo, celebrations: MilestoneRepo) -> None:
        self.checkins = checkins
        self.celebrations = celebrations
        # The zone each member's stored streak is counted in, as this process last wrote it:
        # a check-in in the same zone then moves the streak on without reading it first. (A
        # streak erased meanwhile is written afresh from the values given, which is right
        # for a member with no history left.)
        self._zones: TTLCache[int, str] = TTLCache(MEMBERS_CACHED, CACHE_AGE)

    async def record(
        self,
        member_id: int,
        community_id: int | None,
        mood: int,
        tags: tuple[str, ...],
        note: str | None,
        now: datetime,
        tz: ZoneInfo,
    ) -> Recorded:
        """Commit first, with the streak moved on in the same transaction; milestones are
        decided from what is now stored."""
        today = streaks.local_date(now, tz)
        rebuild, stored = False, None
        if self._zones.get(member_id) != tz.key:
            stored = await self.checkins.streak(member_id)
            rebuild = stored is None or stored.timezone != tz.key
        if rebuild:  # once per member and zone: counted afresh from their history
            days = [
                streaks.local_date(m, tz)
                for m in await self.checkins.moments(member_id, now - HISTORY)
            ]
            fresh = streaks.rebuilt(days, today, stored.longest if stored else 0)
        else:
            fresh = streaks.Streak(today, 1, 1)  # used only if the row vanished meanwhile
        checkin_id, streak = await self.checkins.add(
            member_id,
            community_id,
            mood,
            tags,
            note,
            now,
            StreakRow(tz.key, fresh.last_day, fresh.current, fresh.longest, fresh.grace_day),
            rebuild,
        )
        self._zones[member_id] = streak.timezone
        current = streak.current if streak.last_day == today else 0
        reached = []
        # A repeat check-in on a milestone's day tries the ledger again and is refused there.
        for threshold in milestones.streak_milestones_reached(current - 1, current):
            # The ledger key includes the streak's first day, so a rebuilt streak celebrates again.
            first_day = today - timedelta(days=current - 1)
            key = f"streak:{threshold}:{first_day.isoformat()}"
            if await self.celebrations.mark_celebrated(member_id, key, now):
                reached.append(threshold)
        return Recorded(checkin_id, current, tuple(reached))

    async def checked_in_since(self, member_id: int, start: datetime) -> bool:
        """Whether the member checked in at `start` or later (a nudge is skipped then)."""
        return await self.checkins.checked_in_since(member_id, start)

    async def today(self, member_id: int, now: datetime, tz: ZoneInfo) -> Entry | None:
        """The member's latest check-in of their own today, the one they may change."""
        midnight = datetime.combine(streaks.local_date(now, tz), datetime.min.time(), tz)
        return await self.checkins.latest_since(member_id, midnight)

    async def amend(
        self,
        member_id: int,
        now: datetime,
        tz: ZoneInfo,
        *,
        mood: int | None = None,
        tags: tuple[str, ...] | None = None,
        add_tags: tuple[str, ...] = (),
        note: str | None = None,
    ) -> Entry | None:
        """Change today's latest check-in (mood, feelings replaced or added to, note); None
        when there is none today. It stays one check-in: streaks and counts do not move."""
        entry = await self.today(member_id, now, tz)
        if entry is None:
            return None
        feelings = tags if tags is not None else entry.tags
        feelings = tuple(dict.fromkeys([*feelings, *add_tags]))
        changed = Entry(
            entry.id,
            entry.community_id,
            mood if mood is not None else entry.mood,
            feelings,
            note if note is not None else entry.note,
            entry.at,
        )
        return changed if await self.checkins.amend(member_id, changed) else None

    async def undo(
        self, member_id: int, now: datetime, tz: ZoneInfo
    ) -> tuple[Entry, streaks.Streak] | None:
        """Remove today's latest check-in, and count the streak again without it (milestones
        already celebrated stay celebrated); None when there is none today."""
        entry = await self.today(member_id, now, tz)
        if entry is None:
            return None
        stored = await self.checkins.streak(member_id)
        days = {
            streaks.local_date(r.at, tz)
            for r in await self.checkins.since(member_id, now - HISTORY)
            if r.id != entry.id
        }
        walked = streaks.walk(days) or streaks.Streak(date.min, 0, 0)
        longest = walked.longest
        if stored is not None and stored.longest > stored.current:
            longest = max(longest, stored.longest)  # an older best, beyond the history read
        fresh = streaks.Streak(walked.last_day, walked.current, longest, walked.grace_day)
        row = StreakRow(tz.key, fresh.last_day, fresh.current, fresh.longest, fresh.grace_day)
        if not await self.checkins.remove(member_id, entry, row):
            return None
        self._zones[member_id] = tz.key
        today = streaks.local_date(now, tz)
        return entry, streaks.Streak(fresh.last_day, fresh.on(today), longest, fresh.grace_day)

    async def streak(self, member_id: int, now: datetime, tz: ZoneInfo) -> streaks.Streak:
        """The member's streak as it stands now (current 0 when broken)."""
        today = streaks.local_date(now, tz)
        stored = await self.checkins.streak(member_id)
        if stored is not None and stored.timezone == tz.key:
            kept = streaks.Streak(stored.last_day, stored.current, stored.longest, stored.grace_day)
            return streaks.Streak(kept.last_day, kept.on(today), kept.longest, kept.grace_day)
        days = [
            streaks.local_date(m, tz) for m in await self.checkins.moments(member_id, now - HISTORY)
        ]
        return streaks.Streak(
            today, streaks.current_streak(days, today), streaks.longest_streak(days)
        )

    async def report(self, member_id: int, now: datetime, tz: ZoneInfo) -> MoodReport:
        today = streaks.local_date(now, tz)
        rows = await self.checkins.since(member_id, now - timedelta(days=31))
        entries = [(streaks.local_date(r.at, tz), r.mood) for r in rows]
        windows = []
        for days in (7, 30):
            first = today - timedelta(days=days - 1)
            values = summaries.daily_means(entries, first, today)
            windows.append(
                MoodWindow(
                    days,
                    summaries.sparkline(values),
                    summaries.average(values),
                    summaries.trend(values),
                    sum(1 for d, _ in entries if d >= first),
                )
            )
        streak = await self.streak(member_id, now, tz)
        month = today - timedelta(days=30)
        top = summaries.most_named(
            (tag for r in rows if streaks.local_date(r.at, tz) > month for tag in r.tags), 3
        )
        return MoodReport(
            tuple(windows),
            streak.current,
            streak.longest,
            top,
        )

    async def chart(
        self, member_id: int, now: datetime, tz: ZoneInfo, days: int
    ) -> charts.MoodChart:
        """What the member's chart shows; read fresh each time, never cached or stored."""
        today = streaks.local_date(now, tz)
        rows = await self.checkins.since(member_id, now - timedelta(days=days + 1))
        entries = [(streaks.local_date(r.at, tz), r.mood, r.tags) for r in rows]
        streak = await self.streak(member_id, now, tz)
        first = await self.checkins.first_at(member_id)
        began = streaks.local_date(first, tz) if first else None
        return charts.mood_chart(entries, today, days, streak.current, began)

    async def community_first(self, community_id: int) -> datetime | None:
        return await self.checkins.community_first_at(community_id)

    async def community_weeks(
        self, community_id: int, starts: Sequence[datetime], min_group: int
    ) -> charts.CommunityChart:
        """A group's anonymous weeks, each [start, start + 7 days): only what
        `aggregates.aggregate` lets through ever leaves this method."""
        weeks = []
        for start in starts:
            entries = await self.checkins.community_window(
                community_id, start, start + timedelta(weeks=1)
            )
            weeks.append(charts.Week(start.date(), aggregate(entries, min_group)))
        return charts.CommunityChart(tuple(weeks), min_group)
