"""Peer support decides here: who may support (passed the course, approved by a lead), who a
request goes to (on, within their hours, under their maximum, least recently matched first),
who wins when two accept, when a silent conversation is asked to end, and which lead an urgent
alert is tried on next. Relayed words never pass through storage."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.domain.support import (
    ACK_WAIT,
    MAX_OPEN,
    MIN_FIGURES,
    QUIET,
    REQUESTS_PER_DAY,
    aliases,
    hours_of,
    read_hours,
)
from bot.i18n import _, ngettext
from bot.storage.invalidation import SUPPORT
from bot.storage.support import AlertRow, Figures, SupporterRow, SupportRepo, TalkRow


@dataclass(frozen=True)
class Relay:
    """Where a member's words go in their open conversation: to `to_member` (a member id)
    under the alias `alias` of the one who wrote; `from_member` says which side wrote."""

    talk: TalkRow
    to_member: int
    alias: str
    from_member: bool


class SupportService:
    def __init__(self, repo: SupportRepo, rng: random.Random | None = None) -> None:
        self.repo = repo
        self.rng = rng or random.Random()
        # Whether the every-minute job may have anything to do. Set by any process that asks
        # for a conversation or raises an alert (a notice every process hears), cleared when
        # a look finds nothing: while nothing is live, the job reads nothing.
        self._live = True
        repo.db.on_change(SUPPORT, self._wake)

    def _wake(self, key: int | None) -> None:
        self._live = True

    async def live(self) -> bool:
        if not self._live:
            return False
        self._live = False  # before the look: a notice during it sets it again
        if await self.repo.anything_live():
            self._live = True
        return self._live

    # -- the course ------------------------------------------------------------------------
    async def passed(self, member_id: int) -> set[str]:
        return await self.repo.passed(member_id)

    async def pass_module(self, member_id: int, slug: str, every: list[str], now: datetime) -> bool:
        """Record a module passed; True when this completed the course (every module)."""
        before = await self.repo.passed(member_id)
        await self.repo.pass_module(member_id, slug, now)
        return slug not in before and set(every) <= before | {slug}

    async def apply(self, community_id: int, member_id: int, now: datetime) -> bool:
        """Ask to support a group (after the course): True when newly asked."""
        return await self.repo.ask(community_id, member_id, now)

    # -- supporters --------------------------------------------------------------------------
    async def supporter(self, community_id: int, member_id: int) -> SupporterRow | None:
        return await self.repo.supporter(community_id, member_id)

    async def groups_of(self, member_id: int) -> list[SupporterRow]:
        return await self.repo.groups_of(member_id)

    async def roster(self, community_id: int) -> list[SupporterRow]:
        return await self.repo.roster(community_id)

    async def approve(self, community_id: int, member_id: int, now: datetime) -> None:
        found = await self.repo.supporter(community_id, member_id)
        if found is None or found.state == "removed":
            raise ValueError(_("that member has not asked to be a supporter here"))
        await self.repo.set_state(community_id, member_id, "approved", now)

    async def remove(self, community_id: int, member_id: int, now: datetime) -> None:
        found = await self.repo.supporter(community_id, member_id)
        if found is None or found.state == "removed":
            raise ValueError(_("that member is not a supporter here"))
        await self.repo.set_state(community_id, member_id, "removed", now)

    async def pause(self, community_id: int, member_id: int, now: datetime) -> None:
        """A reported supporter takes no requests until a lead approves them again."""
        if await self.repo.supporter(community_id, member_id) is not None:
            await self.repo.set_state(community_id, member_id, "paused", now)

    async def set_available(self, rows: list[SupporterRow], on: bool) -> list[SupporterRow]:
        """On or off in each approved group; returns those changed."""
        changed = [r for r in rows if r.state == "approved"]
        for row in changed:
            await self.repo.update(row.community_id, row.member_id, available=int(on))
        return changed

    async def set_hours(self, rows: list[SupporterRow], text: str) -> str:
        """`HH:MM-HH:MM [days]` or `any`; returns the hours as kept, shown."""
        if text.strip().casefold() in ("any", "always"):
            hours, days = None, None
        else:
            hours, days = read_hours(text)
        for row in rows:
            await self.repo.update(row.community_id, row.member_id, hours=hours, days=days)
        return hours_of(hours, days).shown()

    async def set_max(self, rows: list[SupporterRow], most: int) -> None:
        if not 1 <= most <= MAX_OPEN:
            raise ValueError(
                _("max is a number of conversations from 1 to {most}").format(most=MAX_OPEN)
            )
        for row in rows:
            await self.repo.update(row.community_id, row.member_id, max_open=most)

    # -- requests ------------------------------------------------------------------------------
    async def request(
        self, community_id: int, member_id: int, topic: str | None, now: datetime
    ) -> tuple[TalkRow, list[SupporterRow]]:
        """A member asks for someone to talk to: at most one request or conversation at a
        time, and a few a day. Returns the request and the supporters it goes to (free now:
        on, within their hours, under their maximum, never the member themself), least
        recently matched first."""
        for talk in await self.repo.current(member_id):
            if talk.member_id == member_id:
                raise ValueError(
                    _("you already have a conversation or a request open; /end ends it")
                )
        if await self.repo.requests_since(member_id, now - timedelta(days=1)) >= REQUESTS_PER_DAY:
            raise ValueError(
                ngettext(
                    "you can ask for a conversation {n} time a day; /sos is always there",
                    "you can ask for a conversation {n} times a day; /sos is always there",
                    REQUESTS_PER_DAY,
                ).format(n=REQUESTS_PER_DAY)
            )
        talk_id = await self.repo.create_talk(
            community_id, member_id, topic, aliases(self.rng), now
        )
        free = [
            row
            for row, open_now in await self.repo.candidates(community_id)
            if row.member_id != member_id
            and open_now < row.max_open
            and hours_of(row.hours, row.days).open_at(
                now.astimezone(ZoneInfo(row.timezone or "UTC"))
            )
        ]
        await self.repo.offer(talk_id, [row.member_id for row in free])
        talk = await self.repo.talk(talk_id)
        assert talk is not None
        return talk, free

    async def accept(self, talk_id: int, supporter_id: int, now: datetime) -> TalkRow:
        """The first supporter to accept is paired; ValueError for anyone else."""
        talk = await self.repo.talk(talk_id)
        if talk is None:
            raise ValueError(_("there is no such request"))
        if talk.member_id == supporter_id:
            raise ValueError(_("that is your own request"))
        if supporter_id not in await self.repo.offered(talk_id):
            raise ValueError(_("that request was not offered to you"))
        if not await self.repo.accept(talk_id, supporter_id, now):
            raise ValueError(_("another supporter took it, or it has ended; thank you"))
        await self.repo.matched(talk.community_id, supporter_id, now)
        found = await self.repo.talk(talk_id)
        assert found is not None
        return found

    async def offered(self, talk_id: int) -> list[int]:
        return await self.repo.offered(talk_id)

    async def talk(self, talk_id: int) -> TalkRow | None:
        return await self.repo.talk(talk_id)

    async def current(self, member_id: int) -> list[TalkRow]:
        return await self.repo.current(member_id)

    async def relay(self, member_id: int, now: datetime) -> Relay | None:
        """Where a member's words go now: the other side of their open conversation (one at
        a time for a member; a supporter with several answers in the latest)."""
        found = [t for t in await self.repo.current(member_id) if t.state == "open"]
        if not found:
            return None
        talk = found[-1]
        await self.repo.touch(talk.id, now)
        if talk.member_id == member_id:
            assert talk.supporter_id is not None
            return Relay(talk, talk.supporter_id, talk.member_alias, True)
        assert talk.member_id is not None
        return Relay(talk, talk.member_id, talk.supporter_alias, False)

    async def share_name(self, talk: TalkRow) -> None:
        await self.repo.share_name(talk.id)

    async def end(self, talk: TalkRow, by: str, now: datetime) -> str | None:
        return await self.repo.end(talk.id, by, now)

    async def rate(
        self, talk_id: int, member_id: int, stars: int | None, helped: bool | None
    ) -> None:
        talk = await self.repo.talk(talk_id)
        if talk is None or talk.member_id != member_id or talk.state != "ended":
            raise ValueError(_("only the member who asked can rate a conversation, once it ended"))
        await self.repo.rate(talk_id, stars, helped)

    async def follow_up(self, talk_id: int, supporter_id: int) -> TalkRow:
        talk = await self.repo.talk(talk_id)
        if talk is None or talk.supporter_id != supporter_id:
            raise ValueError(_("only the supporter of a conversation can flag it"))
        await self.repo.flag_follow_up(talk_id)
        return talk

    async def unanswered(self, now: datetime) -> list[TalkRow]:
        """Requests nobody accepted within their group's wait: each is ended, once."""
        ended: list[TalkRow] = []
        minutes: dict[int, int] = {}
        for talk in await self.repo.waiting_before(now - timedelta(minutes=2)):
            wait = minutes.get(talk.community_id)
            if wait is None:
                wait = minutes[talk.community_id] = await self.repo.talk_minutes(talk.community_id)
            due = talk.asked_at + timedelta(minutes=wait) <= now
            if due and await self.repo.end(talk.id, "timeout", now) == "unanswered":
                ended.append(talk)
        return ended

    async def quiet(self, now: datetime) -> list[TalkRow]:
        """Open conversations silent for QUIET: both are asked, once, whether to end."""
        found = await self.repo.quiet_since(now - QUIET)
        for talk in found:
            await self.repo.asked_quiet(talk.id, now)
        return found

    async def set_talk_minutes(self, community_id: int, minutes: int) -> None:
        await self.repo.set_talk_minutes(community_id, minutes)

    async def figures(self, community_id: int) -> Figures | None:
        """None below MIN_FIGURES conversations asked: too few to show anonymously."""
        found = await self.repo.figures(community_id)
        return found if found.requests >= MIN_FIGURES else None

    async def of_member(self, member_id: int) -> list[TalkRow]:
        return await self.repo.of_member(member_id)

    # -- on call and urgent alerts ---------------------------------------------------------------
    async def set_oncall(self, community_id: int, member_ids: list[int]) -> None:
        await self.repo.set_oncall(community_id, member_ids)

    async def oncall(self, community_id: int) -> list[int]:
        return await self.repo.oncall(community_id)

    async def raise_alert(
        self, community_id: int, about: int | None, reason: str, talk_id: int | None, now: datetime
    ) -> AlertRow:
        """An urgent alert, first to the first lead on call; the next is tried after
        ACK_WAIT without an "I'm on it"."""
        alert_id = await self.repo.raise_alert(
            community_id, about, reason, talk_id, now, now + ACK_WAIT
        )
        found = await self.repo.alert(alert_id)
        assert found is not None
        return found

    async def alert(self, alert_id: int) -> AlertRow | None:
        return await self.repo.alert(alert_id)

    async def escalations(self, now: datetime) -> list[AlertRow]:
        """Alerts nobody acknowledged in time, each moved one level on (once)."""
        moved = []
        for alert in await self.repo.alerts_due(now):
            if await self.repo.escalate(alert.id, alert.level + 1, now + ACK_WAIT):
                moved.append(await self.repo.alert(alert.id))
        return [a for a in moved if a is not None]

    async def ack(self, alert_id: int, member_id: int, now: datetime) -> bool:
        return await self.repo.ack(alert_id, member_id, now)

    async def member_named(self, community_id: int, name: str) -> int:
        """The one member of the group a lead names; ValueError for none or several."""
        found = await self.repo.members_named(community_id, name)
        if not found:
            raise ValueError(_("no member of this group is called {name}").format(name=name[:40]))
        if len(found) > 1:
            raise ValueError(
                _("{n} members are called {name}; use their id").format(
                    n=len(found), name=name[:40]
                )
            )
        return found[0][0]

    async def last_alert_about(self, member_id: int, community_id: int) -> datetime | None:
        return await self.repo.last_alert_about(member_id, community_id)
