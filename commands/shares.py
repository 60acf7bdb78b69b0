"""Anonymous shares: `/share <text>` waits for a lead's review (the lead sees the words, never
who wrote them), then is posted as "A member shared:" with response buttons whose counts change
in place; the author hears privately how many responded, and may `/share delete <id>`.

Nobody, leads included, learns the author from Haven: the author's id is read only to address
the author (bot/storage/shares.py), and no reply to anyone else carries it."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from bot.core.messages import Button, Place, Reply, Request, private, public
from bot.core.options import ArgumentError, Kind, Option
from bot.core.registry import Command, pack_action
from bot.i18n import N_, _, ngettext, use
from bot.services.container import Services
from bot.services.shares import MAX_TEXT
from bot.storage.people import CommunityRow, MemberRow
from bot.storage.shares import ShareRow
from commands.peer import actor_of, group_name, reachable_leads

TEXT = Option("text", Kind.TEXT, N_("What you'd like to share, anonymously"), max_length=MAX_TEXT)
SHARE_ID = Option("id", Kind.INT, N_("The share's number"), required=True, min=1)
KIND = Option(
    "kind", Kind.WORD, N_("relate, support or thanks"), required=True,
    choices=("relate", "support", "thanks"),
)  # fmt: skip
WORDS = Option("words", Kind.TEXT, N_("A kind word for the member"), max_length=500)
RESPONSES = {
    "relate": N_("I relate"),
    "support": N_("Sending support"),
    "thanks": N_("Thank you for sharing"),
}


def post_key(share_id: int) -> str:
    return f"share:{share_id}:post"


def _post_text(share: ShareRow) -> str:
    if share.state == "deleted":
        return _("This share was removed by the member who wrote it.")
    lines = []
    if share.content_note:
        lines.append(_("Content note: this share talks about something difficult."))
    lines += [_("A member shared:"), share.text]
    return "\n".join(lines)


def _buttons(share: ShareRow, counts: dict[str, int]) -> tuple[tuple[Button, ...], ...]:
    if share.state != "approved":
        return ()
    return (
        tuple(
            Button(
                f"{_(label)} · {counts.get(kind, 0)}",
                action=pack_action("share", "respond", share.id, kind),
            )
            for kind, label in RESPONSES.items()
        ),
    )


async def share(svc: Services, request: Request, args: dict[str, Any]) -> list[Reply]:
    """A share waits for the group's leads (on call, else the one receiving alerts). One the
    crisis screen flags has had the crisis reply (the command runs after it): it is held, and
    reaches a lead only when its author still chooses to share it."""
    scope = await svc.people.scope(request)
    if scope.community is None:
        raise ArgumentError(_("a share goes to a group: use /share in your group first"))
    text = args.get("text") or ""
    leads = await reachable_leads(svc, scope.community.id)
    if not leads:
        raise ArgumentError(
            _("this group has no lead to review shares yet; ask a lead to set /community oncall")
        )
    held = bool(text.strip()) and svc.safety.verdict(text).full
    try:
        found = await svc.shares.submit(
            scope.community.id, scope.member.id, text, svc.clock.now(), held=held
        )
    except ValueError as error:
        raise ArgumentError(str(error)) from None
    if held:
        return [
            private(
                _(
                    "I've kept your share #{id} back for now, only for you: it sounds like "
                    "you're carrying something very heavy, and the group may not be the "
                    "quickest way to support. If you still want to share it, a lead will review "
                    "it first. /talk finds someone to talk to."
                ).format(id=found.id),
                buttons=(
                    (
                        _button(_("Share it anyway"), "send", found.id),
                        _button(_("Don't share it"), "delete", found.id),
                    ),
                ),
            )
        ]
    return [_waits(found, scope.community), *await _review(svc, found, scope.community, leads)]


def _button(label: str, verb: str, share_id: int) -> Button:
    return Button(label, action=pack_action("share", verb, share_id))


def _waits(found: ShareRow, community: CommunityRow) -> Reply:
    return private(
        _(
            "Thank you. Your share #{id} waits for a lead of {group}, who will see your "
            "words but not your name. /share delete {id} removes it."
        ).format(id=found.id, group=group_name(community))
    )


async def _review(
    svc: Services, found: ShareRow, community: CommunityRow, leads: list[MemberRow]
) -> list[Reply]:
    """The share to each lead who reviews it: its words, never its author."""
    replies = []
    for lead in leads:
        with use(await svc.people.member_language(lead, found.community_id)):
            said = _(
                "A share for {group} waits for your review. You won't learn who wrote it.\n\n"
                "{text}\n\nTo decline with a kind word of your own for the member: /share "
                "decline {id} and your words."
            ).format(group=group_name(community), text=found.text, id=found.id)
            buttons = (
                (
                    Button(_("Approve"), action=pack_action("share", "approve", found.id)),
                    Button(_("Decline"), action=pack_action("share", "decline", found.id)),
                ),
                (
                    Button(
                        _("Approve with a content note"),
                        action=pack_action("share", "warn", found.id),
                    ),
                ),
            )
        replies.append(
            private(
                said,
                to=actor_of(lead),
                buttons=buttons,
                idempotency_key=f"share:{found.id}:review:{lead.id}",
            )
        )
    return replies


async def send(svc: Services, request: Request, args: dict[str, Any]) -> list[Reply]:
    """The author of a held share chose to share it: now it waits for a lead."""
    scope = await svc.people.scope(request)
    try:
        found = await svc.shares.release(args["id"], scope.member.id)
    except ValueError as error:
        raise ArgumentError(str(error)) from None
    community = await svc.people.community(found.community_id)
    leads = await reachable_leads(svc, found.community_id)
    if community is None:
        raise ArgumentError(_("you have no share #{id}").format(id=found.id))
    return [_waits(found, community), *await _review(svc, found, community, leads)]


async def _lead_decides(
    svc: Services,
    request: Request,
    share_id: int,
    approve: bool,
    note: bool,
    words: str = "",
) -> list[Reply]:
    scope = await svc.people.scope(request)
    found = await svc.shares.get(share_id)
    leads = await reachable_leads(svc, found.community_id) if found else []
    if found is None or scope.member.id not in {lead.id for lead in leads}:
        raise ArgumentError(_("only a lead of the share's group can review it"))
    try:
        decided = await svc.shares.decide(share_id, approve, note, svc.clock.now())
    except ValueError as error:
        raise ArgumentError(str(error)) from None
    community = await svc.people.community(decided.community_id)
    replies: list[Reply] = []
    author_id = await svc.shares.author(share_id)
    author = await svc.people.member_by_id(author_id) if author_id else None
    if approve and community is not None:
        with use(svc.people.community_language(community)):
            text, buttons = _post_text(decided), _buttons(decided, {})
        place = Place(community.platform, community.chat_id, is_direct=False)
        replies.append(
            public(
                text,
                to=place,
                buttons=buttons,
                keep=post_key(share_id),
                idempotency_key=f"share:{share_id}:posted",
            )
        )
        replies.insert(0, private(_("Posted, without a name. Thank you.")))
    else:
        replies.insert(0, private(_("Declined. The member is told kindly; they don't learn who.")))
    if author is not None:
        with use(await svc.people.member_language(author, decided.community_id)):
            said = (
                _("Your share #{id} is posted in {group}, without your name.")
                if approve
                else _(
                    "A lead of {group} decided not to post your share #{id} this time. Thank "
                    "you for writing it. If you'd like someone to talk to, /talk; if you need "
                    "help now, /sos."
                )
            ).format(id=share_id, group=group_name(community))
            if words:
                said += "\n" + _("The lead wrote: {words}").format(words=words)
        replies.append(
            private(said, to=actor_of(author), idempotency_key=f"share:{share_id}:decided")
        )
    return replies


async def approve(svc: Services, request: Request, args: dict[str, Any]) -> list[Reply]:
    return await _lead_decides(svc, request, args["id"], True, False)


async def warn(svc: Services, request: Request, args: dict[str, Any]) -> list[Reply]:
    return await _lead_decides(svc, request, args["id"], True, True)


async def decline(svc: Services, request: Request, args: dict[str, Any]) -> list[Reply]:
    words = (args.get("words") or "").strip()
    return await _lead_decides(svc, request, args["id"], False, False, words)


async def respond(svc: Services, request: Request, args: dict[str, Any]) -> list[Reply]:
    """A response counts only from a member of the share's group."""
    scope = await svc.people.scope(request)
    shared = await svc.shares.get(args["id"])
    if shared is None or scope.community is None or scope.community.id != shared.community_id:
        raise ArgumentError(_("that share can't take responses"))
    try:
        found, counts, tell = await svc.shares.respond(
            args["id"], scope.member.id, args["kind"], svc.clock.now()
        )
    except ValueError as error:
        raise ArgumentError(str(error)) from None
    community = await svc.people.community(found.community_id)
    replies = [private(_("Thank you: the member who shared sees the count, not your name."))]
    if community is not None:
        with use(svc.people.community_language(community)):
            text, buttons = _post_text(found), _buttons(found, counts)
        place = Place(community.platform, community.chat_id, is_direct=False)
        replies.append(public(text, to=place, buttons=buttons, replaces=post_key(found.id)))
    author_id = await svc.shares.author(found.id) if tell else None
    author = await svc.people.member_by_id(author_id) if author_id else None
    if author is not None and tell is not None:
        with use(await svc.people.member_language(author, found.community_id)):
            said = ngettext(
                "{n} member responded to your share #{id}.",
                "{n} members responded to your share #{id}.",
                tell,
            ).format(n=tell, id=found.id)
        replies.append(
            private(said, to=actor_of(author), idempotency_key=f"share:{found.id}:told:{tell}")
        )
    return replies


async def removed_posts(svc: Services, shares: list[ShareRow]) -> list[Reply]:
    """The posts of shares whose words are gone (their author deleted them or erased their
    data), changed in place to say so, without buttons."""
    replies = []
    for found in shares:
        community = await svc.people.community(found.community_id)
        if community is None:
            continue
        gone = replace(found, text="", state="deleted", content_note=False)
        with use(svc.people.community_language(community)):
            text = _post_text(gone)
        place = Place(community.platform, community.chat_id, is_direct=False)
        replies.append(public(text, to=place, replaces=post_key(found.id)))
    return replies


async def delete(svc: Services, request: Request, args: dict[str, Any]) -> list[Reply]:
    scope = await svc.people.scope(request)
    try:
        found = await svc.shares.delete(args["id"], scope.member.id)
    except ValueError as error:
        raise ArgumentError(str(error)) from None
    replies = [private(_("Your share #{id} is removed.").format(id=found.id))]
    if found.state == "approved":
        replies += await removed_posts(svc, [found])
    return replies


SHARE = Command(
    "share",
    N_("Share something with your group anonymously, after a lead's review"),
    share,
    options=(TEXT,),
    anonymous=True,
    private_input=True,
    text_verbs=(
        Command("delete", N_("Remove your share"), delete, options=(SHARE_ID,)),
        Command("approve", N_("Post a share (leads)"), approve, options=(SHARE_ID,)),
        Command("warn", N_("Post a share with a content note (leads)"), warn, options=(SHARE_ID,)),
        Command(
            "decline",
            N_("Don't post a share, with kind words for the member if you like (leads)"),
            decline,
            options=(SHARE_ID, WORDS),
        ),
        Command("send", N_("Share a share held back all the same"), send, options=(SHARE_ID,)),
        Command("respond", N_("Respond to a share"), respond, options=(SHARE_ID, KIND)),
    ),
    examples=("/share Today I asked for help for the first time.", "/share delete 3"),
    actions=(
        "share approve 1",
        "share warn 1",
        "share decline 1",
        "share respond 1 relate",
        "share send 1",
        "share delete 1",
    ),
    after_crisis=True,
)
COMMANDS = [SHARE]
