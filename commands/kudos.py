"""Kudos: `/kudos <member> [note]` thanks a member of the group, in the group, or only to them
with `private` (`/kudos kim private thank you for last night`). A member who would rather not
receive them says `/kudos off` (and `/kudos on` again). Kudos count toward the group's
celebrations ("50 kudos shared this month") and show in the thanked member's /milestones.

Names are shown as plain text (adapters defuse mentions and markup); the note is delivered,
never stored."""

from __future__ import annotations

from typing import Any

from bot.core.messages import Reply, Request, private, public
from bot.core.options import ArgumentError, Kind, Option
from bot.core.registry import Command
from bot.i18n import N_, _, use
from bot.services.container import Services
from bot.services.kudos import MAX_NOTE
from commands.peer import actor_of, group_name

MEMBER = Option("member", Kind.WORD, N_("Who you'd like to thank, or on/off"), required=True)
NOTE = Option(
    "note",
    Kind.TEXT,
    N_("A few words of thanks; start with private to thank them only privately"),
    max_length=MAX_NOTE + 10,
)
SWITCH = {"on": True, "off": False}


def _private_and_note(text: str) -> tuple[bool, str]:
    """`private` as the note's first or last word asks for a private kudos."""
    words = text.split()
    if words and words[0].casefold() == "private":
        return True, text.strip()[len(words[0]) :].strip()
    if words and words[-1].casefold() == "private":
        return True, text.strip()[: -len(words[-1])].strip()
    return False, text.strip()


async def kudos(svc: Services, request: Request, args: dict[str, Any]) -> list[Reply]:
    scope = await svc.people.scope(request)
    wanted, text = args["member"], args.get("note") or ""
    if wanted.casefold() in SWITCH and not text.strip():
        await svc.kudos.turn(scope.member.id, SWITCH[wanted.casefold()], svc.clock.now())
        return [
            private(
                _("Kudos are on: members can thank you.")
                if SWITCH[wanted.casefold()]
                else _("Kudos are off: nobody can send you kudos. /kudos on turns them back on.")
            )
        ]
    if scope.community is None or not scope.in_group:
        raise ArgumentError(_("kudos go to a member of a group: use /kudos in the group"))
    alone, note = _private_and_note(text)
    try:
        receiver_id = await svc.support.member_named(scope.community.id, wanted)
        await svc.kudos.give(
            scope.community.id, scope.member.id, receiver_id, note, not alone, svc.clock.now()
        )
    except ValueError as error:
        raise ArgumentError(str(error)) from None
    receiver = await svc.people.member_by_id(receiver_id)
    assert receiver is not None
    giver, group = scope.member.name, group_name(scope.community)
    if alone:
        with use(await svc.people.member_language(receiver, scope.community.id)):
            said = _("🌟 {giver} from {group} sent you kudos.").format(giver=giver, group=group)
            if note:
                said += "\n" + _("They wrote: {note}").format(note=note)
        return [
            private(
                _("Sent to {member}, privately. Thank you for noticing them.").format(
                    member=receiver.name
                )
            ),
            private(said, to=actor_of(receiver)),
        ]
    with use(svc.people.community_language(scope.community)):
        said = _("🌟 {giver} thanked {member}.").format(giver=giver, member=receiver.name)
        if note:
            said += "\n" + _("They wrote: {note}").format(note=note)
    return [
        public(said, to=request.place),
        private(_("Thank you for noticing {member}.").format(member=receiver.name)),
    ]


KUDOS = Command(
    "kudos",
    N_("Thank a member of your group, in the group or privately"),
    kudos,
    options=(MEMBER, NOTE),
    # Typed in a Telegram group, the line goes where Haven may delete it: a private kudos
    # stays private, and a public one is posted by Haven anyway.
    anonymous=True,
    private_input=True,
    examples=(
        "/kudos kim Thank you for listening last night.",
        "/kudos kim private You made my week.",
        "/kudos off",
    ),
)
COMMANDS = [KUDOS]
