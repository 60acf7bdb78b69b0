"""`/report [reason]`: a member reports a message to the group's leads: on Telegram by
replying to it; on Discord with the message command "Report to leads", which first asks what
happened in a box; in the console with `:reply N /report`. With no message, it reports the
other side of the member's supporter conversation (commands/peer.py).

The leads get the message's words, its writer, a link and the reason, never who reported it;
a second member's report of the same message is merged into the first ("reported by 2
members"); a lead marks it handled. Typed in a Telegram group, the /report line is removed
where Haven may delete messages, so the group does not see who reported."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bot.core.messages import Button, Quoted, Reply, Request, private
from bot.core.options import ArgumentError, Kind, Option
from bot.core.registry import Command, pack_action
from bot.i18n import N_, _, ngettext
from bot.services.container import Services
from commands import peer
from commands.peer import group_name, reachable_leads, tell_leads

REASON = Option("reason", Kind.TEXT, N_("What happened (optional)"), max_length=300)
REPORT_ID = Option("id", Kind.INT, N_("The report's number"), required=True, min=1)
EXCERPT = 300  # characters of the reported message the leads see


def _excerpt(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= EXCERPT else text[: EXCERPT - 1] + "…"


async def report(svc: Services, request: Request, args: dict[str, Any]) -> list[Reply]:
    if request.quoted is None or request.place.is_direct:
        scope = await svc.people.scope(request)
        if await svc.support.current(scope.member.id):  # a conversation: its other side
            return await peer.report(svc, request, args)
        raise ArgumentError(
            _(
                "reply to the message you'd like to report with /report (on Discord: the "
                "message's menu, Apps, Report to leads)"
            )
        )
    return await _message(svc, request, request.quoted, (args.get("reason") or "").strip())


async def _message(svc: Services, request: Request, quoted: Quoted, reason: str) -> list[Reply]:
    scope = await svc.people.scope(request)
    if scope.community is None or not scope.in_group:
        raise ArgumentError(_("report a message in the group it was written in"))
    if quoted.author is not None and quoted.author == request.actor:
        raise ArgumentError(_("that is your own message; you can delete it yourself"))
    community = scope.community
    leads = await reachable_leads(svc, community.id)
    if not leads:
        raise ArgumentError(
            _("this group has no lead Haven can reach yet; ask a lead to set /community oncall")
        )
    try:
        report_id, members = await svc.reports.report(
            community.id, quoted.ref, quoted.link, scope.member.id, reason or None, svc.clock.now()
        )
    except ValueError as error:
        raise ArgumentError(str(error)) from None
    flagged = bool(quoted.text.strip()) and svc.safety.verdict(quoted.text).full
    writer = quoted.author.name if quoted.author is not None else ""

    def text() -> str:
        if members == 1:
            head = _("Report #{id} in {group}: a message by {writer} was reported.")
        else:
            head = ngettext(
                "Report #{id} in {group}: reported again, by {n} member now.",
                "Report #{id} in {group}: reported again, by {n} members now.",
                members,
            )
        lines = [head.format(id=report_id, group=group_name(community), writer=writer, n=members)]
        if members == 1 and quoted.text.strip():
            lines.append(_("The message: {text}").format(text=_excerpt(quoted.text)))
        if reason:
            lines.append(_("Reason: {reason}").format(reason=reason))
        if flagged:
            lines.append(
                _(
                    "Haven's crisis screen flags this message: its writer may need support now. "
                    "Reach out to them kindly and share /sos, which lists helplines."
                )
            )
        lines.append(_("You don't learn who reported it."))
        return "\n".join(lines)

    buttons = _buttons(report_id, quoted.link)
    replies = await tell_leads(svc, community.id, text, f"report:{report_id}:{members}", buttons)
    return [
        private(
            _("Thank you. The leads of {group} have your report, without your name.").format(
                group=group_name(community)
            )
        ),
        *replies,
    ]


def _buttons(report_id: int, link: str | None) -> Callable[[], tuple[tuple[Button, ...], ...]]:
    def made() -> tuple[tuple[Button, ...], ...]:
        row = [Button(_("Mark handled"), action=pack_action("report", "handled", report_id))]
        if link:
            row.append(Button(_("Open the message"), url=link))
        return (tuple(row),)

    return made


async def handled(svc: Services, request: Request, args: dict[str, Any]) -> list[Reply]:
    scope = await svc.people.scope(request)
    found = await svc.reports.get(args["id"])
    leads = await reachable_leads(svc, found.community_id) if found else []
    if found is None or not (
        scope.member.id in {lead.id for lead in leads}
        or (request.is_lead and scope.community and scope.community.id == found.community_id)
    ):
        raise ArgumentError(_("only a lead of the report's group can mark it handled"))
    if not await svc.reports.handle(found.id, scope.member.id, svc.clock.now()):
        return [private(_("Report #{id} was already marked handled.").format(id=found.id))]
    return [private(_("Report #{id} is marked handled. Thank you.").format(id=found.id))]


REPORT = Command(
    "report",
    N_("Report a message to the leads (reply to it), or your supporter conversation"),
    report,
    options=(REASON,),
    text_verbs=(
        Command("handled", N_("Mark a report handled (leads)"), handled, options=(REPORT_ID,)),
    ),
    anonymous=True,
    private_input=True,  # typed in a group, the line goes where Haven may delete it
    on_message=N_("Report to leads"),
    examples=("/report this is spam", "/report handled 2"),
    actions=("report handled 1",),
)
COMMANDS = [REPORT]
