"""/sos, the crisis screen's answers, and plain text to the bot.

/sos and the crisis reply never depend on the database or on a limit: their texts, the
helplines and the screen are in memory, and the member's country and safety plan are asked
for with a short timeout (SafetyService.context).
"""

from __future__ import annotations

import logging
from typing import Any

from bot.core.dispatcher import Screened
from bot.core.messages import Actor, Button, Priority, Reply, Request, Via, private
from bot.core.options import Kind, Option
from bot.core.registry import Command, pack_action
from bot.domain.crisis import Level
from bot.i18n import N_, _, language, use
from bot.services.container import Services
from commands import feedback, peer, safety_plan

log = logging.getLogger(__name__)
GROUNDING = pack_action("cope", "overwhelmed")
TRUST = pack_action("support", "trust")
TELL_LEAD = pack_action("support", "lead")


def support_buttons(
    svc: Services, lang: str, *, lead_alerts: bool = False
) -> tuple[tuple[Button, ...], ...]:
    """ "Tell a group lead" is offered only where the group turned lead alerts on; pressing it
    is the only way a lead ever hears anything, and they hear only that support was asked. A
    safety plan is not offered here: it is best written when calm, and one that exists is
    already shown at the top."""
    text = svc.safety.text
    rows = [
        (Button(text(lang, "button_grounding"), action=GROUNDING),),
        (Button(text(lang, "button_trust"), action=TRUST),),
    ]
    if lead_alerts:
        rows.append((Button(text(lang, "button_lead"), action=TELL_LEAD),))
    return tuple(rows)


def softer_buttons(svc: Services) -> tuple[tuple[Button, ...], ...]:
    """The gentle options under a low check-in, in the member's language."""
    return support_buttons(svc, svc.safety.texts_for(language()))


async def sos(svc: Services, request: Request, args: dict[str, Any]) -> list[Reply]:
    # A command: the member's language is chosen by now (their setting, their app's, their
    # group's). A crisis text below chooses for itself: the language it was written in.
    lang = svc.safety.texts_for(language())
    context = await svc.safety.context(request)
    return [
        private(
            svc.safety.sos_text(lang, context.country, context.plan),
            priority=Priority.CRISIS,
            buttons=support_buttons(svc, lang, lead_alerts=context.lead_alerts),
        )
    ]


def _learned_applies(svc: Services, request: Request) -> bool:
    """Whether the learned signal alone may answer this request (see Command.learned_screen)."""
    command = svc.registry.get(request.command) if request.command else None
    if command is None:
        return True
    first = request.text.split(maxsplit=1)[0].casefold() if request.text.strip() else ""
    target = command.verb(first) or command.text_verb(first) or command
    return target.learned_screen and command.learned_screen


async def crisis_screen(svc: Services, request: Request) -> Screened:
    """Runs before any command. FULL: only the private crisis reply; nothing is stored and the
    command does not run, so the triggering text is never saved. POINTER: the request goes on
    as usual, with one gentle line after it."""
    verdict = svc.safety.verdict(request.text)
    if verdict.level is Level.NONE:
        return Screened()
    if verdict.rules is Level.NONE and not _learned_applies(svc, request):
        return Screened()
    lang = svc.safety.language(request, verdict)
    if verdict.level is Level.POINTER:
        return Screened(after=[private(svc.safety.pointer(lang))])
    context = await svc.safety.context(request)
    text = svc.safety.crisis_text(lang, context.country, context.plan)
    buttons = support_buttons(svc, lang, lead_alerts=context.lead_alerts)
    replies = [private(text, priority=Priority.CRISIS, buttons=buttons)]
    if request.via is Via.TEXT and request.place.is_direct and context.awaiting:
        replies.append(private(svc.safety.text(lang, "plan_not_saved")))
    return Screened(instead=replies)


async def support(svc: Services, request: Request, args: dict[str, Any]) -> list[Reply]:
    """The crisis reply's gentle options, run only when the member presses them. "Tell a group
    lead" queues an alert in the outbox (once a member in ten minutes); the member hears now
    that it is on its way and later whether it arrived, so nobody is told a lead knows when
    none was reached."""
    texts = svc.safety.texts[svc.safety.texts_for(language())]
    if args["choice"] == "trust":
        return [private(texts["trust"])]
    scope = await svc.people.scope(request)
    community = scope.community
    if community is not None and await svc.support.oncall(community.id):
        return await peer.tell_oncall(svc, community, scope.member, texts)
    if community is None or community.alert_member_id is None:
        return [private(texts["no_lead"])]
    lead = await svc.people.member_by_id(community.alert_member_id)
    if lead is None:
        return [private(texts["no_lead"])]
    group = community.title or _("your group")
    member = Actor(scope.member.platform, scope.member.user_id, scope.member.name)
    # The lead reads the alert in their own language.
    lead_language = await svc.people.member_language(lead, community.id)
    with use(lead_language):
        lead_group = community.title or _("your group")
    lead_texts = svc.safety.texts[svc.safety.texts_for(lead_language)]
    done = await svc.alerts.alert(
        community.id,
        scope.member.id,
        private(
            lead_texts["lead_alert"].format(member=scope.member.name, group=lead_group),
            to=Actor(lead.platform, lead.user_id, lead.name),
        ),
        private(texts["lead_delivered"].format(group=group), to=member),
        private(texts["lead_undelivered"].format(group=group), to=member),
    )
    if not done.queued:
        minutes = max(1, int(done.since.total_seconds() // 60))
        return [private(texts["lead_recently"].format(group=group, minutes=minutes))]
    return [private(texts["lead_queued"].format(group=group))]


async def plain_text(svc: Services, request: Request, screened: Screened) -> list[Reply]:
    """Text that is not a command: an answer to the safety plan's open question in the direct
    chat; else the screen's gentle pointer, when it had one; else a short note of what Haven
    can do."""
    if (answered := await feedback.answer_pending(svc, request)) is not None:
        return answered  # a lead's answer to feedback, after its Reply button
    if (relayed := await peer.relay_text(svc, request)) is not None:
        return relayed  # words in a conversation go to the other side
    if request.place.is_direct and (answered := await safety_plan.answer(svc, request)):
        return answered
    return screened.after or [
        private(svc.safety.text(svc.safety.texts_for(language()), "plain_text"))
    ]


SOS = Command(
    "sos",
    N_("Helplines and the emergency number, right now (private)"),
    sos,
    examples=("/sos",),
    screen=False,
)
SUPPORT = Command(
    "support",
    N_("Gentle options after a hard moment: reach someone you trust, tell a lead"),
    support,
    options=(
        Option("choice", Kind.WORD, N_("trust or lead"), required=True, choices=("trust", "lead")),
    ),
    actions=(TRUST, TELL_LEAD),
)
COMMANDS = [SOS, SUPPORT]
