"""Check-ins: a mood, optional feelings and an optional note, at a moment in UTC."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from bot.storage.database import Statement, stamp, unstamp
from bot.storage.store import Engine


@dataclass(frozen=True)
class CheckinRow:
    id: int
    mood: int
    tags: tuple[str, ...]
    has_note: bool
    at: datetime


@dataclass(frozen=True)
class Entry:
    """One check-in whole, as its member may change it (today's latest)."""

    id: int
    community_id: int | None
    mood: int
    tags: tuple[str, ...]
    note: str | None
    at: datetime


@dataclass(frozen=True)
class StreakRow:
    """A member's stored streak (see data/migrations/009_running_figures.sql)."""

    timezone: str
    last_day: date
    current: int
    longest: int
    grace_day: date | None = None


# The streak moves on in the check-in's own statement, from the stored row, so two check-ins
# of one member in one batch count right; `rebuild` (or a changed zone) takes the values given.
# The rule is `Streak.after` in bot/domain/streaks.py: the next day adds one; a day after one
# missed day adds one too when no other day was bridged in the seven before it; later, 1.
# (SQLite's SET expressions all read the row as it was before the update.)
def _streak_sql(dialect: str) -> str:
    """The same rule in each engine's words for "a day later" and "days between" (text
    YYYY-MM-DD dates on both)."""
    if dialect == "postgresql":
        reset = "(:rebuild = 1 OR s.timezone <> excluded.timezone)"
        plus = "(s.last_day::date + {n})::text"
        gap = "excluded.last_day::date - s.grace_day::date"
        day_before = "(excluded.last_day::date - 1)::text"
        biggest = "GREATEST"
    else:
        reset = "(:rebuild OR s.timezone <> excluded.timezone)"
        plus = "date(s.last_day, '+{n} day')"
        gap = "julianday(excluded.last_day) - julianday(s.grace_day)"
        day_before = "date(excluded.last_day, '-1 day')"
        biggest = "max"
    bridge = f"(excluded.last_day = {plus.format(n=2)} AND (s.grace_day IS NULL OR {gap} >= 8))"
    advance = (
        f"CASE WHEN {reset} THEN excluded.current "
        "WHEN excluded.last_day = s.last_day THEN s.current "
        f"WHEN excluded.last_day = {plus.format(n=1)} THEN s.current + 1 "
        f"WHEN {bridge} THEN s.current + 1 "
        "WHEN excluded.last_day > s.last_day THEN 1 ELSE s.current END"
    )
    grace = (
        f"CASE WHEN {reset} THEN excluded.grace_day "
        f"WHEN {bridge} THEN {day_before} "
        f"WHEN excluded.last_day > {plus.format(n=1)} THEN NULL ELSE s.grace_day END"
    )
    return (
        "INSERT INTO member_streaks AS s "
        "(member_id, timezone, last_day, current, longest, grace_day) "
        "VALUES (:member, :zone, :day, :current, :longest, :grace) "
        "ON CONFLICT (member_id) DO UPDATE SET "
        f"current = {advance}, "
        f"longest = {biggest}(s.longest, excluded.longest * :rebuild, {advance}), "
        f"grace_day = {grace}, "
        f"last_day = CASE WHEN {reset} THEN excluded.last_day "
        f"ELSE {biggest}(s.last_day, excluded.last_day) END, "
        "timezone = excluded.timezone "
        "RETURNING timezone, last_day, current, longest, grace_day"
    )


_STREAK = {dialect: _streak_sql(dialect) for dialect in ("sqlite", "postgresql")}
# On PostgreSQL the three writes of a check-in are one statement (data-modifying WITH): one
# round trip and one commit, atomic as a transaction would make them.
_ADD_POSTGRES = (
    "WITH added AS (INSERT INTO checkins (member_id, community_id, mood, tags, note, at) "
    "VALUES (:member, :community, :mood, :tags, :note, :at) RETURNING id), "
    "counted AS (INSERT INTO checkin_counts (community_id, member_id, checkins) "
    "SELECT :community, :member, 1 WHERE :community IS NOT NULL "
    "ON CONFLICT (community_id, member_id) "
    "DO UPDATE SET checkins = checkin_counts.checkins + 1), "
    f"streak AS ({_STREAK['postgresql']}) "
    "SELECT (SELECT id FROM added), timezone, last_day, current, longest, grace_day FROM streak"
)


def _streak_row(row: tuple) -> StreakRow:
    grace = date.fromisoformat(row[4]) if row[4] else None
    return StreakRow(row[0], date.fromisoformat(row[1]), int(row[2]), int(row[3]), grace)


class CheckinRepo:
    def __init__(self, db: Engine) -> None:
        self.db = db

    async def add(
        self,
        member_id: int,
        community_id: int | None,
        mood: int,
        tags: tuple[str, ...],
        note: str | None,
        at: datetime,
        streak: StreakRow,
        rebuild: bool,
    ) -> tuple[int, StreakRow]:
        """Insert the check-in, move the member's streak on to `streak.last_day` (or set it to
        `streak` when `rebuild`) and count it for the community, in one transaction; returns
        the new id and the streak as stored. No history is read: the cost is the same on day 1
        and day 365."""
        values = {
            "member": member_id,
            "zone": streak.timezone,
            "day": streak.last_day.isoformat(),
            "current": streak.current,
            "longest": streak.longest,
            "grace": streak.grace_day.isoformat() if streak.grace_day else None,
            "rebuild": int(rebuild),
        }
        if self.db.dialect == "postgresql":
            row = (
                await self.db.write_returning(
                    _ADD_POSTGRES,
                    {
                        **values,
                        "community": community_id,
                        "mood": mood,
                        "tags": ",".join(tags),
                        "note": note or None,
                        "at": stamp(at),
                    },
                )
            )[0]
            return int(row[0]), _streak_row(tuple(row[1:]))
        statements = [
            Statement(
                "INSERT INTO checkins (member_id, community_id, mood, tags, note, at) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (member_id, community_id, mood, ",".join(tags), note or None, stamp(at)),
            ),
            Statement(_STREAK["sqlite"], values),
        ]
        if community_id is not None:
            statements.append(
                Statement(
                    "INSERT INTO checkin_counts (community_id, member_id, checkins) "
                    "VALUES (?, ?, 1) ON CONFLICT (community_id, member_id) "
                    "DO UPDATE SET checkins = checkin_counts.checkins + 1",
                    (community_id, member_id),
                )
            )
        inserted, streaked, *_ = await self.db.write(*statements)
        return inserted.lastrowid, _streak_row(streaked.rows[0])

    async def latest_since(self, member_id: int, start: datetime) -> Entry | None:
        row = await self.db.fetchone(
            "SELECT id, community_id, mood, tags, note, at FROM checkins "
            "WHERE member_id = ? AND at >= ? ORDER BY at DESC, id DESC LIMIT 1",
            (member_id, stamp(start)),
        )
        if row is None:
            return None
        tags = tuple(t for t in row[3].split(",") if t)
        return Entry(row[0], row[1], row[2], tags, row[4], unstamp(row[5]))

    async def amend(self, member_id: int, entry: Entry) -> bool:
        """Store the entry's mood, feelings and note over the row it names (the member's own
        only); False when the row is gone."""
        [outcome] = await self.db.write(
            Statement(
                "UPDATE checkins SET mood = ?, tags = ?, note = ? WHERE id = ? AND member_id = ?",
                (entry.mood, ",".join(entry.tags), entry.note, entry.id, member_id),
            )
        )
        return outcome.rowcount == 1

    async def remove(self, member_id: int, entry: Entry, streak: StreakRow) -> bool:
        """Delete the member's own check-in, take it off the community's count and store the
        streak as it stands without it, in one transaction; False when the row was gone."""
        statements = [
            Statement("DELETE FROM checkins WHERE id = ? AND member_id = ?", (entry.id, member_id)),
            Statement(
                "UPDATE member_streaks SET timezone = ?, last_day = ?, current = ?, longest = ?, "
                "grace_day = ? WHERE member_id = ?",
                (
                    streak.timezone,
                    streak.last_day.isoformat(),
                    streak.current,
                    streak.longest,
                    streak.grace_day.isoformat() if streak.grace_day else None,
                    member_id,
                ),
            ),
        ]
        if entry.community_id is not None:
            statements.insert(
                1,
                Statement(
                    "UPDATE checkin_counts "
                    "SET checkins = CASE WHEN checkins > 0 THEN checkins - 1 ELSE 0 END "
                    "WHERE community_id = ? AND member_id = ?",
                    (entry.community_id, member_id),
                ),
            )
        deleted, *_ = await self.db.write(*statements)
        return deleted.rowcount == 1

    async def community_first_at(self, community_id: int) -> datetime | None:
        """The community's first check-in (of what is kept)."""
        row = await self.db.fetchone(
            "SELECT at FROM checkins WHERE community_id = ? ORDER BY at LIMIT 1", (community_id,)
        )
        return unstamp(row[0]) if row else None

    async def first_at(self, member_id: int) -> datetime | None:
        """When the member first checked in (of what is kept)."""
        row = await self.db.fetchone(
            "SELECT at FROM checkins WHERE member_id = ? ORDER BY at LIMIT 1", (member_id,)
        )
        return unstamp(row[0]) if row else None

    async def streak(self, member_id: int) -> StreakRow | None:
        row = await self.db.fetchone(
            "SELECT timezone, last_day, current, longest, grace_day FROM member_streaks "
            "WHERE member_id = ?",
            (member_id,),
        )
        return _streak_row(row) if row else None

    async def since(self, member_id: int, start: datetime) -> list[CheckinRow]:
        rows = await self.db.fetchall(
            "SELECT id, mood, tags, note IS NOT NULL, at FROM checkins "
            "WHERE member_id = ? AND at >= ? ORDER BY at",
            (member_id, stamp(start)),
        )
        return [
            CheckinRow(
                r[0], r[1], tuple(t for t in r[2].split(",") if t), bool(r[3]), unstamp(r[4])
            )
            for r in rows
        ]

    async def moments(self, member_id: int, start: datetime) -> list[datetime]:
        """A member's check-in times since `start`: only to rebuild a streak (a first check-in
        after an upgrade, or a new time zone), never on every check-in."""
        rows = await self.db.fetchall(
            "SELECT at FROM checkins WHERE member_id = ? AND at >= ? ORDER BY at",
            (member_id, stamp(start)),
        )
        return [unstamp(r[0]) for r in rows]

    async def count(self, member_id: int) -> int:
        row = await self.db.fetchone(
            "SELECT COUNT(*) FROM checkins WHERE member_id = ?", (member_id,)
        )
        return int(row[0]) if row else 0

    async def checked_in_since(self, member_id: int, start: datetime) -> bool:
        row = await self.db.fetchone(
            "SELECT 1 FROM checkins WHERE member_id = ? AND at >= ? LIMIT 1",
            (member_id, stamp(start)),
        )
        return row is not None

    async def community_window(
        self, community_id: int, start: datetime, end: datetime
    ) -> list[tuple[int, int]]:
        """(member id, mood) of a community's check-ins in [start, end) by members whose consent
        stands (a member who withdrew is counted nowhere): for anonymous aggregates only;
        callers never show a row."""
        rows = await self.db.fetchall(
            "SELECT c.member_id, c.mood FROM checkins c "
            "JOIN consents k ON k.member_id = c.member_id "
            "WHERE c.community_id = ? AND c.at >= ? AND c.at < ?",
            (community_id, stamp(start), stamp(end)),
        )
        return [(r[0], r[1]) for r in rows]
