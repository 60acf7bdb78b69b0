"""/settings (a member's own) and /community (a lead's, for the whole group)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from bot.core.messages import Reply, Request, private
from bot.core.options import Kind, Option
from bot.core.registry import Command
from bot.domain.focus import FOCUSES, GENERAL, focus_shown, focus_words
from bot.domain.schedule_time import parse_timezone
from bot.i18n import N_, _, check_language, language, name_of, ngettext
from bot.services.container import Services
from bot.services.helplines import check_country
from commands import peer
from commands.common import ON_OFF, lead_scope


def check_zone(value: str) -> str:
    return parse_timezone(value).key


ZONE = Option(
    "zone", Kind.WORD, N_("Time zone, e.g. Europe/Berlin"), required=True, check=check_zone
)
COUNTRY = Option(
    "code", Kind.WORD, N_("Two-letter country code, e.g. DE"), required=True, check=check_country
)
LANGUAGE = Option(
    "language",
    Kind.WORD,
    N_("A language code, e.g. en, or auto"),
    required=True,
    check=check_language,
)


async def show(svc: Services, request: Request, args: dict[str, Any]) -> list[Reply]:
    scope = await svc.people.scope(request)
    m = scope.member
    zone = svc.people.timezone(m, scope.community).key
    country = svc.people.country(m, scope.community)
    if m.country:
        country_line = _("• country: {country}").format(country=country)
    elif country:
        country_line = _("• country: {country} (default)").format(country=country)
    else:
        country_line = _("• country: not set (default)")
    lines = [
        _("Your settings:"),
        _zone_line(zone, default=not m.timezone),
        country_line,
        _("• celebrations: public in the group")
        if m.celebrate_public
        else _("• celebrations: private"),
        _("• language: {language}").format(language=_language_line(svc, m.language, request)),
        _(
            "Change with /settings timezone Europe/Berlin, /settings country DE, "
            "/settings celebrate public|private, /settings language auto"
        ),
    ]
    return [private("\n".join(lines))]


def _zone_line(zone: str, *, default: bool) -> str:
    if default:
        return _("• time zone: {zone} (default)").format(zone=zone)
    return _("• time zone: {zone}").format(zone=zone)


def _language_line(svc: Services, chosen: str | None, request: Request) -> str:
    if chosen:
        return name_of(chosen)
    # Not chosen: the language this very answer is in (their app's, their group's, Haven's).
    return _("{language} (chosen for you: set one with /settings language)").format(
        language=name_of(language())
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
        said = _("Time zone set to {zone}. Streaks now count your days there.")
        return [private(said.format(zone=args["zone"]))]
    if "code" in args:
        code = None if args["code"] == "INTL" else args["code"]
        await svc.people.set_member_country(scope.member.id, code)
        if code is None:
            return [
                private(_("Country set to international; /helpline and /sos will show its lines."))
            ]
        said = _("Country set to {country}; /helpline and /sos will show its lines.")
        return [private(said.format(country=svc.helplines.country_name(code)))]
    public_on = args["visibility"] == "public"
    await svc.people.set_celebrate_public(scope.member.id, public_on)
    if public_on:
        return [
            private(_("Your celebrations will be shared in the group (never with any mood data)."))
        ]
    return [private(_("Your celebrations will be shared privately, to you only."))]


FOCUS = Option(
    "focus",
    Kind.WORD,
    N_("general, anxiety, depression, grief, burnout, stress, loneliness, recovery..."),
    required=True,
    choices=tuple(FOCUSES),
    aliases=focus_words(),  # "ansiedad", "Trauer": a focus named in any language
    shown=focus_shown,
)


async def community_focus(svc: Services, request: Request, args: dict[str, Any]) -> list[Reply]:
    scope = await svc.people.scope(request)
    community_id = lead_scope(scope)
    focus = args["focus"]
    await svc.people.set_community_focus(community_id, None if focus == GENERAL else focus)
    return [
        private(
            _(
                "This group's focus is now {focus}: resources, coping exercises and prompts "
                "turn toward it, and the welcome says so."
            ).format(focus=focus_shown(focus))
        )
    ]


async def community_show(svc: Services, request: Request, args: dict[str, Any]) -> list[Reply]:
    scope = await svc.people.scope(request)
    lead_scope(scope)
    c = scope.community
    assert c is not None
    language = name_of(svc.people.community_language(c))
    least = svc.people.min_group(c)
    lines = [
        _("Settings of {group}:").format(group=c.title)
        if c.title
        else _("Settings of this group:"),
        _zone_line(c.timezone or svc.settings.bot.timezone, default=not c.timezone),
        _("• country: {country}").format(country=c.country)
        if c.country
        else _("• country: not set"),
        _("• language: {language}").format(language=language)
        if c.language
        else _("• language: {language} (default)").format(language=language),
        _("• focus: {focus}").format(focus=focus_shown(c.focus)),
        _("• welcome for new members: on") if c.welcome else _("• welcome for new members: off"),
        _("• lead alerts: on") if c.alert_member_id else _("• lead alerts: off"),
        _("• community celebrations: on") if c.celebrate else _("• community celebrations: off"),
        ngettext(
            "• anonymous figures need at least {n} member",
            "• anonymous figures need at least {n} members",
            least,
        ).format(n=least),
        _(
            "Change with /community timezone Europe/Berlin, /community country DE, "
            "/community alerts on|off, /community celebrations on|off, /community threshold 3, "
            "/community focus grief, /rules welcome on|off"
        ),
    ]
    return [private("\n".join(lines))]


async def community_set(svc: Services, request: Request, args: dict[str, Any]) -> list[Reply]:
    scope = await svc.people.scope(request)
    community_id = lead_scope(scope)
    if "zone" in args:
        await svc.people.set_community_timezone(community_id, args["zone"])
        return [private(_("Group time zone set to {zone}.").format(zone=args["zone"]))]
    if "language" in args:
        chosen = None if args["language"] == "auto" else args["language"]
        assert scope.community is not None  # lead_scope: a group
        before = svc.people.community_language(scope.community)
        await svc.people.set_community_language(community_id, chosen)
        # Haven's own default rules, still as they came, follow the group's language; rules a
        # lead wrote or changed stay as they are.
        after = svc.people.community_language(replace(scope.community, language=chosen))
        await svc.rules.follow_language(community_id, before, after)
        shown = name_of(after)
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
    if code is None:
        return [private(_("Group country set to international."))]
    return [private(_("Group country set to {country}.").format(country=code))]


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
                _(
                    'Lead alerts are on: when a member presses "Tell a group lead" in a '
                    "support message, you get a private note that they asked for support "
                    "(never what they wrote). Please make sure Haven can message you "
                    "directly."
                )
            )
        ]
    return [private(_("Lead alerts are off; the support message won't offer to tell a lead."))]


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
                _(
                    "Community celebrations are on: milestones of the whole group (check-ins "
                    "shared, streak days together, its anniversary on Haven) are posted here, "
                    "between 09:00 and 21:00 group time, never with anyone's mood."
                )
            )
        ]
    return [
        private(
            _(
                "Community celebrations are off: nothing is posted for the group's milestones. "
                "Members' own celebrations reach them privately."
            )
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
    said = ngettext(
        "Anonymous figures of this group (summaries, group celebrations) now need at least "
        "{n} member (the default is {default}). Members see this in /privacy.",
        "Anonymous figures of this group (summaries, group celebrations) now need at least "
        "{n} members (the default is {default}). Members see this in /privacy.",
        value,
    )
    return [private(said.format(n=value, default=default))]


SETTINGS = Command(
    "settings",
    N_("Your time zone, country and how milestones are celebrated"),
    subcommands=(
        Command("show", N_("Show your settings"), show),
        Command("timezone", N_("Set your time zone"), set_member, options=(ZONE,)),
        Command("country", N_("Set your country for helplines"), set_member, options=(COUNTRY,)),
        Command(
            "language", N_("The language Haven answers you in"), set_member, options=(LANGUAGE,)
        ),
        Command(
            "celebrate",
            N_("Celebrate milestones publicly or privately"),
            set_member,
            options=(
                Option(
                    "visibility",
                    Kind.WORD,
                    N_("public or private"),
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
    N_("Group settings: time zone and country (leads)"),
    subcommands=(
        Command("show", N_("Show the group's settings"), community_show),
        Command("timezone", N_("Set the group's time zone"), community_set, options=(ZONE,)),
        Command("country", N_("Set the group's country"), community_set, options=(COUNTRY,)),
        Command(
            "language", N_("The language of the group's posts"), community_set, options=(LANGUAGE,)
        ),
        Command(
            "focus",
            N_("What the group is for: resources, exercises and prompts turn toward it"),
            community_focus,
            options=(FOCUS,),
        ),
        Command(
            "alerts",
            N_("Receive 'a member asked for support' alerts yourself (on/off)"),
            community_alerts,
            options=(ON_OFF,),
        ),
        Command(
            "oncall",
            N_("The leads urgent alerts go to, in order"),
            peer.oncall,
            options=(peer.LEADS,),
        ),
        Command(
            "talkwait",
            N_("Minutes a /talk request waits for a supporter (2 to 60)"),
            peer.talk_wait,
            options=(peer.MINUTES,),
        ),
        Command(
            "celebrations",
            N_("Post the group's milestones and anniversary in the group (on/off)"),
            community_celebrations,
            options=(ON_OFF,),
        ),
        Command(
            "threshold",
            N_("Fewest members anonymous figures may stand for (3 or more)"),
            community_threshold,
            options=(
                Option(
                    "members",
                    Kind.INT,
                    N_("At least 3"),
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
