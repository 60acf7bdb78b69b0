"""/sos and plain text to the bot. /sos never depends on the database or on a limit."""

from __future__ import annotations

import asyncio
import logging
import tomllib
from functools import cache
from typing import Any

from bot import DATA_DIR
from bot.core.messages import Button, Priority, Reply, Request, private
from bot.core.registry import Command, pack_action
from bot.domain.crisis import Screen
from bot.services.container import Services

log = logging.getLogger(__name__)
COUNTRY_LOOKUP_SECONDS = 0.5
SUPPORT_BUTTONS = ((Button("Grounding exercise", action=pack_action("cope", "overwhelmed")),),)


@cache
def texts() -> dict[str, str]:
    with (DATA_DIR / "texts" / "safety.toml").open("rb") as handle:
        return tomllib.load(handle)


async def member_country(svc: Services, request: Request) -> str | None:
    """The member's or group's country if the database answers quickly; else the default."""
    try:
        async with asyncio.timeout(COUNTRY_LOOKUP_SECONDS):
            member = await svc.people.members.find(request.actor.platform, request.actor.user_id)
            community = await svc.people.community_of(request.place)
            if community is None and member is not None:
                community = await svc.people.communities.last_seen_in(member.id)
            return svc.people.country(member, community)
    except Exception:  # a locked or broken database must not delay or stop this reply
        log.warning("country lookup failed for /sos; using the default", exc_info=True)
        return svc.settings.bot.country


def sos_text(svc: Services, country: str | None) -> str:
    t = texts()
    lines = svc.helplines.lines(country)
    parts = [t["sos_intro"]]
    if lines.emergency:
        parts.append(t["sos_emergency"].format(number=lines.emergency))
    parts.append(svc.helplines.describe(country, with_sources=False))
    parts.append(t["sos_close"])
    return "\n\n".join(parts)


async def sos(svc: Services, request: Request, args: dict[str, Any]) -> list[Reply]:
    country = await member_country(svc, request)
    return [
        private(
            sos_text(svc, country),
            priority=Priority.CRISIS,
            buttons=((Button("Grounding exercise", action=pack_action("cope", "overwhelmed")),),),
        )
    ]


@cache
def lexicon() -> Screen:
    with (DATA_DIR / "crisis" / "lexicon.toml").open("rb") as handle:
        doc = tomllib.load(handle)
    return Screen.build(doc["phrases"], doc.get("allowed", ()))


async def crisis_screen(svc: Services, request: Request) -> list[Reply] | None:
    """Runs before any command: on a match, only the private crisis reply; nothing is stored
    and the command does not run (so the triggering text is never saved)."""
    if not lexicon().matches(request.text):
        return None
    country = await member_country(svc, request)
    text = f"{texts()['crisis_intro']}\n\n{sos_text(svc, country)}"
    return [private(text, priority=Priority.CRISIS, buttons=SUPPORT_BUTTONS)]


async def plain_text(svc: Services, request: Request) -> list[Reply]:
    return [private(texts()["plain_text"])]


SOS = Command(
    "sos",
    "Helplines and the emergency number, right now (private)",
    sos,
    examples=("/sos",),
    screen=False,
)
COMMANDS = [SOS]
