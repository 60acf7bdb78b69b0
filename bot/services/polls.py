"""Polls decide here: a few open at once in a group, one vote a member changeable until the
poll closes, closing once (a lead's /poll close and the job at its end may race), and who may
ever see voters (never, for an anonymous poll)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.domain.polls import PollSpec, counts_shown
from bot.i18n import _, ngettext
from bot.storage.polls import PollRepo, PollRow

MAX_OPEN = 5  # open polls in one group at once


@dataclass(frozen=True)
class Tally:
    """A poll's votes as anyone may see them: per option only when `shown`."""

    voters: int
    by_option: tuple[int, ...]
    shown: bool


class PollService:
    def __init__(self, repo: PollRepo) -> None:
        self.repo = repo
        # The earliest end of an open poll, known once looked up: the every-minute job reads
        # nothing until then. Forgotten when any process opens a poll (a notice all hear).
        self._next_end: datetime | None = None
        self._known = False
        repo.on_opened(self._forget)

    def _forget(self, key: int | None) -> None:
        self._known = False

    async def create(
        self, community_id: int, spec: PollSpec, member_id: int, now: datetime
    ) -> PollRow:
        if await self.repo.open_count(community_id) >= MAX_OPEN:
            raise ValueError(
                ngettext(
                    "a group has at most {n} open poll; /poll close one first",
                    "a group has at most {n} open polls; /poll close one first",
                    MAX_OPEN,
                ).format(n=MAX_OPEN)
            )
        poll_id = await self.repo.create(
            community_id,
            spec.question,
            spec.options,
            spec.anonymous,
            member_id,
            now,
            now + spec.lasts,
        )
        found = await self.repo.get(poll_id)
        assert found is not None
        return found

    async def get(self, poll_id: int) -> PollRow | None:
        return await self.repo.get(poll_id)

    async def vote(self, poll: PollRow, member_id: int, choice: int, now: datetime) -> int | None:
        """The member's previous choice (None: a first vote)."""
        if poll.closed:
            raise ValueError(_("poll #{id} is closed").format(id=poll.id))
        if not 1 <= choice <= len(poll.options):
            raise ValueError(
                _("poll #{id} has options 1 to {n}").format(id=poll.id, n=len(poll.options))
            )
        return await self.repo.vote(poll.id, member_id, choice, now)

    async def tally(self, poll: PollRow) -> Tally:
        counts = await self.repo.counts(poll.id)
        voters = sum(counts.values())
        by_option = tuple(counts.get(n, 0) for n in range(1, len(poll.options) + 1))
        return Tally(voters, by_option, counts_shown(voters, poll.anonymous, poll.closed))

    async def voters(self, poll: PollRow) -> list[tuple[int, int]]:
        """Who voted what, for a poll's leads: never for an anonymous poll."""
        if poll.anonymous:
            raise ValueError(
                _("poll #{id} is anonymous: nobody can see who voted, leads included").format(
                    id=poll.id
                )
            )
        return await self.repo.voters(poll.id)

    async def close(self, poll_id: int, now: datetime) -> PollRow | None:
        """The poll, closed now by this call; None when it was already closed."""
        if not await self.repo.close(poll_id, now):
            return None
        return await self.repo.get(poll_id)

    async def due(self, now: datetime) -> list[int]:
        """Polls at their end, still open; no read while the earliest end is still ahead."""
        if not self._known:
            self._known = True  # before the look: a notice during it makes it look again
            self._next_end = await self.repo.next_end()
        if self._next_end is None or now < self._next_end:
            return []
        self._known = False  # the next look finds the end after these
        return await self.repo.due(now)
