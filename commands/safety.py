"""/sos and plain text to the bot. /sos never depends on the database or on a limit."""

from __future__ import annotations

import asyncio
import logging
import tomllib
from functools import cache
from typing import Any

from bot import DATA_DIR
from bot.core.messages import Actor, Button, Priority, Reply, Request, private
from bot.core.options import Kind, Option
from bot.core.registry import Command, pack_action
from bot.domain.crisis import Screen
from bot.services.container import Services

log = logging.getLogger(__name__)
COUNTRY_LOOKUP_SECONDS = 0.5
GROUNDING = Button("Grounding exercise", action=pack_action("cope", "overwhelmed"))
TRUST = Button("Reach someone you trust", action=pack_action("support", "trust"))
TELL_LEAD = Button("Tell a group lead", action=pack_action("support", "lead"))
SUPPORT_BUTTONS = ((GROUNDING,), (TRUST,))


def support_buttons(lead_alerts: bool) -> tuple[tuple[Button, ...], ...]:
    """ "Tell a group lead" is offered only where the group turned lead alerts on; pressing it
    is the only way a lead ever hears anything, and they hear only that support was asked."""
    return (*SUPPORT_BUTTONS, (TELL_LEAD,)) if lead_alerts else SUPPORT_BUTTONS


@cache
def texts() -> dict[str, str]:
    with (DATA_DIR / "texts" / "safety.toml").open("rb") as handle:
        return tomllib.load(handle)


async def member_context(svc: Services, request: Request) -> tuple[str | None, bool]:
    """(country, lead alerts on) if the database answers quickly; else the defaults, so a
    locked or broken database never delays or stops a crisis reply."""
    try:
        async with asyncio.timeout(COUNTRY_LOOKUP_SECONDS):
            member = await svc.people.members.find(request.actor.platform, request.actor.user_id)
            community = await svc.people.community_of(request.place)
            if community is None and member is not None:
                community = await svc.people.communities.last_seen_in(member.id)
            alerts = bool(community and community.alert_member_id)
            return svc.people.country(member, community), alerts
    except Exception:
        log.warning("member lookup failed for a crisis reply; using the defaults", exc_info=True)
        return svc.settings.bot.country, False


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
    country, alerts = await member_context(svc, request)
    return [
        private(
            sos_text(svc, country),
            priority=Priority.CRISIS,
            buttons=support_buttons(alerts),
        )
    ]


@cache
def lexicon() -> Screen:
    return Screen.from_toml(DATA_DIR / "crisis" / "lexicon.toml")


async def crisis_screen(svc: Services, request: Request) -> list[Reply] | None:
    """Runs before any command: on a match, only the private crisis reply; nothing is stored
    and the command does not run (so the triggering text is never saved)."""
    if not lexicon().matches(request.text):
        return None
    country, alerts = await member_context(svc, request)
    text = f"{texts()['crisis_intro']}\n\n{sos_text(svc, country)}"
    return [private(text, priority=Priority.CRISIS, buttons=support_buttons(alerts))]


async def support(svc: Services, request: Request, args: dict[str, Any]) -> list[Reply]:
    """The crisis reply's gentle options, run only when the member presses them."""
    if args["choice"] == "trust":
        return [private(texts()["trust"])]
    scope = await svc.people.scope(request)
    community = scope.community
    if community is None or community.alert_member_id is None:
        return [private(texts()["no_lead"])]
    lead = await svc.people.members.get(community.alert_member_id)
    if lead is None:
        return [private(texts()["no_lead"])]
    group = community.title or "your group"
    alert = texts()["lead_alert"].format(member=scope.member.name, group=group)
    return [
        private(texts()["lead_told"].format(group=group)),
        private(alert, to=Actor(lead.platform, lead.user_id, lead.name)),
    ]


async def plain_text(svc: Services, request: Request) -> list[Reply]:
    return [private(texts()["plain_text"])]


SOS = Command(
    "sos",
    "Helplines and the emergency number, right now (private)",
    sos,
    examples=("/sos",),
    screen=False,
)
SUPPORT = Command(
    "support",
    "Gentle options after a hard moment: reach someone you trust, tell a lead",
    support,
    options=(
        Option("choice", Kind.WORD, "trust or lead", required=True, choices=("trust", "lead")),
    ),
    actions=(pack_action("support", "trust"), pack_action("support", "lead")),
)
COMMANDS = [SOS, SUPPORT]
