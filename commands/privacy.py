"""/consent, /privacy, /mydata and /forgetme: a member's control over their own data.

Every answer is private, typed in a group or not, and every command acts only on the member
who typed it: there is no argument naming anyone else.
"""

from __future__ import annotations

import logging
import tomllib
from datetime import datetime
from functools import cache
from typing import Any

from apscheduler.triggers.cron import CronTrigger

from bot import DATA_DIR
from bot.core.messages import Attachment, Button, Reply, Request, private
from bot.core.options import ArgumentError, Kind, Option
from bot.core.registry import Command, pack_action
from bot.i18n import NC_, words_for
from bot.scheduler.jobs import Job
from bot.services.container import Services
from bot.services.people import Scope
from commands.common import mood_buttons

log = logging.getLogger(__name__)
GIVE, REFUSE = pack_action("consent", "yes"), pack_action("consent", "no")
ANSWERS = (NC_("answer", "yes"), NC_("answer", "no"))  # "sí", "ja", "oui", "sim" are yes too
ERASE, CONFIRM = pack_action("forgetme"), pack_action("forgetme", "confirm")


@cache
def texts() -> dict[str, str]:
    with (DATA_DIR / "texts" / "privacy.toml").open("rb") as handle:
        return tomllib.load(handle)


def terms(svc: Services, min_group: int | None = None) -> str:
    """The consent terms, with the threshold of the member's group where it is known."""
    p = svc.settings.privacy
    return texts()["terms"].format(
        note_days=p.note_days, checkin_days=p.checkin_days, min_group=min_group or p.min_group
    )


def ask_consent(svc: Services, min_group: int | None = None) -> Reply:
    return private(
        terms(svc, min_group),
        buttons=((Button("I agree", action=GIVE), Button("No thanks", action=REFUSE)),),
    )


async def consent_needed(svc: Services, scope: Scope, request: Request) -> list[Reply] | None:
    """The consent question if the member has not agreed yet (the request is held in memory
    and done the moment they agree); None when storing is fine."""
    if await svc.privacy.has_consent(scope.member.id):
        return None
    svc.privacy.hold(scope.member.id, request)
    return [ask_consent(svc, svc.people.min_group(scope.community))]


async def _do_held(svc: Services, held: Request) -> list[Reply]:
    """What the member asked for before agreeing, done now (it passed the crisis screen when
    it was sent). A request that no longer parses is dropped with a line, never half done."""
    command = svc.registry.get(held.command)
    if command is None:
        return []
    try:
        resolved = svc.registry.resolve(command, held.text)
        assert resolved.command.handler is not None
        return await resolved.command.handler(svc, held, resolved.args)
    except ArgumentError:
        return [private(f"I could not do /{held.command} now; please send it again.")]


async def consent(svc: Services, request: Request, args: dict[str, Any]) -> list[Reply]:
    scope = await svc.people.scope(request)
    answer = args.get("answer")
    if answer is None:
        given = await svc.privacy.consent_given(scope.member.id)
        state = f"You agreed on {given[:10]}." if given else "You have not agreed yet."
        return [
            private(
                f"{terms(svc, svc.people.min_group(scope.community))}\n{state}",
                buttons=((Button("I agree", action=GIVE), Button("No thanks", action=REFUSE)),),
            )
        ]
    if answer == "yes":
        await svc.privacy.consent(scope.member.id)
        held = svc.privacy.take_pending(scope.member.id)
        if held is not None:
            return [private(texts()["given"]), *await _do_held(svc, held)]
        return [
            private(f"{texts()['given']}\nHow are you feeling right now?", buttons=mood_buttons())
        ]
    had = await svc.privacy.has_consent(scope.member.id)
    await svc.privacy.withdraw(scope.member.id)
    if had:
        return [private(texts()["withdrawn"], buttons=((Button("Erase my data", action=ERASE),),))]
    return [private(texts()["not_given"])]


async def privacy(svc: Services, request: Request, args: dict[str, Any]) -> list[Reply]:
    scope = await svc.people.scope(request)
    counts = await svc.privacy.stored(scope.member.id)
    given = await svc.privacy.consent_given(scope.member.id)
    m = scope.member
    lines = [
        "What Haven stores about you (only you can see this):",
        f"• who you are here: your {m.platform} id and display name",
        f"• settings: time zone {m.timezone or 'not set'}, country {m.country or 'not set'}, "
        f"celebrations {'public' if m.celebrate_public else 'private'}",
        f"• consent: {'given on ' + given[:10] if given else 'not given'}",
        f"• check-ins: {counts['checkins']} (with a note: {counts['notes']})",
        f"• personal milestones: {counts['milestones']}; celebrations sent: "
        f"{counts['celebrations']}",
        f"• groups you were seen in: {counts['community_members']}; reminders: "
        f"{counts['schedules']}",
        f"• messages queued or sent to you recently: {counts['outbox']}",
        f"Notes are deleted after {svc.settings.privacy.note_days} days, check-ins after "
        f"{svc.settings.privacy.checkin_days}. /mydata for a copy, /forgetme to erase.",
        f"Group leads see only anonymous figures, each standing for at least "
        f"{svc.people.min_group(scope.community)} members"
        + (" of this group." if scope.community is not None else "."),
    ]
    return [private("\n".join(lines))]


async def mydata(svc: Services, request: Request, args: dict[str, Any]) -> list[Reply]:
    scope = await svc.people.scope(request)
    data = await svc.privacy.export(scope.member.id)
    file = Attachment("haven-my-data.json", data, "application/json")
    return [private("Here is everything Haven stores about you, as a JSON file.", attachment=file)]


async def forgetme(svc: Services, request: Request, args: dict[str, Any]) -> list[Reply]:
    scope = await svc.people.scope(request)
    if args.get("confirm") != "confirm":
        return [
            private(
                "This erases everything Haven stores about you: check-ins, notes, "
                "milestones, reminders, settings and consent, in every group. It cannot "
                "be undone. Are you sure?",
                buttons=((Button("Yes, erase everything", action=CONFIRM),),),
            )
        ]
    removed = await svc.privacy.erase(scope.member.id)
    return [
        private(
            f"Done: everything about you is erased ({removed} records). "
            "If you use Haven again, it starts from nothing."
        )
    ]


COMMANDS = [
    Command(
        "consent",
        "What Haven keeps and why; agree or withdraw",
        consent,
        options=(
            Option(
                "answer",
                Kind.WORD,
                "yes or no",
                choices=ANSWERS,
                aliases=words_for("answer", ANSWERS),
            ),
        ),
        examples=("/consent", "/consent yes", "/consent no"),
        actions=(GIVE, REFUSE),
    ),
    Command("privacy", "What Haven stores about you (private)", privacy),
    Command("mydata", "A copy of your data as a file (private)", mydata),
    Command(
        "forgetme",
        "Erase everything Haven stores about you",
        forgetme,
        options=(Option("confirm", Kind.WORD, "confirm", choices=("confirm",)),),
        actions=(ERASE, CONFIRM),
    ),
]


async def purge_old(svc: Services, now: datetime) -> list[Reply]:
    """Daily retention: notes after `privacy.note_days`, check-ins after `checkin_days`."""
    notes, checkins, outbox, updates = await svc.privacy.purge(now)
    if notes or checkins or outbox or updates:
        log.info(
            "retention: %d notes, %d check-ins, %d sent messages, %d platform update ids removed",
            notes,
            checkins,
            outbox,
            updates,
        )
    return []


JOBS = [Job("retention", CronTrigger(hour=3, minute=30, timezone="UTC"), purge_old)]
