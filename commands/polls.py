"""Polls: `/poll "<question>" a | b [| ...] [for 3d] [anonymous]` (leads) posts a poll in the
group; members vote with its buttons, one vote each, changeable until it closes (at its end,
or `/poll close <id>`). The post changes in place as votes come; what it shows follows
bot/domain/polls.py: counts from three voters only, an anonymous poll's counts only once
closed, never a name. A lead may list the voters of a poll that is not anonymous
(`/poll voters <id>`); of an anonymous one, nobody can."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from apscheduler.triggers.cron import CronTrigger

from bot import i18n
from bot.core.messages import Button, Place, Reply, Request, button_rows, private, public
from bot.core.options import ArgumentError, Kind, Option
from bot.core.registry import Command, pack_action
from bot.domain.polls import MIN_VOTERS, parse_poll
from bot.i18n import N_, _, ngettext, use
from bot.scheduler.jobs import Job
from bot.services.container import Services
from bot.services.polls import Tally
from bot.storage.people import CommunityRow
from bot.storage.polls import PollRow
from commands.common import lead_scope

TEXT = Option(
    "poll",
    Kind.TEXT,
    N_('"Question?" option | option [| ...] [for 3d] [anonymous]'),
    required=True,
    max_length=1200,
    shape='"<question>" <option> | <option> [| ...] [for 3d] [anonymous]',
)
POLL_ID = Option("id", Kind.INT, N_("The poll's number"), required=True, min=1)
CHOICE = Option("choice", Kind.INT, N_("The option's number"), required=True, min=1, max=10)


def post_key(poll_id: int) -> str:
    return f"poll:{poll_id}:post"


def post_text(poll: PollRow, tally: Tally, community: CommunityRow, svc: Services) -> str:
    """The poll as the group sees it, in the language in use: counts or not, never a name."""
    lines = [f"📊 {poll.question}"]
    for n, option in enumerate(poll.options, start=1):
        count = f" · {tally.by_option[n - 1]}" if tally.shown else ""
        lines.append(f"{n}. {option}{count}")
    votes = ngettext("{n} vote", "{n} votes", tally.voters).format(n=tally.voters)
    if tally.shown:
        lines.append(votes)
    elif tally.voters < MIN_VOTERS:
        lines.append(
            _("{votes}: too few votes to show (results show from {n} voters).").format(
                votes=votes, n=MIN_VOTERS
            )
        )
    else:
        lines.append(
            _("{votes} so far; the results show when the poll closes.").format(votes=votes)
        )
    lines.append(
        _("Anonymous: nobody, leads included, can see who voted.")
        if poll.anonymous
        else _("Not anonymous: the group's leads can see who voted.")
    )
    if poll.closed:
        lines.append(_("Closed. Poll #{id}.").format(id=poll.id))
    else:
        assert poll.closes_at is not None
        zone = svc.people.community_timezone(community)
        when = poll.closes_at.astimezone(zone)
        lines.append(
            _("Closes {when} ({zone}). You can change your vote until then. Poll #{id}.").format(
                when=i18n.moment(when, "MMMEd"),
                zone=zone.key,
                id=poll.id,
            )
        )
    return "\n".join(lines)


async def poll_post(
    svc: Services, poll: PollRow, *, changed: bool, where: Place | None = None
) -> Reply | None:
    """The poll's post in the group's language: new (kept; in the chat it was asked in, a
    Discord channel or a Telegram topic), or the kept one changed, wherever it went."""
    community = await svc.people.community(poll.community_id)
    if community is None:
        return None
    tally = await svc.polls.tally(poll)
    with use(svc.people.community_language(community)):
        text = post_text(poll, tally, community, svc)
    buttons = ()
    if not poll.closed:
        buttons = button_rows(
            [
                Button(option, action=pack_action("poll", "vote", poll.id, n))
                for n, option in enumerate(poll.options, start=1)
            ],
            per_row=2,
        )
    place = where or Place(community.platform, community.chat_id, is_direct=False)
    if changed:
        return public(text, to=place, buttons=buttons, replaces=post_key(poll.id))
    return public(text, to=place, buttons=buttons, keep=post_key(poll.id))


async def create(svc: Services, request: Request, args: dict[str, Any]) -> list[Reply]:
    if not request.is_lead:
        raise ArgumentError(_("polls are started by a group's leads; members vote with buttons"))
    scope = await svc.people.scope(request)
    community_id = lead_scope(scope)
    try:
        spec = parse_poll(args["poll"])
        found = await svc.polls.create(community_id, spec, scope.member.id, svc.clock.now())
    except ValueError as error:
        raise ArgumentError(str(error)) from None
    post = await poll_post(svc, found, changed=False, where=request.place)
    done = private(
        _("Poll #{id} is posted. /poll close {id} closes it before its end.").format(id=found.id)
    )
    return [post, done] if post is not None else [done]


async def vote(svc: Services, request: Request, args: dict[str, Any]) -> list[Reply]:
    """A vote counts only from a member of the poll's group (typed in a direct chat: the group
    they were last in)."""
    scope = await svc.people.scope(request)
    found = await svc.polls.get(args["id"])
    if found is None or scope.community is None or scope.community.id != found.community_id:
        raise ArgumentError(_("there is no poll #{id} in your group").format(id=args["id"]))
    try:
        before = await svc.polls.vote(found, scope.member.id, args["choice"], svc.clock.now())
    except ValueError as error:
        raise ArgumentError(str(error)) from None
    option = found.options[args["choice"] - 1]
    if before == args["choice"]:
        return [private(_("Your vote is already: {option}.").format(option=option))]
    said = (
        _("Your vote: {option}. You can change it until the poll closes.")
        if before is None
        else _("Your vote is now: {option}.")
    ).format(option=option)
    if found.anonymous:
        said += " " + _("This poll is anonymous: nobody sees how you voted.")
    replies = [private(said)]
    post = await poll_post(svc, found, changed=True)
    return [*replies, post] if post is not None else replies


async def _leads_poll(svc: Services, request: Request, poll_id: int) -> PollRow:
    scope = await svc.people.scope(request)
    community_id = lead_scope(scope)
    found = await svc.polls.get(poll_id)
    if found is None or found.community_id != community_id:
        raise ArgumentError(_("this group has no poll #{id}").format(id=poll_id))
    return found


async def close(svc: Services, request: Request, args: dict[str, Any]) -> list[Reply]:
    found = await _leads_poll(svc, request, args["id"])
    closed = await svc.polls.close(found.id, svc.clock.now())
    if closed is None:
        return [private(_("Poll #{id} was already closed.").format(id=found.id))]
    post = await poll_post(svc, closed, changed=True)
    done = private(_("Poll #{id} is closed; its post shows the results.").format(id=found.id))
    return [done, post] if post is not None else [done]


async def voters(svc: Services, request: Request, args: dict[str, Any]) -> list[Reply]:
    found = await _leads_poll(svc, request, args["id"])
    try:
        votes = await svc.polls.voters(found)
    except ValueError as error:
        raise ArgumentError(str(error)) from None
    lines = [_("Poll #{id}: who voted (only you see this)").format(id=found.id)]
    for n, option in enumerate(found.options, start=1):
        names = []
        for member_id, choice in votes:
            member = await svc.people.member_by_id(member_id) if choice == n else None
            if member is not None:
                names.append(member.name)
        lines.append(f"{n}. {option}: " + (", ".join(names) if names else "-"))
    return [private("\n".join(lines))]


async def close_due(svc: Services, now: datetime) -> list[Reply]:
    """Every five minutes: polls at their end close, and their posts show the results."""
    replies: list[Reply] = []
    for poll_id in await svc.polls.due(now):
        closed = await svc.polls.close(poll_id, now)
        post = await poll_post(svc, closed, changed=True) if closed is not None else None
        if post is not None:
            replies.append(post)
    return replies


POLL = Command(
    "poll",
    N_("Ask the group a question with options (leads); members vote with buttons"),
    create,
    options=(TEXT,),
    text_verbs=(
        Command("vote", N_("Vote in a poll"), vote, options=(POLL_ID, CHOICE)),
        Command("close", N_("Close a poll now (leads)"), close, options=(POLL_ID,), lead_only=True),
        Command(
            "voters",
            N_("Who voted in a poll that is not anonymous (leads)"),
            voters,
            options=(POLL_ID,),
            lead_only=True,
        ),
    ),
    examples=(
        '/poll "Which evening suits the circle?" Monday | Wednesday | Friday for 3d',
        '/poll "How are the new rules working?" Well | Mixed | Not well anonymous',
        "/poll close 1",
    ),
    actions=("poll vote 1 10",),
)
COMMANDS = [POLL]
JOBS = [Job("polls", CronTrigger(minute="*/5", timezone="UTC"), close_due)]  # ends: to 5 min
