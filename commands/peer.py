"""Peer support: `/learn` (the supporter course), `/supporter` and `/supporters` (the roster),
`/talk` and `/end` (a conversation Haven relays between two direct chats), `/report`, and the
job that times out unanswered requests, asks silent conversations whether to end, and tries an
urgent alert on the next lead on call. bot/services/support.py decides.

Nobody's name crosses a conversation unless the member shares theirs: each side sees the other
by a per-conversation alias. Relayed words are passed on, never stored."""

from __future__ import annotations

import logging
import statistics
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from apscheduler.triggers.cron import CronTrigger

from bot.catalog import Module
from bot.core.dispatcher import Screened
from bot.core.messages import Actor, Button, Priority, Reply, Request, private
from bot.core.options import ArgumentError, Kind, Option
from bot.core.registry import Command, pack_action
from bot.domain.support import MAX_MESSAGE, MIN_FIGURES, OFFER_MINUTES, hours_of
from bot.i18n import N_, _, ngettext, use
from bot.scheduler.jobs import Job
from bot.services.container import Services
from bot.storage.people import CommunityRow, MemberRow
from bot.storage.support import AlertRow, SupporterRow, TalkRow
from commands.common import lead_scope

log = logging.getLogger(__name__)

MODULE = Option("module", Kind.WORD, N_("A module of the course, from /learn"), max_length=40)
STEP = Option("step", Kind.INT, N_("Where in the module"), min=1, max=20)
QUESTION = Option("question", Kind.INT, N_("The question's number"), required=True, min=1, max=9)
CHOICE = Option("choice", Kind.INT, N_("Your answer's number"), required=True, min=1, max=9)
TOPIC = Option("topic", Kind.TEXT, N_("What you'd like to talk about (optional)"), max_length=200)
TALK_ID = Option("id", Kind.INT, N_("The conversation's number"), required=True, min=1)
MEMBER = Option("member", Kind.WORD, N_("The member's name, as in /supporters"), required=True)
HOURS = Option("hours", Kind.TEXT, N_("HH:MM-HH:MM [days], or any"), required=True, max_length=60)
MOST = Option("n", Kind.INT, N_("Conversations at once, 1 to 5"), required=True, min=1, max=50)
MINUTES = Option("minutes", Kind.INT, N_("Minutes a request waits, 2 to 60"), required=True)
LEADS = Option("members", Kind.TEXT, N_("Leads' names, in the order to try"), required=True)


def actor_of(member: MemberRow) -> Actor:
    return Actor(member.platform, member.user_id, member.name)


# -- the course ---------------------------------------------------------------------------------
def _modules(svc: Services) -> list[Module]:
    return [svc.catalog.module(m.slug) or m for m in svc.catalog.course]


async def learn(svc: Services, request: Request, args: dict[str, Any]) -> list[Reply]:
    """The course: an overview, then a module screen by screen, then its quiz."""
    scope = await svc.people.scope(request)
    modules = _modules(svc)
    slug = args.get("module")
    if slug is None:
        return [await _overview(svc, scope.member.id, modules)]
    module = next((m for m in modules if m.slug == slug.casefold()), None)
    if module is None:
        raise ArgumentError(_("there is no module {name}; /learn lists them").format(name=slug))
    step = args.get("step") or 1
    number = modules.index(module) + 1
    screens = len(module.screens)
    if step <= screens:
        head = _("Module {n} of {total}: {title} ({step}/{steps})").format(
            n=number, total=len(modules), title=module.title, step=step, steps=screens
        )
        label = _("Next") if step < screens else _("Start the quiz")
        buttons = ((Button(label, action=pack_action("learn", module.slug, step + 1)),),)
        return [private(f"{head}\n\n{module.screens[step - 1]}", buttons=buttons)]
    asked = step - screens - 1
    if asked >= len(module.quiz):
        raise ArgumentError(_("that module has no step {step}").format(step=step))
    return [_question(module, asked)]


def _question(module: Module, index: int) -> Reply:
    question = module.quiz[index]
    lines = [
        _("Quiz: {title}, question {n} of {total}").format(
            title=module.title, n=index + 1, total=len(module.quiz)
        ),
        question.question,
    ]
    lines += [f"{n}. {option}" for n, option in enumerate(question.options, start=1)]
    buttons = tuple(
        (Button(option[:80], action=pack_action("learn", "answer", module.slug, index + 1, n)),)
        for n, option in enumerate(question.options, start=1)
    )
    return private("\n".join(lines), buttons=buttons)


async def _overview(svc: Services, member_id: int, modules: list[Module]) -> Reply:
    passed = await svc.support.passed(member_id)
    lines = [
        _(
            "The supporter course: {n} short modules, each a few screens and a quiz. It is "
            "written from public guidance (Samaritans, the 988 Lifeline's safe messaging, Mental "
            "Health First Aid). Passing all of them asks a lead to approve you as a supporter."
        ).format(n=len(modules))
    ]
    for module in modules:
        mark = "✓" if module.slug in passed else "•"
        about = ngettext("{n} minute", "{n} minutes", module.minutes).format(n=module.minutes)
        lines.append(
            _("{mark} {title} ({minutes}): /learn {slug}").format(
                mark=mark, title=module.title, minutes=about, slug=module.slug
            )
        )
    todo = [m for m in modules if m.slug not in passed]
    if not todo:
        lines.append(_("You have passed every module. /supporter shows where you stand."))
        return private("\n".join(lines))
    label = _("Start: {title}") if not passed else _("Continue: {title}")
    next_up = todo[0]
    action = pack_action("learn", next_up.slug)
    return private(
        "\n".join(lines), buttons=((Button(label.format(title=next_up.title), action=action),),)
    )


async def answer(svc: Services, request: Request, args: dict[str, Any]) -> list[Reply]:
    """A quiz answer: right moves on (the last passes the module), wrong says why and asks
    again. Passing every module asks the group's leads for approval."""
    scope = await svc.people.scope(request)
    modules = _modules(svc)
    module = next((m for m in modules if m.slug == args["module"].casefold()), None)
    index = args["question"] - 1
    if module is None or index >= len(module.quiz):
        raise ArgumentError(_("there is no such question; /learn lists the modules"))
    question = module.quiz[index]
    if not 1 <= args["choice"] <= len(question.options):
        raise ArgumentError(_("there is no such answer"))
    if args["choice"] - 1 != question.answer:
        again = pack_action("learn", module.slug, len(module.screens) + 1 + index)
        return [
            private(
                _("Not quite. {why}").format(why=question.why),
                buttons=((Button(_("Try again"), action=again),),),
            )
        ]
    if index + 1 < len(module.quiz):
        on = pack_action("learn", module.slug, len(module.screens) + 2 + index)
        return [
            private(
                _("Right. {why}").format(why=question.why),
                buttons=((Button(_("Next question"), action=on),),),
            )
        ]
    now = svc.clock.now()
    every = [m.slug for m in modules]
    completed = await svc.support.pass_module(scope.member.id, module.slug, every, now)
    lines = [
        _("Right. {why}").format(why=question.why),
        _("Module passed: {title}.").format(title=module.title),
    ]
    passed = await svc.support.passed(scope.member.id)
    todo = [m for m in modules if m.slug not in passed]
    buttons: tuple[tuple[Button, ...], ...] = ()
    replies: list[Reply] = []
    if todo:
        buttons = (
            (
                Button(
                    _("Next module: {title}").format(title=todo[0].title),
                    action=pack_action("learn", todo[0].slug),
                ),
            ),
        )
    elif completed and scope.community is not None:
        asked = await svc.support.apply(scope.community.id, scope.member.id, now)
        lines.append(
            _(
                "You have passed the whole course. A lead of {group} is asked to approve you as "
                "a supporter; you'll hear when they do."
            ).format(group=scope.community.title or _("your group"))
        )
        if asked:
            replies += await tell_leads(
                svc,
                scope.community.id,
                lambda: _(
                    "{name} passed the supporter course and asks to support {group}. "
                    "/supporters approve {name} in the group approves them."
                ).format(name=scope.member.name, group=group_name(scope.community)),
                f"supporter:{scope.community.id}:{scope.member.id}:asked",
            )
    return [private("\n".join(lines), buttons=buttons), *replies]


def group_name(community: CommunityRow | None) -> str:
    return (community.title if community else "") or _("your group")


async def reachable_leads(svc: Services, community_id: int) -> list[MemberRow]:
    """The leads Haven can reach without a request: those on call, in order, else the one who
    turned lead alerts on."""
    ids = await svc.support.oncall(community_id)
    if not ids:
        community = await svc.people.community(community_id)
        ids = [community.alert_member_id] if community and community.alert_member_id else []
    found = [await svc.people.member_by_id(i) for i in ids]
    return [m for m in found if m is not None]


Rows = tuple[tuple[Button, ...], ...]


async def tell_leads(
    svc: Services,
    community_id: int,
    text: Callable[[], str],
    key: str,
    buttons: Callable[[], Rows] | None = None,
) -> list[Reply]:
    """A note to every reachable lead, each in their own language (`text` and `buttons` are
    called inside)."""
    replies = []
    for lead in await reachable_leads(svc, community_id):
        with use(await svc.people.member_language(lead, community_id)):
            said, shown = text(), buttons() if buttons is not None else ()
        replies.append(
            private(said, to=actor_of(lead), buttons=shown, idempotency_key=f"{key}:{lead.id}")
        )
    return replies


# -- supporters ---------------------------------------------------------------------------------
async def _my_groups(svc: Services, request: Request) -> tuple[MemberRow, list[SupporterRow]]:
    """The supporter rows a /supporter command changes: the group it is typed in, else every
    group the member supports."""
    scope = await svc.people.scope(request)
    rows = await svc.support.groups_of(scope.member.id)
    if scope.in_group and scope.community is not None:
        rows = [r for r in rows if r.community_id == scope.community.id]
    return scope.member, [r for r in rows if r.state != "removed"]


STATES = {
    "pending": N_("waiting for a lead's approval"),
    "approved": N_("approved"),
    "paused": N_("paused until a lead looks at a report"),
}


async def supporter_status(svc: Services, request: Request, args: dict[str, Any]) -> list[Reply]:
    member, rows = await _my_groups(svc, request)
    if not rows:
        passed = await svc.support.passed(member.id)
        return [
            private(
                _(
                    "You are not a supporter yet. /learn is the course ({n} of {total} "
                    "modules passed); passing it asks a lead to approve you."
                ).format(n=len(passed), total=len(svc.catalog.course))
            )
        ]
    lines = []
    for row in rows:
        community = await svc.people.community(row.community_id)
        lines.append(
            _("{group}: {state}; {on}; hours {hours}; up to {n} at once").format(
                group=group_name(community),
                state=_(STATES[row.state]),
                on=_("on") if row.available else _("off"),
                hours=hours_of(row.hours, row.days).shown(),
                n=row.max_open,
            )
        )
    lines.append(_("/supporter on|off, /supporter hours 18:00-22:00 mon-fri, /supporter max 2"))
    return [private("\n".join(lines))]


async def supporter_on(svc: Services, request: Request, args: dict[str, Any]) -> list[Reply]:
    return await _switch(svc, request, True)


async def supporter_off(svc: Services, request: Request, args: dict[str, Any]) -> list[Reply]:
    return await _switch(svc, request, False)


async def _switch(svc: Services, request: Request, on: bool) -> list[Reply]:
    _member, rows = await _my_groups(svc, request)
    changed = await svc.support.set_available(rows, on)
    if not changed:
        raise ArgumentError(_("only approved supporters can switch requests on or off"))
    if on:
        return [private(_("You're on: requests to talk may come to you, within your hours."))]
    return [private(_("You're off: no requests will come to you. Thank you for your time."))]


async def supporter_hours(svc: Services, request: Request, args: dict[str, Any]) -> list[Reply]:
    _member, rows = await _my_groups(svc, request)
    if not rows:
        raise ArgumentError(_("only supporters have hours; /learn is the course"))
    try:
        shown = await svc.support.set_hours(rows, args["hours"])
    except ValueError as error:
        raise ArgumentError(str(error)) from None
    return [private(_("Your hours: {hours}, in your time zone.").format(hours=shown))]


async def supporter_max(svc: Services, request: Request, args: dict[str, Any]) -> list[Reply]:
    _member, rows = await _my_groups(svc, request)
    if not rows:
        raise ArgumentError(_("only supporters have a maximum; /learn is the course"))
    try:
        await svc.support.set_max(rows, args["n"])
    except ValueError as error:
        raise ArgumentError(str(error)) from None
    said = ngettext(
        "Up to {n} conversation at once.", "Up to {n} conversations at once.", args["n"]
    )
    return [private(said.format(n=args["n"]))]


async def roster(svc: Services, request: Request, args: dict[str, Any]) -> list[Reply]:
    """The group's supporters and who waits for approval, with anonymous figures (from
    MIN_FIGURES conversations)."""
    scope = await svc.people.scope(request)
    community_id = lead_scope(scope)
    rows = await svc.support.roster(community_id)
    lines = [_("Supporters of this group (only you see this):")]
    if not rows:
        lines.append(_("None yet. Members become supporters through /learn and your approval."))
    for row in rows:
        on = _("on") if row.available else _("off")
        lines.append(f"• {row.name}: {_(STATES[row.state])}; {on}")
    figures = await svc.support.figures(community_id)
    if figures is None:
        lines.append(_("Figures show from {n} conversations asked for.").format(n=MIN_FIGURES))
    else:
        share = round(100 * figures.matched_in_5 / figures.requests)
        median = statistics.median(figures.waits) if figures.waits else None
        lines.append(
            _("{n} asked for; {share}% matched within 5 minutes; median wait {wait}.").format(
                n=figures.requests,
                share=share,
                wait=_("{m} min").format(m=round(median, 1)) if median is not None else "-",
            )
        )
        if len(figures.ratings) >= MIN_FIGURES:
            lines.append(
                _("Average rating {average} of 5 ({n} ratings).").format(
                    average=round(statistics.mean(figures.ratings), 1), n=len(figures.ratings)
                )
            )
    return [private("\n".join(lines))]


async def approve(svc: Services, request: Request, args: dict[str, Any]) -> list[Reply]:
    scope = await svc.people.scope(request)
    community_id = lead_scope(scope)
    try:
        member_id = await svc.support.member_named(community_id, args["member"])
        await svc.support.approve(community_id, member_id, svc.clock.now())
    except ValueError as error:
        raise ArgumentError(str(error)) from None
    member = await svc.people.member_by_id(member_id)
    assert member is not None
    with use(await svc.people.member_language(member, community_id)):
        told = _(
            "A lead of {group} approved you as a supporter. Thank you. /supporter on when "
            "you're ready to take requests; /supporter hours sets when."
        ).format(group=group_name(scope.community))
    return [
        private(_("{name} is a supporter now.").format(name=member.name)),
        private(told, to=actor_of(member)),
    ]


async def remove(svc: Services, request: Request, args: dict[str, Any]) -> list[Reply]:
    scope = await svc.people.scope(request)
    community_id = lead_scope(scope)
    try:
        member_id = await svc.support.member_named(community_id, args["member"])
        await svc.support.remove(community_id, member_id, svc.clock.now())
    except ValueError as error:
        raise ArgumentError(str(error)) from None
    return [private(_("They are no longer a supporter here."))]


async def oncall(svc: Services, request: Request, args: dict[str, Any]) -> list[Reply]:
    """`/community oncall lee sam`: the leads urgent alerts go to, in order."""
    scope = await svc.people.scope(request)
    community_id = lead_scope(scope)
    names = args["members"].split()
    if len(names) > 10:
        raise ArgumentError(_("at most 10 leads on call"))
    try:
        ids = [await svc.support.member_named(community_id, name) for name in names]
    except ValueError as error:
        raise ArgumentError(str(error)) from None
    await svc.support.set_oncall(community_id, list(dict.fromkeys(ids)))
    if scope.community is not None and scope.community.alert_member_id is None and ids:
        await svc.people.set_alerts(community_id, ids[0])  # the crisis reply offers a lead
    return [
        private(
            _(
                "On call, in this order: {names}. An urgent alert goes to the first; after 15 "
                'minutes without "I\'m on it", to the next; then to all of them.'
            ).format(names=", ".join(names))
        )
    ]


async def talk_wait(svc: Services, request: Request, args: dict[str, Any]) -> list[Reply]:
    scope = await svc.people.scope(request)
    community_id = lead_scope(scope)
    low, high = OFFER_MINUTES
    if not low <= args["minutes"] <= high:
        raise ArgumentError(
            _("a request waits from {low} to {high} minutes").format(low=low, high=high)
        )
    await svc.support.set_talk_minutes(community_id, args["minutes"])
    return [
        private(
            _("A request to talk now waits {n} minutes for a supporter.").format(n=args["minutes"])
        )
    ]


# -- conversations ------------------------------------------------------------------------
async def talk(svc: Services, request: Request, args: dict[str, Any]) -> list[Reply]:
    """Ask for someone to talk to: offered, without a name, to the supporters free now."""
    scope = await svc.people.scope(request)
    if scope.community is None:
        raise ArgumentError(_("/talk finds a supporter of your group: use it in your group first"))
    topic = args.get("topic")
    # The topic goes to the supporters offered the request and is never stored. Words the
    # crisis screen flagged (the member has had the crisis reply) are not passed on: the
    # supporter is told the request was flagged instead, so they come prepared.
    flagged = bool(topic) and svc.safety.verdict(topic).full
    now = svc.clock.now()
    try:
        found, free = await svc.support.request(scope.community.id, scope.member.id, None, now)
    except ValueError as error:
        raise ArgumentError(str(error)) from None
    if not free:
        return await _unanswered(svc, found, now)
    group = group_name(scope.community)
    replies = [
        private(
            _(
                "I'm looking for a supporter of {group} for you; I'll tell you here when one "
                "accepts. Your name is not shown to them. /end withdraws the request. If you "
                "need someone right now, /sos lists people you can reach."
            ).format(group=group)
        )
    ]
    for row in free:
        member = await svc.people.member_by_id(row.member_id)
        if member is None:
            continue
        with use(await svc.people.member_language(member, found.community_id)):
            if flagged:
                about = _(
                    "Someone in {group} would like to talk, and Haven's crisis screen flagged "
                    "their request: they may be in crisis. If you accept, stay with them, ask "
                    "calmly how they are, share /sos, and press Alert a lead if you are worried."
                ).format(group=group)
            elif topic:
                about = _("Someone in {group} would like to talk about: {topic}").format(
                    group=group, topic=topic
                )
            else:
                about = _("Someone in {group} would like to talk.").format(group=group)
            button = Button(_("Accept"), action=pack_action("talk", "accept", found.id))
        replies.append(
            private(
                about,
                to=actor_of(member),
                buttons=((button,),),
                idempotency_key=f"talk:{found.id}:offer:{member.id}",
            )
        )
    return replies


async def accept(svc: Services, request: Request, args: dict[str, Any]) -> list[Reply]:
    scope = await svc.people.scope(request)
    try:
        found = await svc.support.accept(args["id"], scope.member.id, svc.clock.now())
    except ValueError as error:
        raise ArgumentError(str(error)) from None
    assert found.member_id is not None
    member = await svc.people.member_by_id(found.member_id)
    if member is None:
        return []
    alert = Button(_("Alert a lead"), action=pack_action("talk", "alert", found.id))
    replies = [
        private(
            _(
                "You're talking with {alias}. Write here and Haven passes it on; you appear as "
                "{me}. Never discuss methods; if you are worried for their safety, stay with "
                "them, share /sos and press Alert a lead. /end ends the conversation."
            ).format(alias=found.member_alias, me=found.supporter_alias),
            buttons=((alert,),),
        )
    ]
    with use(await svc.people.member_language(member, found.community_id)):
        share = Button(_("Share my name"), action=pack_action("talk", "name", found.id))
        replies.append(
            private(
                _(
                    "{alias}, a trained peer supporter, is here for you. Write here and I'll "
                    "pass it on; they see you as {me}, not by your name. They are a member "
                    "like you, not a professional. /end ends the conversation, /report tells "
                    "the leads if something is wrong."
                ).format(alias=found.supporter_alias, me=found.member_alias),
                to=actor_of(member),
                buttons=((share,),),
            )
        )
    for other in await svc.support.offered(found.id):
        if other == scope.member.id:
            continue
        person = await svc.people.member_by_id(other)
        if person is None:
            continue
        with use(await svc.people.member_language(person, found.community_id)):
            said = _("That request was taken by another supporter. Thank you for being there.")
        replies.append(
            private(said, to=actor_of(person), idempotency_key=f"talk:{found.id}:taken:{other}")
        )
    return replies


async def share_name(svc: Services, request: Request, args: dict[str, Any]) -> list[Reply]:
    scope = await svc.people.scope(request)
    found = await svc.support.talk(args["id"])
    if found is None or found.member_id != scope.member.id or found.state != "open":
        raise ArgumentError(_("only the member in an open conversation can share their name"))
    await svc.support.share_name(found)
    assert found.supporter_id is not None
    supporter = await svc.people.member_by_id(found.supporter_id)
    replies = [private(_("Your supporter now sees your name."))]
    if supporter is not None:
        with use(await svc.people.member_language(supporter, found.community_id)):
            said = _("{alias} shared their name: {name}.").format(
                alias=found.member_alias, name=scope.member.name
            )
        replies.append(private(said, to=actor_of(supporter)))
    return replies


async def _unanswered(svc: Services, found: TalkRow, now: datetime) -> list[Reply]:
    """Nobody free when asked: the request ends, the member is told honestly (as the answer to
    the request), with where to turn; the leads on call are alerted without the name. A
    request nobody accepted in time is `_unanswered_after`."""
    await svc.support.end(found, "timeout", now)
    await _urgent(svc, found.community_id, None, "unanswered", found.id, now)
    return [private(_(NOBODY))]


async def _urgent(
    svc: Services,
    community_id: int,
    about: MemberRow | None,
    reason: str,
    talk_id: int | None,
    now: datetime,
) -> int:
    """Raise an urgent alert and queue it for the first lead on call; how many it went to."""
    alert = await svc.support.raise_alert(
        community_id, about.id if about else None, reason, talk_id, now
    )
    return await _alert_leads(svc, alert)


NOBODY = N_(
    "I'm sorry: no supporter could take your request right now. You're not alone. /sos lists "
    "people you can reach at any hour, and /resources has things that may help. I've let a "
    "lead know that someone asked, without your name."
)
REASONS = {
    "unanswered": N_("a member asked to talk and no supporter could take it"),
    "supporter": N_("a supporter is worried about the member they are talking with"),
    "crisis": N_("a member asked for a lead after a hard moment"),
}
ALERT_EVERY = timedelta(minutes=10)  # one "Tell a group lead" alert a member in this long


async def tell_oncall(
    svc: Services, community: Any, member: MemberRow, texts: dict[str, str]
) -> list[Reply]:
    """The crisis reply's "Tell a group lead" where the group has leads on call: an urgent
    alert tried on them in turn until one says they are on it (then the member hears so).
    The lead learns the member's name (they chose to tell a lead) and nothing they wrote."""
    group = group_name(community)
    now = svc.clock.now()
    last = await svc.support.last_alert_about(member.id, community.id)
    if last is not None and now - last < ALERT_EVERY:
        minutes = max(1, int((now - last).total_seconds() // 60))
        return [private(texts["lead_recently"].format(group=group, minutes=minutes))]
    await _urgent(svc, community.id, member, "crisis", None, now)
    return [private(texts["lead_queued"].format(group=group))]


async def _alert_leads(svc: Services, alert: AlertRow) -> int:
    """The alert to the lead on call at its level; past the last, to all of them: queued in
    the outbox, ahead of everything else. Returns how many leads it went to."""
    leads = await reachable_leads(svc, alert.community_id)
    if not leads:
        log.warning("an urgent alert in group %s has no lead to go to", alert.community_id)
        return 0
    if alert.level <= len(leads):
        chosen = [leads[alert.level - 1]]
    elif alert.level == len(leads) + 1 and len(leads) > 1:
        chosen = leads
    else:
        return 0
    community = await svc.people.community(alert.community_id)
    about = await svc.people.member_by_id(alert.about_member_id) if alert.about_member_id else None
    replies = []
    for lead in chosen:
        language = await svc.people.member_language(lead, alert.community_id)
        with use(language):
            if alert.reason == "crisis" and about is not None:
                texts = svc.safety.texts[svc.safety.texts_for(language)]
                said = texts["lead_alert"].format(member=about.name, group=group_name(community))
                lines = [said]
            else:
                lines = [
                    _("Urgent, {group}: {reason}.").format(
                        group=group_name(community), reason=_(REASONS[alert.reason])
                    )
                ]
            if about is not None and alert.reason != "crisis":
                lines.append(
                    _("The member chose to share their name: {name}.").format(name=about.name)
                )
            if alert.talk_id is not None:
                lines.append(_("Conversation #{id}.").format(id=alert.talk_id))
            if alert.level > 1:
                lines.append(_("Nobody said they were on it yet."))
            button = Button(_("I'm on it"), action=pack_action("talk", "ack", alert.id))
        replies.append(
            private(
                "\n".join(lines),
                to=actor_of(lead),
                buttons=((button,),),
                priority=Priority.CRISIS,
                idempotency_key=f"urgent:{alert.id}:{alert.level}:{lead.id}",
            )
        )
    return await svc.alerts.urgent(replies)


async def alert_lead(svc: Services, request: Request, args: dict[str, Any]) -> list[Reply]:
    """A supporter's "Alert a lead": the leads on call are told, the member named only when
    they shared their name."""
    scope = await svc.people.scope(request)
    found = await svc.support.talk(args["id"])
    if found is None or found.supporter_id != scope.member.id:
        raise ArgumentError(_("only the supporter of a conversation can alert a lead from it"))
    about = None
    if found.name_shared and found.member_id is not None:
        about = await svc.people.member_by_id(found.member_id)
    now = svc.clock.now()
    sent = await _urgent(svc, found.community_id, about, "supporter", found.id, now)
    if not sent:
        return [
            private(
                _(
                    "No lead is on call in this group. Stay with them if you can, and share "
                    "/sos: it lists people they can reach right now."
                )
            )
        ]
    return [private(_("A lead is being alerted. Stay with them if you can, and share /sos."))]


async def ack(svc: Services, request: Request, args: dict[str, Any]) -> list[Reply]:
    scope = await svc.people.scope(request)
    alert = await svc.support.alert(args["id"])
    leads = await reachable_leads(svc, alert.community_id) if alert else []
    if alert is None or scope.member.id not in {lead.id for lead in leads}:
        raise ArgumentError(_("only a lead on call can answer that alert"))
    if not await svc.support.ack(alert.id, scope.member.id, svc.clock.now()):
        return [private(_("Another lead is already on it. Thank you."))]
    replies = [private(_("Thank you. The others on call won't be asked."))]
    told: MemberRow | None = None
    if alert.about_member_id is not None:
        told = await svc.people.member_by_id(alert.about_member_id)
    elif alert.talk_id is not None:
        found = await svc.support.talk(alert.talk_id)
        if found is not None and found.member_id is not None:
            told = await svc.people.member_by_id(found.member_id)
    if told is not None:
        with use(await svc.people.member_language(told, alert.community_id)):
            said = _("A lead has seen this and is on it.")
        replies.append(private(said, to=actor_of(told), idempotency_key=f"urgent:{alert.id}:seen"))
    return replies


async def end(svc: Services, request: Request, args: dict[str, Any]) -> list[Reply]:
    """Either side ends the conversation (the member may withdraw a waiting request)."""
    scope = await svc.people.scope(request)
    found = await svc.support.current(scope.member.id)
    if not found:
        raise ArgumentError(_("you have no conversation open"))
    return await _ended(svc, found[-1], scope.member.id, svc.clock.now())


async def _ended(
    svc: Services, found: TalkRow, by_member: int, now: datetime, *, reported: bool = False
) -> list[Reply]:
    by = "member" if found.member_id == by_member else "supporter"
    state = await svc.support.end(found, "report" if reported else by, now)
    if state is None:
        raise ArgumentError(_("that conversation has already ended"))
    if state == "withdrawn":
        return [private(_("Your request is withdrawn. /talk again whenever you like."))]
    replies: list[Reply] = []
    member = await svc.people.member_by_id(found.member_id) if found.member_id else None
    supporter = await svc.people.member_by_id(found.supporter_id) if found.supporter_id else None
    if member is not None:
        with use(await svc.people.member_language(member, found.community_id)):
            stars = tuple(
                Button(f"{n} ★", action=pack_action("talk", "rate", found.id, n))
                for n in range(1, 6)
            )
            helped = (
                Button(_("It helped"), action=pack_action("talk", "helped", found.id, "yes")),
                Button(_("Not really"), action=pack_action("talk", "helped", found.id, "no")),
            )
            said = _(
                "The conversation with {alias} has ended. How was it? Your answer is anonymous "
                "to them. /sos is there any time, and /talk again whenever you like."
            ).format(alias=found.supporter_alias)
        replies.append(
            private(
                said,
                to=actor_of(member),
                buttons=(stars, helped),
                idempotency_key=f"talk:{found.id}:end:m",
            )
        )
    if supporter is not None:
        with use(await svc.people.member_language(supporter, found.community_id)):
            flag = Button(
                _("Ask a lead to follow up"), action=pack_action("talk", "followup", found.id)
            )
            said = _(
                "The conversation with {alias} has ended. Thank you for listening. Take a "
                "moment for yourself: a breath, a glass of water, a break before anything "
                "else. If it weighed on you, talk it over with a lead."
            ).format(alias=found.member_alias)
        replies.append(
            private(
                said,
                to=actor_of(supporter),
                buttons=((flag,),),
                idempotency_key=f"talk:{found.id}:end:s",
            )
        )
    return replies


async def report(svc: Services, request: Request, args: dict[str, Any]) -> list[Reply]:
    """Either side reports the other to the leads: the conversation ends; a reported
    supporter takes no requests until a lead approves them again. The report names nobody."""
    scope = await svc.people.scope(request)
    found = [t for t in await svc.support.current(scope.member.id) if t.state == "open"]
    if not found:
        raise ArgumentError(_("you have no conversation open to report"))
    current = found[-1]
    now = svc.clock.now()
    replies = await _ended(svc, current, scope.member.id, now, reported=True)
    reported_supporter = current.member_id == scope.member.id
    if reported_supporter and current.supporter_id is not None:
        await svc.support.pause(current.community_id, current.supporter_id, now)
    reason = args.get("reason")

    def text() -> str:
        said = (
            _(
                "A member reported their supporter in conversation #{id}; that supporter is "
                "paused until you look (/supporters shows who, /supporters approve restores)."
            )
            if reported_supporter
            else _("A supporter reported the member in conversation #{id} and ended it.")
        ).format(id=current.id)
        if not reason:
            return said
        because = _("Reason: {reason}").format(reason=reason)
        return f"{said}\n{because}"

    replies += await tell_leads(svc, current.community_id, text, f"talk:{current.id}:report")
    return [private(_("Thank you: the leads are told, without your name.")), *replies]


async def rate(svc: Services, request: Request, args: dict[str, Any]) -> list[Reply]:
    scope = await svc.people.scope(request)
    try:
        await svc.support.rate(args["id"], scope.member.id, args["stars"], None)
    except ValueError as error:
        raise ArgumentError(str(error)) from None
    return [private(_("Thank you. Your supporter won't see your rating."))]


async def helped(svc: Services, request: Request, args: dict[str, Any]) -> list[Reply]:
    scope = await svc.people.scope(request)
    try:
        await svc.support.rate(args["id"], scope.member.id, None, args["answer"] == "yes")
    except ValueError as error:
        raise ArgumentError(str(error)) from None
    return [private(_("Thank you for telling us."))]


async def follow_up(svc: Services, request: Request, args: dict[str, Any]) -> list[Reply]:
    scope = await svc.people.scope(request)
    try:
        found = await svc.support.follow_up(args["id"], scope.member.id)
    except ValueError as error:
        raise ArgumentError(str(error)) from None
    replies = await tell_leads(
        svc,
        found.community_id,
        lambda: _(
            "A supporter asks a lead to follow up after conversation #{id} (the member is not "
            "named). Reach out to the supporter: they may want to talk it over."
        ).format(id=found.id),
        f"talk:{found.id}:followup",
    )
    return [private(_("A lead is asked to follow up. Thank you.")), *replies]


async def relay_text(
    svc: Services, request: Request, screened: Screened | None = None, *, crisis: bool = False
) -> list[Reply] | None:
    """Words typed in a direct chat during an open conversation, passed to the other side
    under the writer's alias; None when there is no conversation. A message the crisis screen
    flagged from the member reaches the supporter with a guidance card (the member has the
    crisis reply)."""
    if not request.place.is_direct:
        return None
    member = await svc.people.member(request.actor)
    relay = await svc.support.relay(member.id, svc.clock.now())
    if relay is None:
        return None
    text = request.text.strip()
    if len(text) > MAX_MESSAGE:
        return [
            private(
                _("That is too long to pass on at once: at most {n} characters.").format(
                    n=MAX_MESSAGE
                )
            )
        ]
    to = await svc.people.member_by_id(relay.to_member)
    if to is None:
        return None
    alias = relay.alias
    if relay.from_member and relay.talk.name_shared:
        alias = f"{alias} ({member.name})"
    said = f"{alias}: {text}"
    buttons: tuple[tuple[Button, ...], ...] = ()
    if crisis and relay.from_member:
        with use(await svc.people.member_language(to, relay.talk.community_id)):
            card = _(
                "Haven's crisis screen flagged this message. Stay with them: listen, ask "
                "calmly and directly how they are and whether they are safe, and share /sos "
                "(helplines they can reach now). Never discuss methods. If you think they may "
                "be in danger, press Alert a lead."
            )
            alert = Button(_("Alert a lead"), action=pack_action("talk", "alert", relay.talk.id))
        said = f"{said}\n\n{card}"
        buttons = ((alert,),)
    return [
        private(
            said,
            to=actor_of(to),
            buttons=buttons,
            priority=Priority.CRISIS if crisis else Priority.NORMAL,
        )
    ]


async def relay_after_crisis(svc: Services, request: Request) -> list[Reply]:
    """After the crisis reply to a message in a conversation (the dispatcher runs this in the
    background): the message still reaches the other side, with the guidance card."""
    return await relay_text(svc, request, crisis=True) or []


async def support_jobs(svc: Services, now: datetime) -> list[Reply]:
    """Every minute: requests nobody accepted in time, conversations gone quiet, urgent
    alerts nobody acknowledged. Reads nothing while nothing is live."""
    if not await svc.support.live():
        return []
    replies: list[Reply] = []
    for found in await svc.support.unanswered(now):
        replies += await _unanswered_after(svc, found, now)
    for found in await svc.support.quiet(now):
        for side in (found.member_id, found.supporter_id):
            person = await svc.people.member_by_id(side) if side else None
            if person is None:
                continue
            with use(await svc.people.member_language(person, found.community_id)):
                said = _(
                    "It has been quiet for a while. Is this a good place to stop? /end ends the "
                    "conversation; writing here carries it on."
                )
            replies.append(
                private(
                    said,
                    to=actor_of(person),
                    idempotency_key=f"talk:{found.id}:quiet:{now:%Y%m%dT%H%M}:{person.id}",
                )
            )
    for alert in await svc.support.escalations(now):
        await _alert_leads(svc, alert)
    return replies


async def _unanswered_after(svc: Services, found: TalkRow, now: datetime) -> list[Reply]:
    """`_unanswered` for a request the job already ended."""
    member = await svc.people.member_by_id(found.member_id) if found.member_id else None
    replies: list[Reply] = []
    if member is not None:
        with use(await svc.people.member_language(member, found.community_id)):
            said = _(NOBODY)
        replies.append(private(said, to=actor_of(member), idempotency_key=f"talk:{found.id}:none"))
    for other in await svc.support.offered(found.id):
        person = await svc.people.member_by_id(other)
        if person is None:
            continue
        with use(await svc.people.member_language(person, found.community_id)):
            said = _("That request has ended: nobody could take it in time.")
        replies.append(
            private(said, to=actor_of(person), idempotency_key=f"talk:{found.id}:gone:{other}")
        )
    await _urgent(svc, found.community_id, None, "unanswered", found.id, now)
    return replies


LEARN = Command(
    "learn",
    N_("The supporter course: short modules and quizzes"),
    learn,
    options=(MODULE, STEP),
    text_verbs=(
        Command(
            "answer",
            N_("Answer a quiz question"),
            answer,
            options=(MODULE, QUESTION, CHOICE),
        ),
    ),
    examples=("/learn", "/learn listening"),
    actions=("learn listening 2", "learn answer listening 1 2"),
)
SUPPORTER = Command(
    "supporter",
    N_("Your supporter status; on or off, hours, how many at once"),
    subcommands=(
        Command("status", N_("Where you stand as a supporter"), supporter_status),
        Command("on", N_("Take requests to talk"), supporter_on),
        Command("off", N_("Take no requests for now"), supporter_off),
        Command(
            "hours", N_("When you take requests, in your zone"), supporter_hours, options=(HOURS,)
        ),
        Command("max", N_("How many conversations at once"), supporter_max, options=(MOST,)),
    ),
    default="status",
    examples=("/supporter on", "/supporter hours 18:00-22:00 mon-fri", "/supporter max 2"),
)
SUPPORTERS = Command(
    "supporters",
    N_("The group's supporters and who waits for approval (leads)"),
    subcommands=(
        Command("list", N_("Supporters, waiting ones and figures"), roster, lead_only=True),
        Command(
            "approve",
            N_("Approve a member as a supporter"),
            approve,
            options=(MEMBER,),
            lead_only=True,
        ),
        Command(
            "remove",
            N_("A member is no longer a supporter"),
            remove,
            options=(MEMBER,),
            lead_only=True,
        ),
    ),
    default="list",
    lead_only=True,
    examples=("/supporters", "/supporters approve kim"),
)
TALK = Command(
    "talk",
    N_("Ask privately for a trained member to talk with"),
    talk,
    options=(TOPIC,),
    after_crisis=True,
    text_verbs=(
        Command("accept", N_("Accept a request to talk"), accept, options=(TALK_ID,)),
        Command("name", N_("Share your name with your supporter"), share_name, options=(TALK_ID,)),
        Command("alert", N_("Alert a lead about a conversation"), alert_lead, options=(TALK_ID,)),
        Command("ack", N_("Say you're on an urgent alert"), ack, options=(TALK_ID,)),
        Command(
            "rate",
            N_("Rate a conversation, 1 to 5"),
            rate,
            options=(TALK_ID, Option("stars", Kind.INT, N_("1 to 5"), required=True, min=1, max=5)),
        ),
        Command(
            "helped",
            N_("Say whether it helped"),
            helped,
            options=(
                TALK_ID,
                Option("answer", Kind.WORD, N_("yes or no"), required=True, choices=("yes", "no")),
            ),
        ),
        Command("followup", N_("Ask a lead to follow up"), follow_up, options=(TALK_ID,)),
    ),
    examples=("/talk", "/talk exams and sleep"),
    actions=(
        "talk accept 1",
        "talk alert 1",
        "talk ack 1",
        "talk rate 1 5",
        "talk helped 1 yes",
        "talk followup 1",
        "talk name 1",
    ),
)
END = Command("end", N_("End your conversation (or withdraw a request)"), end)
COMMANDS = [LEARN, SUPPORTER, SUPPORTERS, TALK, END]  # /report: commands/reports.py
JOBS = [Job("support", CronTrigger(minute="*", timezone="UTC"), support_jobs)]
