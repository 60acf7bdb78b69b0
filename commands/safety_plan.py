"""/safetyplan: a member's own safety plan, written one private step at a time.

The walk-through asks one step, waits for the member's words (plain text in the direct chat,
or `/safetyplan set <step> <words>` anywhere, which is how Discord members answer), saves them
and asks the next; every question has Skip and Stop buttons. Every answer passes the crisis
screen first: a crisis gets the crisis reply (with the plan so far) and is not saved.

The plan is the member's own data: shown by /safetyplan, first in /sos and in every crisis
reply, exported by /mydata and erased by /forgetme or /safetyplan delete. Creating it is the
member's choice to keep it, so it does not wait for the check-in consent.
"""

from __future__ import annotations

from typing import Any

from bot.core.messages import Button, Reply, Request, private
from bot.core.options import ArgumentError, Kind, Option
from bot.core.registry import Command, pack_action
from bot.domain.safety_plan import MAX_ITEM, MAX_ITEMS, STEPS, PlanError, parse_items, step_of
from bot.i18n import N_, _, language
from bot.services.container import Services

SKIP, STOP = pack_action("safetyplan", "skip"), pack_action("safetyplan", "stop")
START, DELETE = pack_action("safetyplan", "start"), pack_action("safetyplan", "delete")
CONFIRM = pack_action("safetyplan", "delete", "confirm")
WALK, EDIT = "walk:", "edit:"  # how the open question was asked: the whole plan, or one step


def _lang() -> str:
    """The safety texts' file for the request's language (data/texts/safety/<code>.toml: one
    per language, "pt" for Brazilian Portuguese), English for a text a file lacks."""
    return language().split("_")[0]


def _text(svc: Services, key: str) -> str:
    return svc.safety.text(_lang(), key)


def _ask(svc: Services, step: str, *, first: bool = False) -> Reply:
    lines = [_text(svc, "plan_intro")] if first else []
    lines += [_text(svc, f"plan_ask_{step}"), _text(svc, "plan_how").format(step=step)]
    buttons = (
        (Button(_text(svc, "button_skip"), action=SKIP),),
        (Button(_text(svc, "button_stop"), action=STOP),),
    )
    return private("\n\n".join(lines), buttons=buttons)


async def show(svc: Services, request: Request, args: dict[str, Any]) -> list[Reply]:
    scope = await svc.people.scope(request)
    plan = await svc.safety_plans.plan(scope.member.id)
    if plan.empty:
        return [
            private(
                f"{_text(svc, 'plan_none')}\n\n{_text(svc, 'plan_intro')}",
                buttons=((Button(_text(svc, "button_start"), action=START),),),
            )
        ]
    body = svc.safety.plan_text(_lang(), plan, excerpt=False)
    return [
        private(
            f"{body}\n\n{_text(svc, 'plan_done')}",
            buttons=((Button(_text(svc, "button_edit"), action=START),),),
        )
    ]


async def start(svc: Services, request: Request, args: dict[str, Any]) -> list[Reply]:
    scope = await svc.people.scope(request)
    await svc.safety_plans.ask(scope.member.id, WALK + STEPS[0], svc.clock.now())
    return [_ask(svc, STEPS[0], first=True)]


async def edit(svc: Services, request: Request, args: dict[str, Any]) -> list[Reply]:
    scope = await svc.people.scope(request)
    step = args["step"]
    await svc.safety_plans.ask(scope.member.id, EDIT + step, svc.clock.now())
    return [_ask(svc, step)]


async def set_step(svc: Services, request: Request, args: dict[str, Any]) -> list[Reply]:
    """`/safetyplan set <step> <words>`: one step written directly (any platform)."""
    scope = await svc.people.scope(request)
    return await _save(svc, scope.member.id, args["step"], args["words"], walk=False)


async def skip(svc: Services, request: Request, args: dict[str, Any]) -> list[Reply]:
    scope = await svc.people.scope(request)
    now = svc.clock.now()
    asked = await svc.safety_plans.awaiting(scope.member.id, now)
    if asked is None:
        return [private(_text(svc, "plan_stopped"))]
    mode, step = asked.split(":", 1)
    following = await svc.safety_plans.skip(scope.member.id, step, now)
    if mode + ":" == EDIT or following is None:
        await svc.safety_plans.ask(scope.member.id, None, now)
        return await show(svc, request, {})
    await svc.safety_plans.ask(scope.member.id, WALK + following, now)
    return [_ask(svc, following)]


async def stop(svc: Services, request: Request, args: dict[str, Any]) -> list[Reply]:
    scope = await svc.people.scope(request)
    await svc.safety_plans.ask(scope.member.id, None, svc.clock.now())
    return [private(_text(svc, "plan_stopped"))]


async def delete(svc: Services, request: Request, args: dict[str, Any]) -> list[Reply]:
    scope = await svc.people.scope(request)
    if args.get("confirm") != "confirm":
        return [
            private(
                _("This erases your safety plan. It cannot be undone. Are you sure?"),
                buttons=((Button(_("Yes, erase my safety plan"), action=CONFIRM),),),
            )
        ]
    if await svc.safety_plans.delete(scope.member.id):
        return [private(_text(svc, "plan_deleted"))]
    return [private(_text(svc, "plan_nothing_to_delete"))]


async def answer(svc: Services, request: Request) -> list[Reply] | None:
    """Plain text in the direct chat: the answer to the open question, if one is open."""
    scope = await svc.people.scope(request)
    asked = await svc.safety_plans.awaiting(scope.member.id, svc.clock.now())
    if asked is None:
        return None
    mode, step = asked.split(":", 1)
    try:
        return await _save(svc, scope.member.id, step, request.text, walk=mode + ":" == WALK)
    except ArgumentError as error:  # plain text has no usage line of its own: give the command's
        command = svc.registry.get(SAFETY_PLAN.name)
        verb = command.verb("set") if command else None
        usage = verb.usage if verb else "/safetyplan set <step> <words>"
        said = f"{str(error)[:1].upper()}{str(error)[1:]}."
        return [private(said + "\n" + _("Usage: {usage}").format(usage=usage))]


async def _save(svc: Services, member_id: int, step: str, words: str, *, walk: bool) -> list[Reply]:
    try:
        items = parse_items(words)
    except PlanError as error:
        raise ArgumentError(str(error)) from None
    now = svc.clock.now()
    plan, following = await svc.safety_plans.answer(member_id, step, items, now, walk=walk)
    if following is not None:
        await svc.safety_plans.ask(member_id, WALK + following, now)
        return [private(_text(svc, "plan_saved")), _ask(svc, following)]
    body = svc.safety.plan_text(_lang(), plan, excerpt=False)
    return [private(f"{_text(svc, 'plan_saved')}\n\n{body}\n\n{_text(svc, 'plan_done')}")]


STEP = Option(
    "step",
    Kind.WORD,
    # The step names are what members type: not translated (keep them as STEPS has them).
    N_(
        "Which step (or its number 1-7): signs, coping, distractions, people, professionals, "
        "safer, reasons"
    ),
    required=True,
    check=step_of,
)
assert STEP.description.endswith(", ".join(STEPS)), "the step names in STEP's description"
WORDS = Option(
    "words",
    Kind.TEXT,
    N_("Your words; several separated by ';'"),
    required=True,
    max_length=MAX_ITEMS * (MAX_ITEM + 2),
)
SAFETY_PLAN = Command(
    "safetyplan",
    N_("Your own safety plan: what helps when things get hard (private)"),
    subcommands=(
        Command("show", N_("Show your safety plan"), show),
        Command("start", N_("Write your plan, one step at a time"), start),
        Command("edit", N_("Change one step of your plan"), edit, options=(STEP,)),
        Command(
            "set",
            N_("Write one step directly"),
            set_step,
            options=(STEP, WORDS),
            private_input=True,
        ),
        Command("skip", N_("Skip the step you are asked"), skip),
        Command("stop", N_("Stop for now; what you wrote is kept"), stop),
        Command(
            "delete",
            N_("Erase your safety plan"),
            delete,
            options=(Option("confirm", Kind.WORD, N_("confirm"), choices=("confirm",)),),
        ),
    ),
    default="show",
    examples=("/safetyplan", "/safetyplan start", "/safetyplan set coping a walk; music"),
    actions=(SKIP, STOP, START, DELETE, CONFIRM),
)
COMMANDS = [SAFETY_PLAN]
