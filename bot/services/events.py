"""Gatherings: a lead plans one, members answer Going, Maybe or Can't go, a full event keeps a
waiting list that moves up when a place frees, those going are reminded before it starts, and
a cancellation reaches everyone who answered, once."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.domain.events import MAX_UPCOMING, MIN_RATINGS, OPENING_WINDOW, RATE_WINDOW, REMINDERS
from bot.i18n import _, ngettext
from bot.storage.events import MAX_LENGTH, Attendee, Counts, EventRepo, EventRow, NewEvent


@dataclass(frozen=True)
class Answered:
    event: EventRow
    kept: str  # going, maybe, no, waiting
    promoted: int | None  # a member moved up from the waiting list
    counts: Counts


@dataclass(frozen=True)
class Due:
    """A reminder owed: `before` the start of `event`, to each of `going`."""

    event: EventRow
    before: timedelta
    going: list[Attendee]


class EventService:
    def __init__(self, repo: EventRepo) -> None:
        self.repo = repo

    async def create(self, event: NewEvent, now: datetime) -> EventRow:
        """ValueError (said to the lead) past the group's limit of events to come."""
        upcoming = await self.repo.upcoming(event.community_id, now)
        if len(upcoming) >= MAX_UPCOMING:
            raise ValueError(
                ngettext(
                    "a group may have at most {n} event to come; cancel one first",
                    "a group may have at most {n} events to come; cancel one first",
                    MAX_UPCOMING,
                ).format(n=MAX_UPCOMING)
            )
        found = await self.repo.get(await self.repo.create(event, now))
        assert found is not None
        return found

    async def get(self, community_id: int, event_id: int) -> EventRow:
        """The group's event (ValueError for another group's or none: ids are not secrets,
        but a member of one group learns nothing of another's events)."""
        found = await self.repo.get(event_id)
        if found is None or found.community_id != community_id:
            raise ValueError(_("there is no event #{id} in this group").format(id=event_id))
        return found

    async def upcoming(self, community_id: int, now: datetime) -> list[EventRow]:
        return await self.repo.upcoming(community_id, now)

    async def answer(
        self, community_id: int, event_id: int, member_id: int, answer: str, now: datetime
    ) -> Answered:
        event = await self.get(community_id, event_id)
        if event.cancelled_at is not None:
            raise ValueError(_("that event was cancelled"))
        if event.starts_at <= now:
            raise ValueError(_("that event has already started"))
        kept, promoted = await self.repo.answer(event, member_id, answer, now)
        return Answered(event, kept, promoted, await self.repo.counts(event.id))

    async def counts(self, event_id: int) -> Counts:
        return await self.repo.counts(event_id)

    async def attendees(self, event: EventRow) -> list[Attendee]:
        return await self.repo.attendees(event.id, ("going", "waiting"))

    async def change(
        self, event: EventRow, changes: dict[str, object], now: datetime
    ) -> tuple[EventRow, list[Attendee]]:
        """Change an event still to come; returns it as it is now and, when its time moved,
        everyone to tell (going, waiting or maybe)."""
        if event.cancelled_at is not None:
            raise ValueError(_("that event was cancelled"))
        if event.starts_at <= now:
            raise ValueError(_("that event has already started"))
        if not changes:
            raise ValueError(_("say what changes: a new date and time, or the details"))
        await self.repo.change(event.id, **changes)
        found = await self.repo.get(event.id)
        assert found is not None
        moved = "starts_at" in changes and found.starts_at != event.starts_at
        told = await self.repo.attendees(event.id, ("going", "waiting", "maybe")) if moved else []
        return found, told

    async def cancel(
        self, event: EventRow, reason: str | None, now: datetime
    ) -> list[Attendee] | None:
        """Everyone to tell (going, waiting or maybe), or None when it was cancelled before."""
        if not await self.repo.cancel(event.id, reason, now):
            return None
        return await self.repo.attendees(event.id, ("going", "waiting", "maybe"))

    async def near(self, now: datetime) -> bool:
        """Whether anything about events may be owed at `now`: an event starting within the
        longest reminder, or one that started recently enough to open, continue its series
        or be rated (its length included)."""
        since = now - MAX_LENGTH - RATE_WINDOW
        return await self.repo.any_between(since, now + max(REMINDERS) + timedelta(minutes=10))

    async def due(self, now: datetime) -> list[Due]:
        """The reminders owed at `now`: for each event still to start, each reminder whose
        moment (24 h, 1 h before) has come. Sent with an idempotency key per event, reminder
        and member, so a reminder owed for hours goes out once however often this runs."""
        found: list[Due] = []
        # The end included: the reminder a day before an event at 18:00 is due at 18:00.
        for event in await self.repo.starting_between(
            now, now + max(REMINDERS) + timedelta(seconds=1)
        ):
            for before in sorted(REMINDERS):  # the nearest first: a stale 24-hour one is not sent
                if event.starts_at - before <= now < event.starts_at:
                    going = await self.repo.attendees(event.id, ("going",))
                    if going:
                        found.append(Due(event, before, going))
                    break
        return found

    async def opening(self, now: datetime) -> list[EventRow]:
        """Sharing circles, and events with an agenda, starting now (within the opening's
        window): each gets its opening post in the group once (its idempotency key), never one
        that started long ago."""
        started = await self.repo.starting_between(now - OPENING_WINDOW, now + timedelta(seconds=1))
        return [e for e in started if e.kind == "circle" or e.agenda]

    async def continue_series(
        self, now: datetime, next_start: Callable[[EventRow], datetime | None]
    ) -> list[EventRow]:
        """For each recurring event whose latest occurrence has started, its next occurrence
        (same details, answers start afresh); returns the new ones, to be posted."""
        made: list[EventRow] = []
        for last in await self.repo.series_to_continue(now):
            start = next_start(last)
            if start is None:
                continue
            new = NewEvent(
                last.community_id,
                last.platform,
                last.chat_id,
                last.thread_id,
                last.title,
                last.kind,
                start,
                last.timezone,
                last.minutes,
                last.capacity,
                last.place,
                last.created_by,
                last.spec,
                last.series,
                last.agenda,
            )
            found = await self.repo.get(await self.repo.create(new, now))
            if found is not None:
                made.append(found)
        return made

    async def to_rate(self, now: datetime) -> list[tuple[EventRow, list[Attendee]]]:
        """Events that ended in the last half hour, with those who went: each is asked once
        (its idempotency key) how it was."""
        found = []
        for event in await self.repo.ended_between(now - RATE_WINDOW, now + timedelta(seconds=1)):
            went = await self.repo.attendees(event.id, ("going",))
            if went:
                found.append((event, went))
        return found

    async def rate(
        self, community_id: int, event_id: int, member_id: int, stars: int, now: datetime
    ) -> EventRow:
        """Only someone who was going may rate, and only once it has ended."""
        event = await self.get(community_id, event_id)
        went = {a.member_id for a in await self.repo.attendees(event.id, ("going",))}
        ended = event.starts_at + timedelta(minutes=event.minutes) <= now
        if member_id not in went or not ended or event.cancelled_at is not None:
            raise ValueError(_("only those who went can rate an event, once it has ended"))
        await self.repo.rate(event.id, member_id, stars, now)
        return event

    async def rating(self, event_id: int) -> tuple[float, int] | None:
        """The average and count, only when at least three rated (anonymous below that)."""
        average, count = await self.repo.rating(event_id)
        return (average, count) if count >= MIN_RATINGS else None

    async def of_member(self, member_id: int) -> list[tuple[EventRow, str]]:
        return await self.repo.of_member(member_id)
