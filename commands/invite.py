"""/invite: the group's invitation card, for members to post elsewhere (a forum, a notice board,
a friend's chat) to reach people who could use the group. Leads set its link and a short
description with `/invite set <link> [description]`; the card also shows the group's name and
focus, its first three ground rules, the link as a QR code, and that it is peer support, not
an emergency service (bot/charts/invite.py draws it, bot/services/invites.py checks the link).

The card is private to whoever asked, even in the group: it is for them to carry elsewhere, and
the group needs no invitation to itself posted into it. It speaks for the group, so it is drawn
in the group's language; the words around it are in the asker's."""

from __future__ import annotations

from typing import Any

from bot.charts.invite import RULES_SHOWN, InviteCard, alt_text, draw_invite
from bot.core.messages import Attachment, Reply, Request, private
from bot.core.options import ArgumentError, Kind, Option
from bot.core.registry import Command
from bot.i18n import N_, _
from bot.services.container import Services
from bot.services.invites import MAX_ABOUT, MAX_LINK
from bot.storage.invites import InviteRow
from bot.storage.people import CommunityRow
from commands.common import lead_scope

LINK = Option(
    "link", Kind.WORD, N_("The group's invite link, starting with https://"), required=True,
    max_length=MAX_LINK,
)  # fmt: skip
ABOUT = Option(
    "description", Kind.TEXT, N_("A short description of the group for the card"),
    max_length=MAX_ABOUT,
)  # fmt: skip
SET_USAGE = " ".join(["/invite set", LINK.usage, ABOUT.usage])
NO_CARD = N_("(The card could not be drawn just now; the link works the same.)")


def _group(community: CommunityRow) -> str:
    return community.title or _("this group")


async def _card(svc: Services, community: CommunityRow, invite: InviteRow) -> Attachment | None:
    """The card as a PNG with its alt text, or None when it could not be drawn."""
    rules = await svc.rules.list(community.id)
    card = InviteCard(
        name=community.title,
        focus=community.focus,
        about=invite.about,
        rules=tuple(rules[:RULES_SHOWN]),
        link=invite.link,
        language=svc.people.community_language(community),
    )
    return await svc.charts.picture(draw_invite, card, "invite.png", alt_text(card))


async def invite(svc: Services, request: Request, args: dict[str, Any]) -> list[Reply]:
    """The card, privately to whoever asked (see the module's docstring)."""
    scope = await svc.people.scope(request)
    if scope.community is None:
        raise ArgumentError(_("an invitation card is a group's: use /invite in your group first"))
    found = await svc.invites.get(scope.community.id)
    if found is None:
        said = _(
            "{group} has no invitation link yet. A lead of the group sets it with "
            "/invite set <link>."
        ).format(group=_group(scope.community))
        if request.is_lead:
            said += "\n" + _("Usage: {usage}").format(usage=SET_USAGE)
        return [private(said)]
    picture = await _card(svc, scope.community, found)
    text = _(
        "The invitation card of {group}, for you to share where people who could use peer "
        "support will see it. The link to join: {link}"
    ).format(group=_group(scope.community), link=found.link)
    return [private(text if picture else text + "\n" + _(NO_CARD), attachment=picture)]


async def set_invite(svc: Services, request: Request, args: dict[str, Any]) -> list[Reply]:
    """Leads only (the registry refuses others), typed in the group so we know which one. The
    lead sees the card at once, as members will get it."""
    scope = await svc.people.scope(request)
    community_id = lead_scope(scope)
    assert scope.community is not None  # lead_scope: a group
    try:
        found = await svc.invites.set(
            community_id, args["link"], args.get("description"), svc.clock.now()
        )
    except ValueError as error:
        raise ArgumentError(str(error)) from None
    picture = await _card(svc, scope.community, found)
    text = _(
        "Saved. Members of {group} get this invitation card with /invite; it links to {link}."
    ).format(group=_group(scope.community), link=found.link)
    return [private(text if picture else text + "\n" + _(NO_CARD), attachment=picture)]


COMMANDS = [
    Command(
        "invite",
        N_("A card to share elsewhere, inviting people to this group"),
        subcommands=(
            Command("show", N_("Your group's invitation card, to share elsewhere"), invite),
            Command(
                "set",
                N_("Set the group's invite link and a short description (leads)"),
                set_invite,
                options=(LINK, ABOUT),
                lead_only=True,
                learned_screen=False,  # a description, written as group content like a rule
            ),
        ),
        default="show",
        examples=("/invite", "/invite set https://t.me/+abc123 A friendly place to talk."),
    )
]
