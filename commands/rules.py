"""/rules: the group's ground rules, edited by leads, shown and agreed to on joining."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from bot.core.messages import Actor, Button, Place, Reply, Request, private, public
from bot.core.options import ArgumentError, Kind, Option
from bot.core.registry import Command, pack_action
from bot.domain.focus import focus_shown
from bot.i18n import N_, _, language, ngettext, use
from bot.services.container import Services
from bot.services.rules import MAX_ROLE_CHARS, MAX_RULE_CHARS, Gate, role_name
from bot.storage.people import CommunityRow
from commands.common import ON_OFF, lead_scope

AGREE = pack_action("rules", "agree")
READ = pack_action("rules", "read")
NUMBER = Option("number", Kind.INT, N_("Rule number"), required=True, min=1, max=99)
TEXT = Option("text", Kind.TEXT, N_("The rule's wording"), required=True, max_length=MAX_RULE_CHARS)


def numbered(rules: list[str] | tuple[str, ...]) -> str:
    return "\n".join(f"{i}. {rule}" for i, rule in enumerate(rules, start=1))


def _title(community: CommunityRow) -> str:
    return community.title or _("this group")


async def show(svc: Services, request: Request, args: dict[str, Any]) -> list[Reply]:
    scope = await svc.people.scope(request)
    if scope.community is None:
        return [
            private(
                _("Haven's default ground rules (your group may have its own):")
                + "\n"
                + numbered(svc.catalog.default_rules())
            )
        ]
    rules = await svc.rules.list(scope.community.id)
    if not rules:
        return [private(_("This group has no ground rules yet."))]
    # Rules are not private: in the group they are posted for everyone, in the group's language.
    with use(svc.people.community_language(scope.community) if scope.in_group else language()):
        text = _("Ground rules of {group}:").format(group=_title(scope.community))
        text += "\n" + numbered(rules)
        if request.is_lead and scope.in_group:
            text += "\n" + _("As a lead you can change them: /help rules")
    reply = public(text) if scope.in_group else private(text)
    return [reply]


def _edited(verb: str) -> Any:
    async def handler(svc: Services, request: Request, args: dict[str, Any]) -> list[Reply]:
        scope = await svc.people.scope(request)
        community_id = lead_scope(scope)
        try:
            if verb == "add":
                number = await svc.rules.add(community_id, args["text"])
                done = _("Added rule {number}.").format(number=number)
            elif verb == "remove":
                await svc.rules.remove(community_id, args["number"])
                done = _("Removed rule {number}.").format(number=args["number"])
            elif verb == "edit":
                await svc.rules.edit(community_id, args["number"], args["text"])
                done = _("Rule {number} changed.").format(number=args["number"])
            elif verb == "move":
                await svc.rules.move(community_id, args["number"], args["to"])
                done = _("Moved rule {number} to position {to}.").format(
                    number=args["number"], to=args["to"]
                )
            else:
                assert scope.community is not None  # lead_scope: a group
                language = svc.people.community_language(scope.community)
                await svc.rules.reset(community_id, language)
                done = _("Rules reset to Haven's defaults.")
        except ValueError as error:
            raise ArgumentError(str(error)) from None
        rules = await svc.rules.list(community_id)
        return [private(f"{done}\n{numbered(rules)}")]

    return handler


async def welcome_setting(svc: Services, request: Request, args: dict[str, Any]) -> list[Reply]:
    scope = await svc.people.scope(request)
    community_id = lead_scope(scope)
    on = args["state"] == "on"
    await svc.people.set_welcome(community_id, on)
    if on:
        said = _("New members will get a welcome with the rules and an I agree button.")
    else:
        said = _("New members won't get a welcome with the rules and an I agree button.")
    return [private(said)]


async def read(svc: Services, request: Request, args: dict[str, Any]) -> list[Reply]:
    """The group's rules for the one who asked, privately (the welcome's "Read the rules")."""
    scope = await svc.people.scope(request)
    if scope.community is None:
        return [
            private(
                _("Haven's default ground rules:") + "\n" + numbered(svc.catalog.default_rules())
            )
        ]
    rules = await svc.rules.list(scope.community.id)
    if not rules:
        if not scope.community.title:
            return [private(_("This group has no ground rules yet."))]
        return [private(_("{group} has no ground rules yet.").format(group=scope.community.title))]
    heading = _("Ground rules of {group} (only you see this message):").format(
        group=_title(scope.community)
    )
    ready = _("When you're ready, press I agree under the welcome, or type /rules agree.")
    return [private(f"{heading}\n{numbered(rules)}\n{ready}")]


async def agree(svc: Services, request: Request, args: dict[str, Any]) -> list[Reply]:
    scope = await svc.people.scope(request)
    if scope.community is None:
        return [private(_("There is no group rule list to agree to here."))]
    if await svc.rules.agree(scope.community.id, scope.member.id, svc.clock.now()):
        text = _("Thank you, your agreement to the ground rules is recorded. Welcome!")
    else:
        text = _("You've already agreed to this group's rules. Thank you!")
    access = svc.rules.on_agree(scope.community, request.actor)
    if access is None:
        return [private(text)]
    if access.role is not None:
        access = replace(
            access,
            done=_("You now have the role “{role}”.").format(role=access.role),
            failed=_(
                "I could not give you the role “{role}”; please tell a lead "
                "(/rules gate shows them what Haven needs)."
            ).format(role=access.role),
        )
    else:
        access = replace(
            access,
            done=_("You can write in the group now."),
            failed=_(
                "I could not lift your read-only status in the group; please tell a lead "
                "(/rules gate shows them what Haven needs)."
            ),
        )
    return [private(text, access=access)]


GATE_HELP = {
    "role": N_(
        "Discord: agreeing gives the member a role. Give that role the right to see or write in "
        "your channels and take it from @everyone. Haven needs Manage Roles, and its own role "
        "must sit above the one it gives."
    ),
    "restrict": N_(
        "Telegram: newcomers can read but not write until they agree. Haven must be an admin "
        "allowed to restrict members, in a supergroup."
    ),
}


def _gate_state(community: CommunityRow) -> str:
    gate = Gate.of(community)
    if gate is None:
        return _("Agreeing to the rules opens nothing here (the gate is off).")
    if gate.kind == "role":
        state = _("Agreeing to the rules gives the role “{role}”.").format(role=gate.role)
        return f"{state}\n{_(GATE_HELP['role'])}"
    state = _("Newcomers read only until they agree to the rules.")
    return f"{state}\n{_(GATE_HELP['restrict'])}"


async def gate(svc: Services, request: Request, args: dict[str, Any]) -> list[Reply]:
    """What agreeing to the rules opens: `/rules gate role Members`, `/rules gate restrict`,
    `/rules gate off`; with nothing after it, the current setting."""
    scope = await svc.people.scope(request)
    community_id = lead_scope(scope)
    community = scope.community
    assert community is not None and community.id == community_id
    mode = args.get("mode")
    if mode is None:
        return [private(_gate_state(community))]
    role = args.get("role")
    try:
        if mode == "off":
            chosen = None
        elif mode == "role":
            chosen = Gate("role", role_name(role or ""))
        else:
            if role:
                raise ValueError(_("restrict takes nothing after it"))
            chosen = Gate("restrict")
        await svc.rules.set_gate(community, chosen)
    except ValueError as error:
        raise ArgumentError(str(error)) from None
    changed = await svc.people.community_of(request.place)
    assert changed is not None
    text = _gate_state(changed)
    if chosen is not None and chosen.kind == "restrict":
        text += "\n" + _("Members who joined before now are not restricted.")
    return [private(text)]


async def welcome(svc: Services, actor: Actor, place: Place) -> list[Reply]:
    """A member joined a group: post the rules with an I agree button, if the group wants it.
    The welcome is posted in the group, so it is in the group's language."""
    community = await svc.people.community_of(place)
    if community is None or not community.welcome:
        return []
    member = await svc.people.member(actor)
    await svc.people.visited(community.id, member.id)
    count = len(await svc.rules.list(community.id))
    gate = Gate.of(community)
    with use(svc.people.community_language(community)):
        greeting = ngettext(
            "Welcome, {name}! This is a peer-support space with {count} ground rule that keeps "
            "it safe for everyone.",
            "Welcome, {name}! This is a peer-support space with {count} ground rules that keep "
            "it safe for everyone.",
            count,
        ).format(name=actor.name, count=count)
        if gate is not None and gate.kind == "role":
            press = _(
                "Press Read the rules (only you will see them), then I agree, which gives you "
                "the role “{role}”."
            ).format(role=gate.role)
        elif gate is not None:
            press = _(
                "Press Read the rules (only you will see them), then I agree, which lets you "
                "write here."
            )
        else:
            press = _("Press Read the rules (only you will see them), then I agree.")
        help_ = _("/help shows what I can do; /sos is there any time you need someone now.")
        if community.focus:  # what the group is for, in its own line of the welcome
            focus = _("This group is here for {focus}.").format(focus=focus_shown(community.focus))
            greeting = f"{greeting} {focus}"
        buttons = ((Button(_("Read the rules"), action=READ), Button(_("I agree"), action=AGREE)),)
        failed = _(
            "(Haven could not make newcomers read-only here. A lead: /rules gate shows what "
            "Haven needs.)"
        )
    text = f"{greeting} {press} {help_}"
    access = svc.rules.on_join(community, actor)
    if access is not None:
        access = replace(access, failed=failed)
    return [public(text, to=place, buttons=buttons, access=access)]


RULES = Command(
    "rules",
    N_("Show the group's ground rules; leads can change them"),
    subcommands=(
        Command("show", N_("Show the ground rules"), show),
        Command("agree", N_("Agree to the group's ground rules"), agree),
        Command("read", N_("Read the ground rules privately"), read),
        Command(
            "add",
            N_("Add a rule at the end (leads)"),
            _edited("add"),
            options=(TEXT,),
            lead_only=True,
            learned_screen=False,
        ),
        Command(
            "remove",
            N_("Remove rule N (leads)"),
            _edited("remove"),
            options=(NUMBER,),
            lead_only=True,
        ),
        Command(
            "edit",
            N_("Change the wording of rule N (leads)"),
            _edited("edit"),
            options=(NUMBER, TEXT),
            lead_only=True,
            learned_screen=False,
        ),
        Command(
            "move",
            N_("Move rule N to another position (leads)"),
            _edited("move"),
            options=(
                NUMBER,
                Option("to", Kind.INT, N_("New position"), required=True, min=1, max=99),
            ),
            lead_only=True,
        ),
        Command(
            "reset",
            N_("Go back to Haven's default rules (leads)"),
            _edited("reset"),
            lead_only=True,
        ),
        Command(
            "gate",
            N_("What agreeing to the rules opens: a Discord role, or writing on Telegram (leads)"),
            gate,
            options=(
                Option(
                    "mode",
                    Kind.WORD,
                    N_("role, restrict or off; nothing: show the setting"),
                    choices=("role", "restrict", "off"),
                ),
                Option(
                    "role", Kind.TEXT, N_("The role to give (Discord)"), max_length=MAX_ROLE_CHARS
                ),
            ),
            lead_only=True,
        ),
        Command(
            "welcome",
            N_("Turn the welcome message for new members on or off (leads)"),
            welcome_setting,
            options=(ON_OFF,),
            lead_only=True,
        ),
    ),
    default="show",
    public=True,
    examples=(
        "/rules",
        "/rules add Be kind to yourself too",
        "/rules move 5 1",
        "/rules gate role Members",
    ),
    actions=(AGREE, READ),
)
COMMANDS = [RULES]
