"""/settings (a member's own) and /community (a lead's, for the whole group)."""

from __future__ import annotations

from typing import Any

from bot.core.messages import Reply, Request, private
from bot.core.options import Kind, Option
from bot.core.registry import Command
from bot.domain.schedule_time import parse_timezone
from bot.i18n import _, check_language, name_of
from bot.services.container import Services
from bot.services.helplines import check_country
from commands.common import ON_OFF, lead_scope


def check_zone(value: str) -> str:
    return parse_timezone(value).key


ZONE = Option("zone", Kind.WORD, "Time zone, e.g. Europe/Berlin", required=True, check=check_zone)
COUNTRY = Option(
    "code", Kind.WORD, "Two-letter country code, e.g. DE", required=True, check=check_country
)
LANGUAGE = Option(
    "language",
    Kind.WORD,
    "A language code, e.g. en, or auto",
    required=True,
    check=check_language,
)


async def show(svc: Services, request: Request, args: dict[str, Any]) -> list[Reply]:
    scope = await svc.people.scope(request)
    m = scope.member
    zone = svc.people.timezone(m, scope.community).key
    country = svc.people.country(m, scope.community)
    lines = [
        "Your settings:",
        f"• time zone: {zone}{'' if m.timezone else ' (default)'}",
        f"• country: {country or 'not set'}{'' if m.country else ' (default)'}",
        f"• celebrations: {'public in the group' if m.celebrate_public else 'private'}",
        _("• language: {language}").format(language=_language_line(svc, m.language, request)),
        "Change with /settings timezone Europe/Berlin, /settings country DE, "
        "/settings celebrate public|private, /settings language auto",
    ]
    return [private("\n".join(lines))]


def _language_line(svc: Services, chosen: str | None, request: Request) -> str:
    if chosen:
        return name_of(chosen)
    return _("{language} (chosen for you: set one with /settings language)").format(
        language=name_of(svc.people.default_language)
    )


async def set_member(svc: Services, request: Request, args: dict[str, Any]) -> list[Reply]:
    scope = await svc.people.scope(request)
    if "language" in args:
        chosen = None if args["language"] == "auto" else args["language"]
        await svc.people.set_member_language(scope.member.id, chosen)
        if chosen is None:
            return [
                private(
                    _("Haven will answer you in the language your app reports, else your group's.")
                )
            ]
        return [private(_("Haven will answer you in {language}.").format(language=name_of(chosen)))]
    if "zone" in args:
        await svc.people.set_member_timezone(scope.member.id, args["zone"])
        return [private(f"Time zone set to {args['zone']}. Streaks now count your days there.")]
    if "code" in args:
        code = None if args["code"] == "INTL" else args["code"]
        await svc.people.set_member_country(scope.member.id, code)
        name = svc.helplines.country_name(code) if code else "international"
        return [private(f"Country set to {name}; /helpline and /sos will show its lines.")]
    public_on = args["visibility"] == "public"
    await svc.people.set_celebrate_public(scope.member.id, public_on)
    where = "in the group (never with any mood data)" if public_on else "privately, to you only"
    return [private(f"Your celebrations will be shared {where}.")]


async def community_show(svc: Services, request: Request, args: dict[str, Any]) -> list[Reply]:
    scope = await svc.people.scope(request)
    lead_scope(scope)
    c = scope.community
    assert c is not None
    lines = [
        f"Settings of {c.title or 'this group'}:",
        f"• time zone: {c.timezone or svc.settings.bot.timezone + ' (default)'}",
        f"• country: {c.country or 'not set'}",
        _("• language: {language}").format(
            language=name_of(svc.people.community_language(c))
            + ("" if c.language else _(" (default)"))
        ),
        f"• welcome for new members: {'on' if c.welcome else 'off'}",
        f"• lead alerts: {'on' if c.alert_member_id else 'off'}",
        f"• community celebrations: {'on' if c.celebrate else 'off'}",
        f"• anonymous figures need at least {svc.people.min_group(c)} members",
        "Change with /community timezone Europe/Berlin, /community country DE, "
        "/community alerts on|off, /community celebrations on|off, /community threshold 3, "
        "/rules welcome on|off",
    ]
    return [private("\n".join(lines))]


async def community_set(svc: Services, request: Request, args: dict[str, Any]) -> list[Reply]:
    scope = await svc.people.scope(request)
    community_id = lead_scope(scope)
    if "zone" in args:
        await svc.people.set_community_timezone(community_id, args["zone"])
        return [private(f"Group time zone set to {args['zone']}.")]
    if "language" in args:
        chosen = None if args["language"] == "auto" else args["language"]
        await svc.people.set_community_language(community_id, chosen)
        shown = name_of(chosen or svc.people.default_language)
        return [
            private(
                _(
                    "The group's posts (rules, prompts, celebrations) will be in {language}; "
                    "each member is answered in their own."
                ).format(language=shown)
            )
        ]
    code = None if args["code"] == "INTL" else args["code"]
    await svc.people.set_community_country(community_id, code)
    return [private(f"Group country set to {code or 'international'}.")]


async def community_alerts(svc: Services, request: Request, args: dict[str, Any]) -> list[Reply]:
    """A lead volunteers to be told (privately) when a member presses "Tell a group lead" in a
    crisis reply. Off by default: nobody is contacted unless a lead chose this."""
    scope = await svc.people.scope(request)
    community_id = lead_scope(scope)
    on = args["state"] == "on"
    await svc.people.set_alerts(community_id, scope.member.id if on else None)
    if on:
        return [
            private(
                'Lead alerts are on: when a member presses "Tell a group lead" in a '
                "support message, you get a private note that they asked for support "
                "(never what they wrote). Please make sure Haven can message you "
                "directly."
            )
        ]
    return [private("Lead alerts are off; the support message won't offer to tell a lead.")]


async def community_celebrations(
    svc: Services, request: Request, args: dict[str, Any]
) -> list[Reply]:
    """Community milestones (total check-ins, combined streak days, the group's anniversary in
    Haven) are posted in the group unless a lead turns them off. Members' own anniversaries of
    joining still reach them, privately, while this is off."""
    scope = await svc.people.scope(request)
    community_id = lead_scope(scope)
    on = args["state"] == "on"
    # Posted where the lead turned them on: on Discord, the channel they chose.
    await svc.people.set_celebrations(community_id, request.place.chat_id if on else None)
    if on:
        return [
            private(
                "Community celebrations are on: milestones of the whole group (check-ins "
                "shared, streak days together, its anniversary on Haven) are posted here, "
                "between 09:00 and 21:00 group time, never with anyone's mood."
            )
        ]
    return [
        private(
            "Community celebrations are off: nothing is posted for the group's milestones. "
            "Members' own celebrations reach them privately."
        )
    ]


LOWEST_GROUP = 3  # below this, a figure about "the group" is too close to one person


async def community_threshold(svc: Services, request: Request, args: dict[str, Any]) -> list[Reply]:
    """How many members the group's anonymous figures (summaries, group celebrations) must
    stand for: a lead may lower the deployment's default for a small group, never below 3."""
    scope = await svc.people.scope(request)
    community_id = lead_scope(scope)
    value = args["members"]
    default = svc.settings.privacy.min_group
    await svc.people.set_min_group(community_id, None if value == default else value)
    return [
        private(
            f"Anonymous figures of this group (summaries, group celebrations) now need at "
            f"least {value} members (the default is {default}). Members see this in /privacy."
        )
    ]


SETTINGS = Command(
    "settings",
    "Your time zone, country and how milestones are celebrated",
    subcommands=(
        Command("show", "Show your settings", show),
        Command("timezone", "Set your time zone", set_member, options=(ZONE,)),
        Command("country", "Set your country for helplines", set_member, options=(COUNTRY,)),
        Command("language", "The language Haven answers you in", set_member, options=(LANGUAGE,)),
        Command(
            "celebrate",
            "Celebrate milestones publicly or privately",
            set_member,
            options=(
                Option(
                    "visibility",
                    Kind.WORD,
                    "public or private",
                    required=True,
                    choices=("public", "private"),
                ),
            ),
        ),
    ),
    default="show",
    examples=("/settings", "/settings timezone Europe/Berlin", "/settings country DE"),
)
COMMUNITY = Command(
    "community",
    "Group settings: time zone and country (leads)",
    subcommands=(
        Command("show", "Show the group's settings", community_show),
        Command("timezone", "Set the group's time zone", community_set, options=(ZONE,)),
        Command("country", "Set the group's country", community_set, options=(COUNTRY,)),
        Command(
            "language", "The language of the group's posts", community_set, options=(LANGUAGE,)
        ),
        Command(
            "alerts",
            "Receive 'a member asked for support' alerts yourself (on/off)",
            community_alerts,
            options=(ON_OFF,),
        ),
        Command(
            "celebrations",
            "Post the group's milestones and anniversary in the group (on/off)",
            community_celebrations,
            options=(ON_OFF,),
        ),
        Command(
            "threshold",
            "Fewest members anonymous figures may stand for (3 or more)",
            community_threshold,
            options=(
                Option(
                    "members",
                    Kind.INT,
                    "At least 3",
                    required=True,
                    min=LOWEST_GROUP,
                    max=100,
                ),
            ),
        ),
    ),
    default="show",
    lead_only=True,
    examples=("/community timezone Europe/London", "/community country GB"),
)
COMMANDS = [SETTINGS, COMMUNITY]
