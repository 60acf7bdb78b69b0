"""/schedule (leads), /remind and /pause (members), and what each kind of firing posts."""

from __future__ import annotations

import contextlib
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.core.messages import Actor, Place, Reply, Request, private, public
from bot.core.options import ArgumentError, Kind, Option
from bot.core.registry import Command
from bot.domain.quotes import quoted
from bot.domain.schedule_spec import (
    CRON_SHOWN,
    FORMS_SHOWN,
    Impossible,
    Unreadable,
    describe,
    parse_spec,
)
from bot.domain.schedule_time import parse_duration, parse_timezone, zone_like
from bot.domain.streaks import local_date
from bot.i18n import N_, NC_, _, moment, pgettext, use
from bot.services.container import Services
from bot.storage.outbox import BULK, NORMAL, OutboxItem
from bot.storage.schedules import NewSchedule, ScheduleRow
from commands.common import lead_scope, mood_buttons
from commands.privacy import consent_needed
from commands.prompts import THEME, prompt_text
from commands.rules import numbered
from commands.summary import summary_reply

# The forms of `when` (syntax: the same in every language).
WHEN_FORMS = "daily 09:00 | weekdays 18:30 | mon,thu 19:00 | weekly sun 20:00 | every 2 days 08:00"
WHEN = Option(
    "when",
    Kind.TEXT,
    N_("When, e.g. weekdays 18:30 (zone and note optional)"),
    required=True,
    max_length=300,
)
ID = Option("id", Kind.INT, N_("Schedule number from /schedule list"), required=True, min=1)
# A schedule's kind as a lead reads it (`kind_shown`); the keys are the kinds as stored.
KIND_WORDS = {
    "checkin": NC_("schedule kind", "check-in prompt"),
    "rules": NC_("schedule kind", "rule reminder"),
    "summary": NC_("schedule kind", "weekly summary"),
    "reminder": NC_("schedule kind", "reminder"),
    "prompt": NC_("schedule kind", "creative prompt"),
}


def kind_shown(kind: str) -> str:
    return pgettext("schedule kind", KIND_WORDS[kind])


def when_help() -> str:
    """The forms of `when`, said after what was wrong with it."""
    return _("{option}: {forms} | a cron line; then optionally a time zone and a note").format(
        option="when", forms=WHEN_FORMS
    )


def split_when(svc: Services, text: str, default_zone: ZoneInfo) -> tuple[str, ZoneInfo, str]:
    """ "weekdays 18:30 Europe/Berlin Time to check in" -> spec text, zone, note: the longest
    leading run of words that is a valid schedule, then an optional zone, then the note."""
    words = text.split()
    first_error: ValueError | None = None  # the longest candidate's reason is the one meant
    for end in range(min(len(words), 8), 0, -1):
        candidate = " ".join(words[:end])
        try:
            svc.schedules.check(candidate, default_zone)
        except Impossible as error:  # read in full: no shorter reading is meant
            raise ArgumentError(str(error)) from None
        except ValueError as error:
            first_error = first_error or error
            continue
        zone, rest = default_zone, words[end:]
        if rest and zone_like(rest[0]):
            try:
                zone, rest = parse_timezone(rest[0]), rest[1:]
            except ValueError as error:  # a misspelt zone is refused, never read as a note
                raise ArgumentError(str(error)) from None
        elif rest:
            with contextlib.suppress(ValueError):
                zone, rest = parse_timezone(rest[0]), rest[1:]
        svc.schedules.check(candidate, zone)
        return candidate, zone, " ".join(rest)
    if isinstance(first_error, Unreadable):  # the forms are listed once, not twice
        raise ArgumentError(
            _(
                "could not read {text} as a schedule; use a form like {forms} or a cron line "
                "such as {cron}; then optionally a time zone and a note"
            ).format(text=quoted(first_error.typed), forms=FORMS_SHOWN, cron=CRON_SHOWN)
        )
    reason = str(first_error) if first_error is not None else _("no time given")
    raise ArgumentError(f"{reason}. {when_help()}")


def _creator(kind: str) -> Any:
    async def handler(svc: Services, request: Request, args: dict[str, Any]) -> list[Reply]:
        scope = await svc.people.scope(request)
        community_id = lead_scope(scope)
        zone = svc.people.community_timezone(scope.community)
        spec_text, zone, note = split_when(svc, args["when"], zone)
        if kind == "prompt" and note:  # after the time, a theme ("writing"), in any language
            note = THEME.convert(note)
        # A lead's summary goes to them, privately; everything else is posted here.
        target = request.actor.user_id if kind == "summary" else request.place.chat_id
        try:
            row = await svc.schedules.create(
                NewSchedule(
                    kind,
                    request.place.platform,
                    target,
                    spec_text,
                    zone.key,
                    community_id=community_id,
                    note=note or None,
                    created_by=scope.member.id,
                    # Made inside a forum topic, it posts there.
                    thread_id=None if kind == "summary" else request.place.thread_id,
                )
            )
        except ValueError as error:
            raise ArgumentError(str(error)) from None
        listed = next(x for x in await svc.schedules.listing(community_id) if x.row.id == row.id)
        nxt = listed.next_fire
        if nxt is None:
            when = pgettext("next firing", "never")
        else:
            local = nxt.astimezone(zone)
            when = f"{moment(local)} {local:%Z}"  # the zone's abbreviation (CET) is a code
        said = (
            _("Schedule #{id}: {kind} {schedule} ({zone}), posted to you privately. Next: {when}.")
            if kind == "summary"
            else _("Schedule #{id}: {kind} {schedule} ({zone}), posted here. Next: {when}.")
        )
        return [
            private(
                said.format(
                    id=row.id,
                    kind=kind_shown(kind),
                    schedule=listed.description,
                    zone=zone.key,
                    when=when,
                )
            )
        ]

    return handler


async def list_(svc: Services, request: Request, args: dict[str, Any]) -> list[Reply]:
    scope = await svc.people.scope(request)
    community_id = lead_scope(scope)
    listed = await svc.schedules.listing(community_id)
    if not listed:
        return [
            private(
                _("No schedules yet. Try {example}").format(
                    example="/schedule checkin weekdays 18:30"
                )
            )
        ]
    lines = [_("Schedules of this group:")]
    for x in listed:
        zone = ZoneInfo(x.row.timezone)
        if x.row.paused:
            line = _("#{id} {kind} {schedule} ({zone}){note}: paused")
        elif x.next_fire is not None:
            line = _("#{id} {kind} {schedule} ({zone}){note}: next {when}")
        else:
            line = _("#{id} {kind} {schedule} ({zone}){note}: no more")
        lines.append(
            line.format(
                id=x.row.id,
                kind=kind_shown(x.row.kind),
                schedule=x.description,
                zone=x.row.timezone,
                note=f' "{x.row.note}"' if x.row.note else "",
                when=moment(x.next_fire.astimezone(zone)) if x.next_fire else "",
            )
        )
    return [private("\n".join(lines))]


def _changer(action: str) -> Any:
    async def handler(svc: Services, request: Request, args: dict[str, Any]) -> list[Reply]:
        scope = await svc.people.scope(request)
        community_id = lead_scope(scope)
        try:
            if action == "remove":
                await svc.schedules.remove(community_id, args["id"])
            else:
                await svc.schedules.set_paused(community_id, args["id"], action == "pause")
        except ValueError as error:
            raise ArgumentError(str(error)) from None
        done = {
            "remove": _("Schedule #{id} removed."),
            "pause": _("Schedule #{id} paused."),
            "resume": _("Schedule #{id} resumed."),
        }[action]
        return [private(done.format(id=args["id"]))]

    return handler


async def remind(svc: Services, request: Request, args: dict[str, Any]) -> list[Reply]:
    scope = await svc.people.scope(request)
    text = args["when"].strip()
    if text.casefold() == "off":
        removed = await svc.schedules.reminder_off(scope.member.id)
        return [private(_("Your reminder is off.") if removed else _("You had no reminder set."))]
    if (ask := await consent_needed(svc, scope, request)) is not None:
        return ask
    zone = svc.people.timezone(scope.member, scope.community)
    spec_text, zone, extra = split_when(svc, text, zone)
    if extra:  # a reminder has no note: a stray word was probably a zone or time mistyped
        raise ArgumentError(
            _("unexpected {text}; {forms}").format(text=quoted(extra, 32), forms=when_help())
        )
    row = await svc.schedules.set_reminder(
        NewSchedule(
            "reminder",
            request.actor.platform,
            request.actor.user_id,
            spec_text,
            zone.key,
            member_id=scope.member.id,
            created_by=scope.member.id,
        )
    )
    said = _(
        "I'll nudge you privately {schedule} ({zone}), unless you've already checked in that "
        "day. /remind off stops it; /pause 7d pauses it."
    )
    return [private(said.format(schedule=describe(parse_spec(row.spec)), zone=zone.key))]


async def pause(svc: Services, request: Request, args: dict[str, Any]) -> list[Reply]:
    scope = await svc.people.scope(request)
    text = args["duration"].strip().casefold()
    if text == "off":
        await svc.schedules.pause_nudges(scope.member.id, None)
        return [private(_("Nudges are back on."))]
    try:
        length = parse_duration(text)
    except ValueError as error:
        raise ArgumentError(str(error)) from None
    if length > timedelta(days=365):
        raise ArgumentError(_("a pause can last at most a year"))
    until = svc.clock.now() + length
    await svc.schedules.pause_nudges(scope.member.id, until)
    zone = svc.people.timezone(scope.member, scope.community)
    said = _("All nudges paused until {when}. /pause off resumes them.")
    return [private(said.format(when=moment(until.astimezone(zone))))]


# -- what a firing sends -------------------------------------------------------------------
# A group post is in the group's language; a nudge in the member's; a summary in the lead's.
async def firing_items(svc: Services, row: ScheduleRow, fire_time: datetime) -> list[OutboxItem]:
    key = f"schedule:{row.id}:{fire_time.isoformat()}"
    if row.kind in ("checkin", "rules", "prompt"):
        with use(await svc.people.group_language(row.community_id)):
            return await _group_items(svc, row, key)
    if row.kind == "summary":
        return await _summary_items(svc, row, fire_time, key)
    return await _reminder_items(svc, row, fire_time, key)


async def _group_items(svc: Services, row: ScheduleRow, key: str) -> list[OutboxItem]:
    place = Place(row.platform, row.chat_id, is_direct=False, thread_id=row.thread_id)
    if row.kind == "checkin":
        text = row.note or _("Time for a check-in. How are you feeling? Your answer is private.")
        return [OutboxItem(key, public(text, to=place, buttons=mood_buttons()), None, BULK)]
    if row.kind == "prompt":
        community = await svc.people.community(row.community_id) if row.community_id else None
        text, _id = prompt_text(svc, row.note, community.focus if community else None)
        shared = _("Share if you like, in words, a picture or not at all; every answer is welcome.")
        return [OutboxItem(key, public(f"{text}\n{shared}", to=place), None, BULK)]
    rules = await svc.rules.list(row.community_id) if row.community_id else []
    if not rules:
        return []
    text = _("A reminder of our ground rules:") + "\n" + numbered(rules)
    return [OutboxItem(key, public(text, to=place), None, BULK)]


async def _reminder_items(
    svc: Services, row: ScheduleRow, fire_time: datetime, key: str
) -> list[OutboxItem]:
    assert row.member_id is not None
    member = await svc.people.member_by_id(row.member_id)
    if member is None:
        return []
    unreachable, paused_until = await svc.schedules.nudge_state(member.id)
    if unreachable is not None or (paused_until is not None and paused_until > fire_time):
        return []
    zone = ZoneInfo(row.timezone)
    day_start = datetime.combine(local_date(fire_time, zone), datetime.min.time(), zone)
    if await svc.checkins.checked_in_since(member.id, day_start):
        return []  # already checked in today: no nudge
    actor = Actor(member.platform, member.user_id, member.name)
    with use(await svc.people.member_language(member)):
        reply = private(
            _("A gentle nudge: how are you feeling today? Only you will see your answer."),
            to=actor,
            buttons=mood_buttons(),
        )
    return [OutboxItem(key, reply, member.id, NORMAL)]


async def _summary_items(
    svc: Services, row: ScheduleRow, fire_time: datetime, key: str
) -> list[OutboxItem]:
    if row.community_id is None or row.created_by is None:
        return []
    lead = await svc.people.member_by_id(row.created_by)
    if lead is None:
        return []
    actor = Actor(lead.platform, lead.user_id, lead.name)
    with use(await svc.people.member_language(lead, row.community_id)):
        reply = await summary_reply(
            svc, row.community_id, ZoneInfo(row.timezone), fire_time, to=actor
        )
    return [OutboxItem(key, reply, lead.id, NORMAL)]


SCHEDULE = Command(
    "schedule",
    N_("Schedule check-in prompts, rule reminders and weekly summaries (leads)"),
    subcommands=(
        Command(
            "checkin",
            N_("Post a check-in prompt here on a schedule"),
            _creator("checkin"),
            options=(WHEN,),
            lead_only=True,
        ),
        Command(
            "rules",
            N_("Post the ground rules here on a schedule"),
            _creator("rules"),
            options=(WHEN,),
            lead_only=True,
        ),
        Command(
            "prompt",
            N_("Post a creative or reflective prompt here on a schedule, e.g. weekly fri 17:00"),
            _creator("prompt"),
            options=(WHEN,),
            lead_only=True,
        ),
        Command(
            "summary",
            N_("Send you an anonymous mood summary on a schedule"),
            _creator("summary"),
            options=(WHEN,),
            lead_only=True,
        ),
        Command("list", N_("List this group's schedules"), list_, lead_only=True),
        Command("pause", N_("Pause a schedule"), _changer("pause"), options=(ID,), lead_only=True),
        Command(
            "resume",
            N_("Resume a paused schedule"),
            _changer("resume"),
            options=(ID,),
            lead_only=True,
        ),
        Command(
            "remove", N_("Remove a schedule"), _changer("remove"), options=(ID,), lead_only=True
        ),
    ),
    examples=(
        "/schedule checkin weekdays 18:30",
        "/schedule rules weekly mon 09:00",
        "/schedule list",
    ),
)
REMIND = Command(
    "remind",
    N_("A private nudge to check in, e.g. daily 21:00 (or off)"),
    remind,
    options=(
        Option(
            "when", Kind.TEXT, N_("When, e.g. daily 21:00, or off"), required=True, max_length=100
        ),
    ),
    examples=("/remind daily 21:00", "/remind off"),
)
PAUSE = Command(
    "pause",
    N_("Pause all nudges for a while, e.g. 7d (or off)"),
    pause,
    options=(Option("duration", Kind.WORD, N_("How long, e.g. 3d, 1w, or off"), required=True),),
    examples=("/pause 7d", "/pause off"),
)
COMMANDS = [SCHEDULE, REMIND, PAUSE]
