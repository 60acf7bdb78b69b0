"""/consent, /privacy, /mydata and /forgetme: a member's control over their own data.

Every answer is private, typed in a group or not, and every command acts only on the member
who typed it: there is no argument naming anyone else.
"""

from __future__ import annotations

import logging
import tomllib
from datetime import date, datetime
from functools import cache
from typing import Any

from apscheduler.triggers.cron import CronTrigger

from bot import DATA_DIR, i18n
from bot.core.messages import Attachment, Button, Reply, Request, private
from bot.core.options import ArgumentError, Kind, Option
from bot.core.registry import Command, pack_action
from bot.i18n import N_, NC_, _, ngettext, pgettext, words_for
from bot.scheduler.jobs import Job
from bot.services.container import Services
from bot.services.people import Scope
from commands.common import mood_buttons
from commands.shares import removed_posts

log = logging.getLogger(__name__)
GIVE, REFUSE = pack_action("consent", "yes"), pack_action("consent", "no")
ANSWERS = (NC_("answer", "yes"), NC_("answer", "no"))  # "sí", "ja", "oui", "sim" are yes too
ERASE, CONFIRM = pack_action("forgetme"), pack_action("forgetme", "confirm")


@cache
def _english() -> dict[str, str]:
    with (DATA_DIR / "texts" / "privacy.toml").open("rb") as handle:
        return tomllib.load(handle)


def text(svc: Services, key: str) -> str:
    """A consent text (data/texts/privacy.toml) in the language of the request
    (data/locale/<language>.toml [privacy])."""
    return svc.catalog.privacy_text(_english(), key)


def terms(svc: Services, min_group: int | None = None) -> str:
    """The consent terms, with the threshold of the member's group where it is known."""
    p = svc.settings.privacy
    return text(svc, "terms").format(
        note_days=p.note_days, checkin_days=p.checkin_days, min_group=min_group or p.min_group
    )


def consent_buttons() -> tuple[tuple[Button, ...], ...]:
    return ((Button(_("I agree"), action=GIVE), Button(_("No thanks"), action=REFUSE)),)


def ask_consent(svc: Services, min_group: int | None = None) -> Reply:
    return private(terms(svc, min_group), buttons=consent_buttons())


def _day(stamp: str) -> str:
    """The day of a stored timestamp (ISO, UTC), the member's language's way."""
    return i18n.day(date.fromisoformat(stamp[:10]), "yMMMd")


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
        said = _("I could not do /{command} now; please send it again.")
        return [private(said.format(command=held.command))]


async def consent(svc: Services, request: Request, args: dict[str, Any]) -> list[Reply]:
    scope = await svc.people.scope(request)
    answer = args.get("answer")
    if answer is None:
        given = await svc.privacy.consent_given(scope.member.id)
        state = (
            _("You agreed on {date}.").format(date=_day(given))
            if given
            else _("You have not agreed yet.")
        )
        return [
            private(
                f"{terms(svc, svc.people.min_group(scope.community))}\n{state}",
                buttons=consent_buttons(),
            )
        ]
    if answer == "yes":
        await svc.privacy.consent(scope.member.id)
        held = svc.privacy.take_pending(scope.member.id)
        if held is not None:
            return [private(text(svc, "given")), *await _do_held(svc, held)]
        feeling = _("How are you feeling right now?")
        return [private(f"{text(svc, 'given')}\n{feeling}", buttons=mood_buttons())]
    had = await svc.privacy.has_consent(scope.member.id)
    await svc.privacy.withdraw(scope.member.id)
    if had:
        erase = Button(_("Erase my data"), action=ERASE)
        return [private(text(svc, "withdrawn"), buttons=((erase,),))]
    return [private(text(svc, "not_given"))]


async def privacy(svc: Services, request: Request, args: dict[str, Any]) -> list[Reply]:
    scope = await svc.people.scope(request)
    counts = await svc.privacy.stored(scope.member.id)
    given = await svc.privacy.consent_given(scope.member.id)
    m = scope.member
    p = svc.settings.privacy
    least = svc.people.min_group(scope.community)
    not_set = pgettext("setting", "not set")
    lines = [
        _("What Haven stores about you (only you can see this):"),
        _("• who you are here: your {platform} id and display name").format(platform=m.platform),
        _("• settings: time zone {zone}, country {country}, celebrations {celebrations}").format(
            zone=m.timezone or not_set,
            country=m.country or not_set,
            celebrations=pgettext("celebrations", "public")
            if m.celebrate_public
            else pgettext("celebrations", "private"),
        ),
        _("• consent: given on {date}").format(date=_day(given))
        if given
        else _("• consent: not given"),
        _("• check-ins: {checkins} (with a note: {notes})").format(
            checkins=counts["checkins"], notes=counts["notes"]
        ),
        _("• personal milestones: {milestones}; celebrations sent: {celebrations}").format(
            milestones=counts["milestones"], celebrations=counts["celebrations"]
        ),
        _("• groups you were seen in: {groups}; reminders: {reminders}").format(
            groups=counts["community_members"], reminders=counts["schedules"]
        ),
        _("• messages queued or sent to you recently: {count}").format(count=counts["outbox"]),
        ngettext(
            "Notes are deleted after {note_days} day, check-ins after {checkin_days}. "
            "/mydata for a copy, /forgetme to erase.",
            "Notes are deleted after {note_days} days, check-ins after {checkin_days}. "
            "/mydata for a copy, /forgetme to erase.",
            p.note_days,
        ).format(note_days=p.note_days, checkin_days=p.checkin_days),
        (
            ngettext(
                "Group leads see only anonymous figures, each standing for at least {n} member "
                "of this group.",
                "Group leads see only anonymous figures, each standing for at least {n} members "
                "of this group.",
                least,
            )
            if scope.community is not None
            else ngettext(
                "Group leads see only anonymous figures, each standing for at least {n} member.",
                "Group leads see only anonymous figures, each standing for at least {n} members.",
                least,
            )
        ).format(n=least),
    ]
    return [private("\n".join(lines))]


async def mydata(svc: Services, request: Request, args: dict[str, Any]) -> list[Reply]:
    scope = await svc.people.scope(request)
    data = await svc.privacy.export(scope.member.id)
    file = Attachment("haven-my-data.json", data, "application/json")
    said = _("Here is everything Haven stores about you, as a JSON file.")
    return [private(said, attachment=file)]


async def forgetme(svc: Services, request: Request, args: dict[str, Any]) -> list[Reply]:
    scope = await svc.people.scope(request)
    if args.get("confirm") != "confirm":
        return [
            private(
                _(
                    "This erases everything Haven stores about you: check-ins, notes, "
                    "milestones, reminders, settings and consent, in every group. It cannot "
                    "be undone. Are you sure?"
                ),
                buttons=((Button(_("Yes, erase everything"), action=CONFIRM),),),
            )
        ]
    posted = await svc.shares.posted_by(scope.member.id)  # their words leave the group too
    removed = await svc.privacy.erase(scope.member.id)
    said = ngettext(
        "Done: everything about you is erased ({n} record). "
        "If you use Haven again, it starts from nothing.",
        "Done: everything about you is erased ({n} records). "
        "If you use Haven again, it starts from nothing.",
        removed,
    )
    return [private(said.format(n=removed)), *await removed_posts(svc, posted)]


COMMANDS = [
    Command(
        "consent",
        N_("What Haven keeps and why; agree or withdraw"),
        consent,
        options=(
            Option(
                "answer",
                Kind.WORD,
                N_("yes or no"),
                choices=ANSWERS,
                aliases=words_for("answer", ANSWERS),
            ),
        ),
        examples=("/consent", "/consent yes", "/consent no"),
        actions=(GIVE, REFUSE),
    ),
    Command("privacy", N_("What Haven stores about you (private)"), privacy),
    Command("mydata", N_("A copy of your data as a file (private)"), mydata),
    Command(
        "forgetme",
        N_("Erase everything Haven stores about you"),
        forgetme,
        options=(Option("confirm", Kind.WORD, N_("confirm"), choices=("confirm",)),),
        actions=(ERASE, CONFIRM),
    ),
]


async def purge_old(svc: Services, now: datetime) -> list[Reply]:
    """Daily retention: notes after `privacy.note_days`, check-ins after `checkin_days`."""
    notes, checkins, outbox, updates, posts = await svc.privacy.purge(now)
    if notes or checkins or outbox or updates or posts:
        log.info(
            "retention: %d notes, %d check-ins, %d sent messages, %d platform update ids, "
            "%d kept posts removed",
            notes,
            checkins,
            outbox,
            updates,
            posts,
        )
    return []


JOBS = [Job("retention", CronTrigger(hour=3, minute=30, timezone="UTC"), purge_old)]
