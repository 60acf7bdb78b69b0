"""Anonymous shares decide here: a few a day, a lead's review that never shows the author, one
decision per share, one response of each kind per member, and the moments the author hears
how many responded."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.i18n import _, ngettext
from bot.storage.shares import KINDS, ShareRepo, ShareRow

MAX_TEXT = 1500
PER_DAY = 3
TOLD_AT = (1, 5, 10, 25, 50, 100)  # responses at which the author is told
REPLY_MINUTES = 15  # after a lead presses Reply under a feedback, their next words answer it


class ShareService:
    def __init__(self, repo: ShareRepo) -> None:
        self.repo = repo

    async def submit(
        self, community_id: int, member_id: int, text: str, now: datetime, *, held: bool = False
    ) -> ShareRow:
        """A new share, waiting for a lead; `held` (the crisis screen flagged it) waits for
        its author to choose to share it all the same, and no lead sees it before."""
        text = text.strip()
        if not text:
            raise ValueError(_("write what you'd like to share"))
        if len(text) > MAX_TEXT:
            raise ValueError(
                _("a share is at most {n} characters, not {length}").format(
                    n=MAX_TEXT, length=len(text)
                )
            )
        if await self.repo.since(member_id, now - timedelta(days=1)) >= PER_DAY:
            raise ValueError(
                ngettext(
                    "you can share {n} time a day; try again tomorrow",
                    "you can share {n} times a day; try again tomorrow",
                    PER_DAY,
                ).format(n=PER_DAY)
            )
        found = await self.repo.get(
            await self.repo.create(community_id, member_id, text, now, held)
        )
        assert found is not None
        return found

    async def release(self, share_id: int, member_id: int) -> ShareRow:
        if not await self.repo.release(share_id, member_id):
            raise ValueError(
                _("you have no share #{id} waiting for your choice").format(id=share_id)
            )
        found = await self.repo.get(share_id)
        assert found is not None
        return found

    async def get(self, share_id: int) -> ShareRow | None:
        return await self.repo.get(share_id)

    async def decide(
        self, share_id: int, approve: bool, content_note: bool, now: datetime
    ) -> ShareRow:
        state = "approved" if approve else "declined"
        if not await self.repo.decide(share_id, state, content_note, now):
            raise ValueError(_("that share was already decided or removed"))
        found = await self.repo.get(share_id)
        assert found is not None
        return found

    async def posted_by(self, member_id: int) -> list[ShareRow]:
        return await self.repo.posted_by(member_id)

    async def author(self, share_id: int) -> int | None:
        return await self.repo.author(share_id)

    async def delete(self, share_id: int, member_id: int) -> ShareRow:
        found = await self.repo.by_author(share_id, member_id)
        if found is None or found.state == "deleted":
            raise ValueError(_("you have no share #{id}").format(id=share_id))
        await self.repo.delete(share_id)
        return found

    async def respond(
        self, share_id: int, member_id: int, kind: str, now: datetime
    ) -> tuple[ShareRow, dict[str, int], int | None]:
        """Record a response; returns the share, its counts, and the total to tell the author
        of when it just reached one of TOLD_AT."""
        found = await self.repo.get(share_id)
        if found is None or found.state != "approved" or kind not in KINDS:
            raise ValueError(_("that share can't take responses"))
        added = await self.repo.respond(share_id, member_id, kind, now)
        counts = await self.repo.counts(share_id)
        total = sum(counts.values())
        return found, counts, total if added and total in TOLD_AT else None

    async def feedback(self, community_id: int, member_id: int, text: str, now: datetime) -> int:
        """Anonymous feedback to the leads, with the same limits as a share; its number."""
        text = text.strip()
        if not text:
            raise ValueError(_("write your feedback after /feedback"))
        if len(text) > MAX_TEXT:
            raise ValueError(
                _("feedback is at most {n} characters, not {length}").format(
                    n=MAX_TEXT, length=len(text)
                )
            )
        if await self.repo.feedback_since(member_id, now - timedelta(days=1)) >= PER_DAY:
            raise ValueError(
                ngettext(
                    "you can send feedback {n} time a day; try again tomorrow",
                    "you can send feedback {n} times a day; try again tomorrow",
                    PER_DAY,
                ).format(n=PER_DAY)
            )
        return await self.repo.add_feedback(community_id, member_id, text, now)

    async def feedback_of(self, feedback_id: int) -> tuple[int, int | None] | None:
        return await self.repo.feedback(feedback_id)

    async def answered(self, feedback_id: int, now: datetime) -> None:
        await self.repo.answered(feedback_id, now)

    async def start_reply(self, feedback_id: int, lead_id: int, now: datetime) -> None:
        await self.repo.start_reply(feedback_id, lead_id, now)

    async def replying(self, lead_id: int, now: datetime) -> int | None:
        """The feedback whose Reply the lead pressed in the last REPLY_MINUTES, if any."""
        return await self.repo.replying(lead_id, now - timedelta(minutes=REPLY_MINUTES))
