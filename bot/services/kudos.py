"""Kudos decide here: never to oneself, never to a member who turned them off, a few a day
and one a day to the same member (thanks that stay meaningful, not a spam channel)."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.i18n import _, ngettext
from bot.storage.kudos import KudosRepo

PER_DAY = 10  # kudos a member may give in a day
MAX_NOTE = 300


class KudosService:
    def __init__(self, repo: KudosRepo) -> None:
        self.repo = repo

    async def give(
        self,
        community_id: int,
        giver_id: int,
        receiver_id: int,
        note: str,
        public: bool,
        now: datetime,
    ) -> int:
        """Record a kudos; ValueError (translated) when it may not be given."""
        if giver_id == receiver_id:
            raise ValueError(_("kudos are for thanking someone else"))
        if len(note) > MAX_NOTE:
            raise ValueError(
                _("a kudos note is at most {n} characters, not {length}").format(
                    n=MAX_NOTE, length=len(note)
                )
            )
        if await self.repo.is_off(receiver_id):
            raise ValueError(
                _("that member has turned kudos off; a kind word in the group works too")
            )
        given = await self.repo.given_since(giver_id, now - timedelta(days=1))
        if receiver_id in given:
            raise ValueError(_("you thanked that member today already; try again tomorrow"))
        if len(given) >= PER_DAY:
            raise ValueError(
                ngettext(
                    "you can give {n} kudos a day; try again tomorrow",
                    "you can give {n} kudos a day; try again tomorrow",
                    PER_DAY,
                ).format(n=PER_DAY)
            )
        return await self.repo.add(community_id, giver_id, receiver_id, public, now)

    async def received(self, member_id: int, since: datetime | None = None) -> int:
        return await self.repo.received(member_id, since)

    async def in_community(self, community_id: int, since: datetime, until: datetime) -> int:
        return await self.repo.in_community(community_id, since, until)

    async def is_off(self, member_id: int) -> bool:
        return await self.repo.is_off(member_id)

    async def turn(self, member_id: int, on: bool, now: datetime) -> None:
        await self.repo.turn(member_id, on, now)
