"""Anonymous feedback: `/feedback <text>` reaches the group's leads (on call, else the one
receiving alerts) without the author; a lead answers it with its Reply button (their next
words in the direct chat) or `/feedback reply <id> <answer>`, and only the author receives the
answer. The author's id is read only to address that answer (bot/storage/shares.py)."""

from __future__ import annotations

from typing import Any

from bot.core.messages import Button, Reply, Request, private
from bot.core.options import ArgumentError, Kind, Option
from bot.core.registry import Command, pack_action
from bot.i18n import N_, _, ngettext, use
from bot.services.container import Services
from bot.services.shares import MAX_TEXT, REPLY_MINUTES
from commands.peer import actor_of, group_name, reachable_leads

TEXT = Option(
    "text", Kind.TEXT, N_("What you'd like the leads to know, anonymously"), max_length=MAX_TEXT
)
ANSWER = Option(
    "answer", Kind.TEXT, N_("Your answer to the member"), required=True, max_length=MAX_TEXT
)
FEEDBACK_ID = Option("id", Kind.INT, N_("The feedback's number"), required=True, min=1)


async def feedback(svc: Services, request: Request, args: dict[str, Any]) -> list[Reply]:
    """Anonymous feedback to the group's leads, who may answer it without learning who sent
    it."""
    scope = await svc.people.scope(request)
    if scope.community is None:
        raise ArgumentError(
            _("feedback goes to a group's leads: use /feedback in your group first")
        )
    leads = await reachable_leads(svc, scope.community.id)
    if not leads:
        raise ArgumentError(
            _("this group has no lead to read feedback yet; ask a lead to set /community oncall")
        )
    text = args.get("text") or ""
    try:
        found = await svc.shares.feedback(
            scope.community.id, scope.member.id, text, svc.clock.now()
        )
    except ValueError as error:
        raise ArgumentError(str(error)) from None
    replies = [
        private(
            _("Thank you. Your feedback went to the leads of {group} without your name.").format(
                group=group_name(scope.community)
            )
        )
    ]
    for lead in leads:
        with use(await svc.people.member_language(lead, scope.community.id)):
            said = _(
                "Anonymous feedback #{id} for {group}:\n\n{text}\n\nTo answer the member "
                "privately (you won't learn who it is), press Reply, or send /feedback reply {id} "
                "and your answer."
            ).format(id=found, group=group_name(scope.community), text=text.strip())
            reply = Button(_("Reply"), action=pack_action("feedback", "answer", found))
        replies.append(
            private(
                said,
                to=actor_of(lead),
                buttons=((reply,),),
                idempotency_key=f"feedback:{found}:{lead.id}",
            )
        )
    return replies


async def _lead_of(svc: Services, request: Request, feedback_id: int) -> tuple[int, int | None]:
    """(community, author) of a feedback the requesting lead may answer."""
    scope = await svc.people.scope(request)
    found = await svc.shares.feedback_of(feedback_id)
    leads = await reachable_leads(svc, found[0]) if found else []
    if found is None or scope.member.id not in {lead.id for lead in leads}:
        raise ArgumentError(_("only a lead of the group it was sent to can answer it"))
    return found


async def _answer(
    svc: Services, feedback_id: int, found: tuple[int, int | None], answer: str
) -> list[Reply]:
    community_id, author_id = found
    author = await svc.people.member_by_id(author_id) if author_id else None
    if author is None:
        raise ArgumentError(_("the member who sent it is no longer here"))
    await svc.shares.answered(feedback_id, svc.clock.now())
    community = await svc.people.community(community_id)
    with use(await svc.people.member_language(author, community_id)):
        said = _("A lead of {group} answered your feedback #{id}:\n{answer}").format(
            group=group_name(community), id=feedback_id, answer=answer
        )
    return [
        private(_("Sent to the member. You still don't know who they are.")),
        private(said, to=actor_of(author)),
    ]


async def feedback_reply(svc: Services, request: Request, args: dict[str, Any]) -> list[Reply]:
    found = await _lead_of(svc, request, args["id"])
    return await _answer(svc, args["id"], found, args["answer"])


async def start_answer(svc: Services, request: Request, args: dict[str, Any]) -> list[Reply]:
    """The Reply button: the lead's next words in this direct chat answer the feedback."""
    await _lead_of(svc, request, args["id"])
    scope = await svc.people.scope(request)
    await svc.shares.start_reply(args["id"], scope.member.id, svc.clock.now())
    return [
        private(
            ngettext(
                "Write your answer to feedback #{id} as your next message here, within {n} "
                "minute; it goes to the member, and you still won't learn who they are.",
                "Write your answer to feedback #{id} as your next message here, within {n} "
                "minutes; it goes to the member, and you still won't learn who they are.",
                REPLY_MINUTES,
            ).format(id=args["id"], n=REPLY_MINUTES)
        )
    ]


async def answer_pending(svc: Services, request: Request) -> list[Reply] | None:
    """Plain words in a lead's direct chat after they pressed Reply: the answer (None when
    they pressed none lately)."""
    if not request.place.is_direct or not request.text.strip():
        return None
    scope = await svc.people.scope(request)
    feedback_id = await svc.shares.replying(scope.member.id, svc.clock.now())
    if feedback_id is None:
        return None
    found = await svc.shares.feedback_of(feedback_id)
    if found is None:
        return None
    try:
        return await _answer(svc, feedback_id, found, request.text.strip()[:MAX_TEXT])
    except ArgumentError as error:
        return [private(str(error))]


FEEDBACK = Command(
    "feedback",
    N_("Tell your group's leads something anonymously"),
    feedback,
    options=(TEXT,),
    anonymous=True,
    private_input=True,
    text_verbs=(
        Command(
            "reply",
            N_("Answer a member's feedback privately (leads)"),
            feedback_reply,
            options=(FEEDBACK_ID, ANSWER),
        ),
        Command(
            "answer",
            N_("Answer a member's feedback with your next message (leads)"),
            start_answer,
            options=(FEEDBACK_ID,),
        ),
    ),
    examples=("/feedback The Sunday circle could start later.",),
    actions=("feedback answer 1",),
)
COMMANDS = [FEEDBACK]
