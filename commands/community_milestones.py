"""The hourly job that celebrates community milestones and members' anniversaries of joining.

The rules (who counts, when, where) are in bot/services/community_milestones.py; here are the
words. They never carry a mood, an average or anyone's own numbers, and names and titles go
out as plain text like every other reply (adapters escape them and never ping).
"""

from __future__ import annotations

from datetime import datetime

from apscheduler.triggers.cron import CronTrigger

from bot.core.messages import Actor, Place, Reply, private, public
from bot.core.registry import Command
from bot.domain.community_milestones import years_phrase
from bot.scheduler.jobs import Job
from bot.services.community_milestones import (
    ANNIVERSARY,
    CHECKINS,
    CommunityCelebration,
    JoinAnniversary,
)
from bot.services.container import Services
from bot.storage.people import CommunityRow


def community_text(c: CommunityCelebration) -> str:
    if c.kind == CHECKINS:
        return (
            f"🎉 This community has shared {c.value:,} check-ins together. "
            "Thank you for showing up for yourselves and each other."
        )
    if c.kind == ANNIVERSARY:
        name = c.community.title or "This community"
        return (
            f"🎂 {name} has been on Haven for {years_phrase(c.value)} today. "
            "Thank you to everyone who makes this a kind place to be."
        )
    return (
        f"🌱 Together, members here have reached {c.value:,} days of check-in streaks. "
        "Every day counts, and so does every fresh start."
    )


def joined_text(a: JoinAnniversary) -> str:
    ago = "one year" if a.years == 1 else years_phrase(a.years)
    where = a.community.title or "this community"
    return f"🎉 {a.member.name}, {ago} ago today you joined {where}. Glad you're here."


def community_place(community: CommunityRow) -> Place:
    """Where a lead last ran `/community celebrations on`; before that, the community's chat
    (Telegram and the console: the group; Discord: the channel Haven was first used in)."""
    return Place(
        community.platform,
        community.celebrate_chat_id or community.chat_id,
        is_direct=False,
        community_id=community.key,
        title=community.title,
    )


async def celebrate_communities(svc: Services, now: datetime) -> list[Reply]:
    """Hourly: each community milestone and join anniversary goes out once (ledgers)."""
    replies: list[Reply] = []
    for due in await svc.community_milestones.celebrate(now):
        if isinstance(due, CommunityCelebration):
            key = f"community:{due.community.id}:{due.key}"
            replies.append(
                public(community_text(due), to=community_place(due.community), idempotency_key=key)
            )
            continue
        key = f"celebration:{due.member.id}:{due.key}"
        text = joined_text(due)
        if due.public:
            replies.append(public(text, to=community_place(due.community), idempotency_key=key))
        else:
            member = Actor(due.member.platform, due.member.user_id, due.member.name)
            replies.append(private(text, to=member, idempotency_key=key))
    return replies


COMMANDS: list[Command] = []
JOBS = [Job("community_milestones", CronTrigger(minute=0, timezone="UTC"), celebrate_communities)]
