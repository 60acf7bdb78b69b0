"""/checkin: a member's private mood log (read back by /mood, in commands/mood.py)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from bot.core.messages import Button, Reply, Request, private
from bot.core.options import Kind, Option
from bot.core.registry import Command, pack_action
from bot.domain.moods import (
    FEELINGS,
    MAX_MOOD,
    MAX_NOTE_CHARS,
    MIN_MOOD,
    MOODS,
    feeling_shown,
    feeling_words,
)
from bot.domain.quotes import quoted
from bot.i18n import N_, _, ngettext
from bot.services.checkins import Entry
from bot.services.container import Services
from commands.common import button_rows, celebrate, mood_buttons
from commands.privacy import ask_consent, consent_needed
from commands.safety import softer_buttons

MOOD = Option(
    "mood", Kind.INT, N_("How you feel, 1 (awful) to 5 (great)"), min=MIN_MOOD, max=MAX_MOOD
)
FEELING_WORDS = feeling_words()  # "cansancio", "müde", "fatigue": tired
FEELING_TAGS = Option(
    "feelings",
    Kind.TAGS,
    N_("Feelings, comma-separated, e.g. tired,hopeful"),
    choices=FEELINGS,
    aliases=FEELING_WORDS,
    shown=feeling_shown,
)
NOTE = Option(
    "note", Kind.TEXT, N_("A private note, only you can see it"), max_length=MAX_NOTE_CHARS
)


async def checkin(svc: Services, request: Request, args: dict[str, Any]) -> list[Reply]:
    if "mood" not in args:
        if args:
            said = _("Please start with your mood from {low} to {high}.")
            usage = _("Usage: {usage}").format(usage=CHECKIN.usage)
            return [private(said.format(low=MIN_MOOD, high=MAX_MOOD) + "\n" + usage)]
        return [
            private(
                _("How are you feeling right now? Only you will see your answer."),
                buttons=mood_buttons(),
            )
        ]
    scope = await svc.people.scope(request)
    if (ask := await consent_needed(svc, scope, request)) is not None:
        return ask  # nothing is stored before consent; the check-in waits in memory
    tz = svc.people.timezone(scope.member, scope.community)
    mood = MOODS[args["mood"]]
    tags: tuple[str, ...] = args.get("feelings", ())
    note: str | None = args.get("note")
    result = await svc.checkins.record(
        scope.member.id, scope.community_id, mood.value, tags, note, svc.clock.now(), tz
    )
    lines = [
        _("Recorded privately: {emoji} {value} ({word}).").format(
            emoji=mood.emoji, value=mood.value, word=mood.shown
        )
    ]
    if tags:
        lines.append(_("Feelings: {feelings}.").format(feelings=_feelings(tags)))
    if note:
        lines.append(_("Your note is saved; only you can see it."))
    lines.append(_streak(result.streak))
    if note and " " not in note.strip() and not tags:
        lines.append(
            _(
                "I kept {note} as your note: it is not one of the feelings I keep ({feelings})."
            ).format(note=quoted(note, 32), feelings=_feelings(FEELINGS))
        )
    buttons: tuple[tuple[Button, ...], ...] = ()
    if mood.value == MIN_MOOD:  # a gentle offer, never more than an offer
        lines.append(
            _(
                "That sounds really hard. You don't have to go through it alone: /sos lists "
                "people you can reach any time, and the buttons below may help."
            )
        )
        buttons = (*softer_buttons(svc), (Button(_("Undo"), action=UNDO),))
    elif not tags:
        lines.append(
            _(
                "Add how you feel with the buttons (to this same check-in), or a note with "
                "/checkin note and your words."
            )
        )
        buttons = amend_buttons()
    replies = [private(" ".join(lines[:2]) + "\n" + "\n".join(lines[2:]), buttons=buttons)]
    for days in result.new_streak_milestones:
        replies.append(
            celebrate(
                "🎉 "
                + ngettext(
                    "{name} reached a {days}-day check-in streak! Showing up for yourself counts.",
                    "{name} reached a {days}-day check-in streak! Showing up for yourself counts.",
                    days,
                ).format(name=scope.member.name, days=days),
                request,
                scope.member.celebrate_public,
            )
        )
    return replies


UNDO = pack_action("checkin", "undo")


def _streak(days: int) -> str:
    return ngettext("Check-in streak: {n} day.", "Check-in streak: {n} days.", days).format(n=days)


def _feelings(tags: tuple[str, ...] | list[str]) -> str:
    return ", ".join(feeling_shown(tag) for tag in tags)


def amend_buttons() -> tuple[tuple[Button, ...], ...]:
    """A feeling button per feeling (each adds it to today's check-in), then a note and undo."""
    feelings = [
        Button(feeling_shown(f), action=pack_action("checkin", "feel", f)) for f in FEELINGS
    ]
    note = Button(_("Add a note"), action=pack_action("checkin", "note"))
    return (*button_rows(feelings, per_row=5), (note, Button(_("Undo"), action=UNDO)))


def describe(entry: Entry) -> str:
    mood = MOODS[entry.mood]
    text = f"{mood.emoji} {mood.value} ({mood.shown})"
    if entry.tags:
        text += _("; feelings: {feelings}").format(feelings=_feelings(entry.tags))
    if entry.note:
        text += _("; with a note")
    return text


@dataclass(frozen=True)
class Who:
    """A consenting member, and the zone their day is counted in."""

    member_id: int
    tz: ZoneInfo


async def _consenting(svc: Services, request: Request) -> Who | list[Reply]:
    """The member, or the consent question (there is no check-in to change without it)."""
    scope = await svc.people.scope(request)
    if not await svc.privacy.has_consent(scope.member.id):
        return [ask_consent(svc, svc.people.min_group(scope.community))]
    return Who(scope.member.id, svc.people.timezone(scope.member, scope.community))


async def feel(svc: Services, request: Request, args: dict[str, Any]) -> list[Reply]:
    who = await _consenting(svc, request)
    if isinstance(who, list):
        return who
    entry = await svc.checkins.amend(
        who.member_id, svc.clock.now(), who.tz, add_tags=args["feelings"]
    )
    if entry is None:
        return [private(_("You have no check-in today to add feelings to. /checkin records one."))]
    return [private(_("Today's check-in: {entry}.").format(entry=describe(entry)))]


async def note(svc: Services, request: Request, args: dict[str, Any]) -> list[Reply]:
    if not args.get("note"):
        return [
            private(
                _(
                    "Write your note as /checkin note and your words; only you will see it. "
                    "(Where /checkin takes options, as on Discord: press Undo, then /checkin "
                    "with your mood and the note.)"
                )
            )
        ]
    who = await _consenting(svc, request)
    if isinstance(who, list):
        return who
    entry = await svc.checkins.amend(who.member_id, svc.clock.now(), who.tz, note=args["note"])
    if entry is None:
        return [private(_("You have no check-in today to add a note to. /checkin records one."))]
    saved = _("Note saved on today's check-in; only you can see it. {entry}.")
    return [private(saved.format(entry=describe(entry)))]


async def edit(svc: Services, request: Request, args: dict[str, Any]) -> list[Reply]:
    who = await _consenting(svc, request)
    if isinstance(who, list):
        return who
    entry = await svc.checkins.amend(
        who.member_id,
        svc.clock.now(),
        who.tz,
        mood=args["mood"],
        tags=args.get("feelings"),
        note=args.get("note"),
    )
    if entry is None:
        return [private(_("You have no check-in today to edit. /checkin records one."))]
    return [private(_("Today's check-in is now: {entry}.").format(entry=describe(entry)))]


async def undo(svc: Services, request: Request, args: dict[str, Any]) -> list[Reply]:
    who = await _consenting(svc, request)
    if isinstance(who, list):
        return who
    undone = await svc.checkins.undo(who.member_id, svc.clock.now(), who.tz)
    if undone is None:
        return [private(_("You have no check-in today to undo. /checkin records one."))]
    entry, streak = undone
    removed = _("Removed today's check-in ({entry}).").format(entry=describe(entry))
    return [private(f"{removed} {_streak(streak.current)}")]


CHECKIN = Command(
    "checkin",
    N_("Record how you feel (private): mood 1-5, optional feelings and a note"),
    checkin,
    options=(MOOD, FEELING_TAGS, NOTE),
    text_verbs=(
        Command(
            "feel",
            N_("Add feelings to today's check-in"),
            feel,
            options=(
                Option(
                    "feelings",
                    Kind.TAGS,
                    N_("Feelings, comma-separated"),
                    required=True,
                    choices=FEELINGS,
                    aliases=FEELING_WORDS,
                ),
            ),
            private_input=True,
        ),
        Command(
            "note", N_("Add a note to today's check-in"), note, options=(NOTE,), private_input=True
        ),
        Command(
            "edit",
            N_("Change today's check-in"),
            edit,
            options=(
                Option(
                    "mood",
                    Kind.INT,
                    N_("How you feel, 1 to 5"),
                    required=True,
                    min=MIN_MOOD,
                    max=MAX_MOOD,
                ),
                FEELING_TAGS,
                NOTE,
            ),
            private_input=True,
        ),
        Command("undo", N_("Remove today's latest check-in"), undo),
    ),
    examples=(
        "/checkin",
        "/checkin 4",
        "/checkin 2 tired,anxious long day at work",
        "/checkin feel hopeful",
        "/checkin note slept badly",
        "/checkin edit 3",
        "/checkin undo",
    ),
    actions=("checkin 5", "checkin feel overwhelmed", "checkin note", "checkin undo"),
    private_input=True,
)
COMMANDS = [CHECKIN]
