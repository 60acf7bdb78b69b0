"""The hourly job that celebrates community milestones and members' anniversaries of joining.

The rules (who counts, when, where) are in bot/services/community_milestones.py; here are the
words. They never carry a mood, an average or anyone's own numbers, and names and titles go
out as plain text like every other reply (adapters escape them and never ping).
"""

from __future__ import annotations

from datetime import datetime

from apscheduler.triggers.cron import CronTrigger

from bot import i18n
from bot.core.messages import Actor, Place, Reply, private, public
from bot.core.registry import Command
from bot.i18n import _, ngettext, use
from bot.scheduler.jobs import Job
from bot.services.community_milestones import (
    ANNIVERSARY,
    CHECKINS,
    KUDOS,
    CommunityCelebration,
    JoinAnniversary,
)
from bot.services.container import Services
from bot.storage.people import CommunityRow


def community_text(c: CommunityCelebration) -> str:
    """The post, in the current language (the community's: `celebrate_communities`)."""
    if c.kind == CHECKINS:
        return "🎉 " + ngettext(
            "This community has shared {n} check-in together. Thank you for showing up for "
            "yourselves and each other.",
            "This community has shared {n} check-ins together. Thank you for showing up for "
            "yourselves and each other.",
            c.value,
        ).format(n=i18n.number(c.value))
    if c.kind == KUDOS:
        return "💛 " + ngettext(
            "{n} kudos shared here this month. Thank you for lifting each other up.",
            "{n} kudos shared here this month. Thank you for lifting each other up.",
            c.value,
        ).format(n=i18n.number(c.value))
    if c.kind == ANNIVERSARY:
        if c.community.title:
            said = ngettext(
                "{name} has been on Haven for {n} year today. Thank you to everyone who makes "
                "this a kind place to be.",
                "{name} has been on Haven for {n} years today. Thank you to everyone who makes "
                "this a kind place to be.",
                c.value,
            )
        else:
            said = ngettext(
                "This community has been on Haven for {n} year today. Thank you to everyone "
                "who makes this a kind place to be.",
                "This community has been on Haven for {n} years today. Thank you to everyone "
                "who makes this a kind place to be.",
                c.value,
            )
        return "🎂 " + said.format(name=c.community.title, n=c.value)
    return "🌱 " + ngettext(
        "Together, members here have reached {n} day of check-in streaks. Every day counts, "
        "and so does every fresh start.",
        "Together, members here have reached {n} days of check-in streaks. Every day counts, "
        "and so does every fresh start.",
        c.value,
    ).format(n=i18n.number(c.value))


def joined_text(a: JoinAnniversary) -> str:
    """The member's anniversary of joining, in the current language."""
    titled = bool(a.community.title)
    if a.years == 1:
        said = (
            _("{name}, one year ago today you joined {where}. Glad you're here.")
            if titled
            else _("{name}, one year ago today you joined this community. Glad you're here.")
        )
    elif titled:
        said = ngettext(
            "{name}, {n} year ago today you joined {where}. Glad you're here.",
            "{name}, {n} years ago today you joined {where}. Glad you're here.",
            a.years,
        )
    else:
        said = ngettext(
            "{name}, {n} year ago today you joined this community. Glad you're here.",
            "{name}, {n} years ago today you joined this community. Glad you're here.",
            a.years,
        )
    return "🎉 " + said.format(name=a.member.name, n=a.years, where=a.community.title)


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
            with use(svc.people.community_language(due.community)):
                text = community_text(due)
            replies.append(public(text, to=community_place(due.community), idempotency_key=key))
            continue
        key = f"celebration:{due.member.id}:{due.key}"
        if due.public:  # in the group's chat: the group's language
            with use(svc.people.community_language(due.community)):
                text = joined_text(due)
            replies.append(public(text, to=community_place(due.community), idempotency_key=key))
        else:  # privately: the member's own language, else the group's
            chosen = due.member.language or svc.people.community_language(due.community)
            with use(chosen):
                text = joined_text(due)
            member = Actor(due.member.platform, due.member.user_id, due.member.name)
            replies.append(private(text, to=member, idempotency_key=key))
    return replies


COMMANDS: list[Command] = []
JOBS = [Job("community_milestones", CronTrigger(minute=0, timezone="UTC"), celebrate_communities)]
