"""Gatherings and their RSVPs. An RSVP is one row per member and event, so pressing Going twice
is one RSVP; a place freed moves the first waiting member up in the same transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.storage.database import stamp, unstamp
from bot.storage.store import Engine

MAX_LENGTH = timedelta(hours=12)  # an event's longest (bot/domain/events.py)
COLUMNS = (
    "e.id, e.community_id, e.platform, e.chat_id, e.thread_id, e.title, e.kind, e.starts_at, "
    "e.timezone, e.minutes, e.capacity, e.place, e.created_by, e.cancelled_at, e.cancel_reason, "
    "e.spec, e.series, e.agenda"
)
WIDTH = COLUMNS.count(",") + 1  # the first column after an event's own


@dataclass(frozen=True)
class NewEvent:
    community_id: int
    platform: str
    chat_id: str
    thread_id: str | None
    title: str
    kind: str
    starts_at: datetime
    timezone: str
    minutes: int
    capacity: int | None
    place: str | None
    created_by: int | None
    spec: str | None = None  # recurring: its schedule; each occurrence is an event of its own
    series: int | None = None  # recurring: the first occurrence's id (None for the first)
    agenda: str | None = None  # steps, one per line


@dataclass(frozen=True)
class EventRow:
    id: int
    community_id: int
    platform: str
    chat_id: str
    thread_id: str | None
    title: str
    kind: str
    starts_at: datetime
    timezone: str
    minutes: int
    capacity: int | None
    place: str | None
    created_by: int | None
    cancelled_at: datetime | None
    cancel_reason: str | None
    spec: str | None = None
    series: int | None = None
    agenda: str | None = None


@dataclass(frozen=True)
class Counts:
    going: int
    maybe: int
    waiting: int


@dataclass(frozen=True)
class Attendee:
    member_id: int
    platform: str
    user_id: str
    name: str
    answer: str


def _row(r: object) -> EventRow:
    x = r
    return EventRow(
        x[0],  # type: ignore[index]
        x[1],  # type: ignore[index]
        x[2],  # type: ignore[index]
        x[3],  # type: ignore[index]
        x[4],  # type: ignore[index]
        x[5],  # type: ignore[index]
        x[6],  # type: ignore[index]
        unstamp(x[7]),  # type: ignore[index]
        x[8],  # type: ignore[index]
        x[9],  # type: ignore[index]
        x[10],  # type: ignore[index]
        x[11],  # type: ignore[index]
        x[12],  # type: ignore[index]
        unstamp(x[13]) if x[13] else None,  # type: ignore[index]
        x[14],  # type: ignore[index]
        x[15],  # type: ignore[index]
        x[16],  # type: ignore[index]
        x[17],  # type: ignore[index]
    )


class EventRepo:
    def __init__(self, db: Engine) -> None:
        self.db = db

    async def create(self, event: NewEvent, now: datetime) -> int:
        e = event
        event_id = await self.db.execute(
            "INSERT INTO events (community_id, platform, chat_id, thread_id, title, kind, "
            "starts_at, timezone, minutes, capacity, place, created_by, created_at, spec, "
            "series, agenda) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                e.community_id,
                e.platform,
                e.chat_id,
                e.thread_id,
                e.title,
                e.kind,
                stamp(e.starts_at),
                e.timezone,
                e.minutes,
                e.capacity,
                e.place,
                e.created_by,
                stamp(now),
                e.spec,
                e.series,
                e.agenda,
            ),
        )
        if e.spec is not None and e.series is None:  # a series is named by its first
            await self.db.execute("UPDATE events SET series = id WHERE id = ?", (event_id,))
        return event_id

    async def series_to_continue(self, now: datetime) -> list[EventRow]:
        """Recurring events whose latest occurrence has started (and was not cancelled: a
        cancelled occurrence ends its series): each needs its next occurrence."""
        rows = await self.db.fetchall(
            f"SELECT {COLUMNS} FROM events e WHERE e.spec IS NOT NULL AND e.cancelled_at IS NULL "
            "AND e.starts_at <= ? AND NOT EXISTS (SELECT 1 FROM events n WHERE n.series = "
            "e.series AND n.starts_at > e.starts_at) ORDER BY e.starts_at, e.id",
            (stamp(now),),
        )
        return [_row(r) for r in rows]

    async def get(self, event_id: int) -> EventRow | None:
        row = await self.db.fetchone(f"SELECT {COLUMNS} FROM events e WHERE e.id = ?", (event_id,))
        return _row(row) if row is not None else None

    async def upcoming(self, community_id: int, now: datetime) -> list[EventRow]:
        """The group's events not cancelled and not yet over, soonest first."""
        rows = await self.db.fetchall(
            f"SELECT {COLUMNS} FROM events e WHERE e.community_id = ? AND e.cancelled_at IS NULL "
            "AND e.starts_at > ? ORDER BY e.starts_at, e.id",
            (community_id, stamp(now)),
        )
        return [_row(r) for r in rows]

    async def starting_between(self, start: datetime, end: datetime) -> list[EventRow]:
        """Events not cancelled that start in [start, end): what reminders look at."""
        rows = await self.db.fetchall(
            f"SELECT {COLUMNS} FROM events e WHERE e.cancelled_at IS NULL "
            "AND e.starts_at >= ? AND e.starts_at < ? ORDER BY e.starts_at, e.id",
            (stamp(start), stamp(end)),
        )
        return [_row(r) for r in rows]

    async def cancel(self, event_id: int, reason: str | None, now: datetime) -> bool:
        """True when this call cancelled it (once: a second cancel changes nothing)."""
        async with self.db.transaction() as conn:
            cursor = await conn.execute(
                "UPDATE events SET cancelled_at = ?, cancel_reason = ? "
                "WHERE id = ? AND cancelled_at IS NULL",
                (stamp(now), reason, event_id),
            )
            return cursor.rowcount == 1

    async def answer(
        self, event: EventRow, member_id: int, answer: str, now: datetime
    ) -> tuple[str, int | None]:
        """Record `answer` (going, maybe, no): going on a full event waits. Returns the answer
        kept and the member moved up from the waiting list, if a place was freed."""
        async with self.db.transaction() as conn:
            rows = await conn.execute_fetchall(
                "SELECT member_id, answer FROM rsvps WHERE event_id = ? ORDER BY at, member_id",
                (event.id,),
            )
            before = {r[0]: r[1] for r in rows}
            if before.get(member_id) in ("going", "waiting") and answer == "going":
                return before[member_id], None  # pressing Going twice is one RSVP
            going = sum(1 for a in before.values() if a == "going")
            kept = answer
            if answer == "going" and event.capacity is not None and going >= event.capacity:
                kept = "waiting"
            await conn.execute(
                "INSERT INTO rsvps (event_id, member_id, answer, at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (event_id, member_id) DO UPDATE SET answer = excluded.answer, "
                "at = excluded.at",
                (event.id, member_id, kept, stamp(now)),
            )
            promoted = None
            if before.get(member_id) == "going" and kept != "going":
                waiting = [m for m, a in before.items() if a == "waiting" and m != member_id]
                if waiting:
                    promoted = waiting[0]  # in the order they asked
                    await conn.execute(
                        "UPDATE rsvps SET answer = 'going' WHERE event_id = ? AND member_id = ?",
                        (event.id, promoted),
                    )
            return kept, promoted

    async def counts(self, event_id: int) -> Counts:
        rows = await self.db.fetchall(
            "SELECT answer, COUNT(*) FROM rsvps WHERE event_id = ? GROUP BY answer", (event_id,)
        )
        found = {r[0]: r[1] for r in rows}
        return Counts(found.get("going", 0), found.get("maybe", 0), found.get("waiting", 0))

    async def attendees(self, event_id: int, answers: tuple[str, ...]) -> list[Attendee]:
        """Members whose answer is one of `answers`, in the order they answered."""
        marks = ", ".join("?" * len(answers))
        rows = await self.db.fetchall(
            "SELECT m.id, m.platform, m.user_id, m.name, r.answer FROM rsvps r "
            f"JOIN members m ON m.id = r.member_id WHERE r.event_id = ? AND r.answer IN ({marks}) "
            "ORDER BY r.at, m.id",
            (event_id, *answers),
        )
        return [Attendee(r[0], r[1], r[2], r[3], r[4]) for r in rows]

    async def of_member(self, member_id: int) -> list[tuple[EventRow, str]]:
        """A member's RSVPs with their events (for /mydata)."""
        rows = await self.db.fetchall(
            f"SELECT {COLUMNS}, r.answer FROM rsvps r JOIN events e ON e.id = r.event_id "
            "WHERE r.member_id = ? ORDER BY e.starts_at",
            (member_id,),
        )
        return [(_row(r), r[WIDTH]) for r in rows]

    async def rate(self, event_id: int, member_id: int, stars: int, now: datetime) -> None:
        """One rating per member and event; a second replaces the first."""
        await self.db.execute(
            "INSERT INTO event_ratings (event_id, member_id, stars, at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (event_id, member_id) DO UPDATE SET stars = excluded.stars, "
            "at = excluded.at",
            (event_id, member_id, stars, stamp(now)),
        )

    async def rating(self, event_id: int) -> tuple[float, int]:
        """(average, count) of an event's ratings; (0, 0) without any."""
        row = await self.db.fetchone(
            "SELECT AVG(stars), COUNT(*) FROM event_ratings WHERE event_id = ?", (event_id,)
        )
        if row is None or not row[1]:
            return 0.0, 0
        return float(row[0]), int(row[1])

    async def ended_between(self, start: datetime, end: datetime) -> list[EventRow]:
        """Events not cancelled that ended in [start, end): who went may rate them."""
        rows = await self.db.fetchall(
            f"SELECT {COLUMNS} FROM events e WHERE e.cancelled_at IS NULL "
            "AND e.starts_at >= ? AND e.starts_at < ? ORDER BY e.starts_at, e.id",
            (stamp(start - MAX_LENGTH), stamp(end)),
        )
        return [
            r for r in map(_row, rows) if start <= r.starts_at + timedelta(minutes=r.minutes) < end
        ]

    async def change(self, event_id: int, **values: object) -> None:
        allowed = {"starts_at", "minutes", "capacity", "kind", "place", "agenda"}
        if not values or set(values) - allowed:
            raise ValueError(f"cannot change {sorted(set(values) - allowed)}")
        stored = {k: stamp(v) if isinstance(v, datetime) else v for k, v in values.items()}
        assignments = ", ".join(f"{key} = ?" for key in stored)
        await self.db.execute(
            f"UPDATE events SET {assignments} WHERE id = ?", (*stored.values(), event_id)
        )

    async def any_between(self, start: datetime, end: datetime) -> bool:
        """Whether any event not cancelled starts in [start, end): one indexed look, so the
        job that reminds, opens, continues and asks for ratings costs next to nothing while
        no event is near."""
        row = await self.db.fetchone(
            "SELECT 1 FROM events WHERE cancelled_at IS NULL AND starts_at >= ? "
            "AND starts_at < ? LIMIT 1",
            (stamp(start), stamp(end)),
        )
        return row is not None
