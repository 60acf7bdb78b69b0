"""Gatherings: `/event add|cancel|attendees|leave|rsvp` and `/events`, the post with its RSVP
buttons, and the job that reminds those going (bot/services/events.py decides).

A post never names anyone: it shows counts. Who is going is the lead's to see
(`/event attendees`), and a member pressing Going is told so."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from apscheduler.triggers.cron import CronTrigger

from bot import i18n
from bot.core.messages import (
    Actor,
    Attachment,
    Button,
    CalendarEntry,
    Place,
    Reply,
    Request,
    private,
    public,
)
from bot.core.options import MAX_DATE_WORDS, ArgumentError, Kind, Option
from bot.core.registry import Command, pack_action
from bot.domain.calendar import event_file
from bot.domain.dates import read_date
from bot.domain.events import (
    ANSWERS,
    DEFAULT_KIND,
    DEFAULT_MINUTES,
    MAX_TITLE,
    Details,
    kind_shown,
    read_agenda,
    read_changes,
    read_details,
    starts,
)
from bot.domain.focus import focus_shown
from bot.domain.schedule_spec import describe, parse_spec
from bot.domain.schedule_time import parse_hhmm
from bot.i18n import N_, _, ngettext, use
from bot.scheduler.jobs import Job
from bot.services.container import Services
from bot.storage.events import Counts, EventRow, NewEvent
from commands.common import lead_scope
from commands.schedule import split_when

TITLE = Option(
    "title", Kind.WORD, N_('The title, in quotes: "Sunday circle"'), required=True, max_length=80
)
WHEN = Option(
    "when",
    Kind.TEXT,
    N_("YYYY-MM-DD HH:MM or weekly sun 18:00, then [zone] [for 90m] [kind] [cap N] [where]"),
    required=True,
    max_length=300,
)
ID = Option("id", Kind.INT, N_("The event's number, from /events"), required=True, min=1)
REASON = Option("reason", Kind.TEXT, N_("Why, for those who planned to come"), max_length=200)
CHANGES = Option(
    "changes",
    Kind.TEXT,
    N_("YYYY-MM-DD HH:MM and/or [for 90m] [kind] [cap N] [where]"),
    required=True,
    max_length=300,
)
STARS = Option("stars", Kind.INT, N_("1 (poor) to 5 (great)"), required=True, min=1, max=5)
STEPS = Option(
    "steps",
    Kind.TEXT,
    N_("Steps between | marks: Welcome | Breathing | Close (or none)"),
    required=True,
    max_length=1000,
)
ANSWER = Option("answer", Kind.WORD, N_("going, maybe or no"), required=True, choices=ANSWERS)


def _when(event: EventRow, zone: ZoneInfo) -> str:
    local = event.starts_at.astimezone(zone)
    return f"{i18n.moment(local, 'yMMMEd')} ({zone.key})"


def post_text(event: EventRow, counts: Counts) -> str:
    """The event as the group sees it, in the language in use: never a name."""
    cancelled = []
    if event.cancelled_at is not None:
        cancelled = [
            _("Cancelled: {reason}").format(reason=event.cancel_reason)
            if event.cancel_reason
            else _("Cancelled.")
        ]
    lines = [
        *cancelled,
        f"📅 {event.title}",
        _("{kind}, {when}, {length}").format(
            kind=kind_shown(event.kind),
            when=_when(event, ZoneInfo(event.timezone)),
            length=ngettext("{n} minute", "{n} minutes", event.minutes).format(n=event.minutes),
        ),
    ]
    if event.spec:
        lines.append(_("Repeats: {schedule}").format(schedule=describe(parse_spec(event.spec))))
    if event.place:
        lines.append(_("Where: {place}").format(place=event.place))
    if event.capacity is not None:
        lines.append(ngettext("{n} place", "{n} places", event.capacity).format(n=event.capacity))
    if event.agenda:
        lines.append(_("Agenda:"))
        lines += [f"{n}. {step}" for n, step in enumerate(event.agenda.splitlines(), start=1)]
    if cancelled:
        return "\n".join(lines)
    lines.append(
        _("Going: {going} · Maybe: {maybe}").format(going=counts.going, maybe=counts.maybe)
        + (" · " + _("Waiting: {waiting}").format(waiting=counts.waiting) if counts.waiting else "")
    )
    lines.append(_("/events shows it in your own time zone. Event #{id}.").format(id=event.id))
    return "\n".join(lines)


def post_key(event_id: int) -> str:
    """The name the event's post is kept under, so answers change its counts in place."""
    return f"event:{event_id}:post"


def _place(event: EventRow) -> Place:
    return Place(event.platform, event.chat_id, is_direct=False, thread_id=event.thread_id)


def _calendar(event: EventRow) -> CalendarEntry:
    """The event for a platform's own event list (Discord's), in the language in use."""
    steps = event.agenda.splitlines() if event.agenda else []
    about = [
        _("{kind}. Answer Going or Maybe on the event's post in the group.").format(
            kind=kind_shown(event.kind).capitalize()
        )
    ]
    about += [f"{n}. {step}" for n, step in enumerate(steps, start=1)]
    return CalendarEntry(
        f"event:{event.id}",
        event.title,
        event.starts_at,
        event.starts_at + timedelta(minutes=event.minutes),
        event.place or _("Here, in the group"),
        "\n".join(about),
        cancelled=event.cancelled_at is not None,
    )


async def event_post(
    svc: Services, event: EventRow, *, pin: bool = False, changed: bool = False
) -> Reply:
    """The event's post in the group's language, with its buttons and counts: a new post
    (kept, so it can change), or, `changed`, the kept one changed in place. Either carries the
    event for the platform's own event list."""
    community = await svc.people.community(event.community_id)
    counts = await svc.events.counts(event.id)
    with use(svc.people.community_language(community)):
        text, calendar = post_text(event, counts), _calendar(event)
        buttons = rsvp_buttons(event) if event.cancelled_at is None else ()
    key = post_key(event.id)
    if changed:
        return public(text, to=_place(event), buttons=buttons, replaces=key, calendar=calendar)
    return public(text, to=_place(event), buttons=buttons, keep=key, pin=pin, calendar=calendar)


def rsvp_buttons(event: EventRow) -> tuple[tuple[Button, ...], ...]:
    return (
        (
            Button(_("Going"), action=pack_action("event", "rsvp", event.id, "going")),
            Button(_("Maybe"), action=pack_action("event", "rsvp", event.id, "maybe")),
            Button(_("Can't go"), action=pack_action("event", "rsvp", event.id, "no")),
        ),
    )


async def add(svc: Services, request: Request, args: dict[str, Any]) -> list[Reply]:
    """A new event posted in the chat it was asked in. A title that names one of Haven's
    templates ("Mindfulness workshop", in any language) brings its kind, length and agenda,
    unless the lead gave their own."""
    scope = await svc.people.scope(request)
    community_id = lead_scope(scope)
    assert scope.community is not None
    zone = svc.people.community_timezone(scope.community)
    now = svc.clock.now()
    title = args["title"][:MAX_TITLE]
    template = svc.catalog.find_template(title)
    agenda = None
    if template is not None:
        shown = svc.catalog.template_shown(template, svc.people.community_language(scope.community))
        agenda = "\n".join(shown.agenda)
    try:
        start, spec, details = _when_and_details(svc, args["when"], zone, now)
        event = await svc.events.create(
            NewEvent(
                community_id,
                request.place.platform,
                request.place.chat_id,
                request.place.thread_id,
                title,
                details.kind or (template.kind if template else DEFAULT_KIND),
                start,
                details.zone.key,
                details.minutes or (template.minutes if template else DEFAULT_MINUTES),
                details.capacity,
                details.where,
                scope.member.id,
                spec,
                agenda=agenda,
            ),
            now,
        )
    except ValueError as error:
        raise ArgumentError(str(error)) from None
    post = await event_post(svc, event, pin=details.pin)
    done = _("Event #{id} is posted. /event attendees {id} shows who is going.").format(id=event.id)
    return [post, private(done)]


def _date_and_time(words: list[str]) -> tuple[date, time, list[str]] | None:
    """A date (ISO, dotted or in words, up to MAX_DATE_WORDS words) and the HH:MM after it at
    the start of `words`, with the words left; None when they do not start with a date.
    ValueError for a date followed by no readable time."""
    for n in range(min(MAX_DATE_WORDS, len(words) - 1), 0, -1):
        day = read_date(" ".join(words[:n]))
        if day is not None:
            return day, parse_hhmm(words[n]), words[n + 1 :]
    return None


async def _group_event(svc: Services, community_id: int, event_id: int) -> EventRow:
    """The group's event, or the member told there is none (as a usage error)."""
    try:
        return await svc.events.get(community_id, event_id)
    except ValueError as error:
        raise ArgumentError(str(error)) from None


def _when_and_details(
    svc: Services, text: str, zone: ZoneInfo, now: datetime
) -> tuple[datetime, str | None, Details]:
    """Once ("2026-01-11 18:00", or the date in words: "11 de enero de 2026 18:00") or
    recurring in the schedule forms Haven knows ("weekly sun 18:00"); then the details.
    Returns the first start (UTC), the schedule (None: once) and the details."""
    words = text.split()
    if (once := _date_and_time(words)) is not None:
        day, at, rest = once
        details = read_details(" ".join(rest), zone)
        return starts(day, at, details.zone, now), None, details
    if words and re.match(r"\d+[-./]", words[0]):
        raise ValueError(
            _("{value} is not a date like 2026-01-10 followed by a time like 18:00").format(
                value=words[0][:20]
            )
        )
    try:
        spec, given, rest = split_when(svc, text, zone)
    except ArgumentError as error:
        raise ValueError(str(error)) from None
    details = read_details(rest, given)
    first = svc.schedules.next_after(spec, details.zone, now, now)
    if first is None:
        raise ValueError(_("that schedule never happens"))
    utc = first.astimezone(ZoneInfo("UTC"))
    return starts(utc.date(), utc.time(), ZoneInfo("UTC"), now), spec, details


def next_start(svc: Services, event: EventRow) -> datetime | None:
    """When a recurring event happens next, after the occurrence that has started."""
    assert event.spec is not None
    anchor = event.starts_at
    return svc.schedules.next_after(event.spec, ZoneInfo(event.timezone), event.starts_at, anchor)


async def continue_series(svc: Services, now: datetime) -> list[Reply]:
    """A recurring event's next occurrence, once the latest has started: posted in the group
    with its buttons (answers start afresh for each occurrence)."""
    replies: list[Reply] = []
    for event in await svc.events.continue_series(now, lambda e: next_start(svc, e)):
        post = await event_post(svc, event)
        replies.append(replace(post, idempotency_key=f"event:{event.id}:post"))
    return replies


async def rsvp(svc: Services, request: Request, args: dict[str, Any]) -> list[Reply]:
    scope = await svc.people.scope(request)
    if scope.community is None:
        raise ArgumentError(_("answer from the group the event belongs to"))
    now = svc.clock.now()
    try:
        done = await svc.events.answer(
            scope.community.id, args["id"], scope.member.id, args["answer"], now
        )
    except ValueError as error:
        raise ArgumentError(str(error)) from None
    said = {
        "going": _(
            "You're going to {title}. I'll remind you 24 hours and 1 hour before. The group's "
            "leads can see who is going."
        ),
        "waiting": _(
            "{title} is full, so you're on the waiting list; I'll tell you if a place frees up."
        ),
        "maybe": _("Marked as maybe for {title}."),
        "no": _("Noted: you can't go to {title}."),
    }[done.kept].format(title=done.event.title)
    replies = [private(said)]
    if done.promoted is not None:
        replies += await _moved_up(svc, done.event, done.promoted)
    return [*replies, await event_post(svc, done.event, changed=True)]


async def _moved_up(svc: Services, event: EventRow, member_id: int) -> list[Reply]:
    member = await svc.people.member_by_id(member_id)
    if member is None:
        return []
    with use(await svc.people.member_language(member, event.community_id)):
        text = _("A place opened up: you're now going to {title}.").format(title=event.title)
    return [private(text, to=Actor(member.platform, member.user_id, member.name))]


async def leave(svc: Services, request: Request, args: dict[str, Any]) -> list[Reply]:
    return await rsvp(svc, request, {"id": args["id"], "answer": "no"})


async def attendees(svc: Services, request: Request, args: dict[str, Any]) -> list[Reply]:
    scope = await svc.people.scope(request)
    community_id = lead_scope(scope)
    event = await _group_event(svc, community_id, args["id"])
    found = await svc.events.attendees(event)
    going = [a.name for a in found if a.answer == "going"]
    waiting = [a.name for a in found if a.answer == "waiting"]
    lines = [
        ngettext(
            "{title}: {n} going (only you see this)",
            "{title}: {n} going (only you see this)",
            len(going),
        ).format(title=event.title, n=len(going))
    ]
    lines += [f"• {name}" for name in going]
    if waiting:
        lines.append(_("Waiting: {names}").format(names=", ".join(waiting)))
    rated = await svc.events.rating(event.id)
    if rated is not None:
        average, count = rated
        lines.append(
            ngettext(
                "Rated {average} of 5 by {n} person", "Rated {average} of 5 by {n} people", count
            ).format(average=i18n.number(average, 1), n=count)
        )
    return [private("\n".join(lines))]


async def cancel(svc: Services, request: Request, args: dict[str, Any]) -> list[Reply]:
    scope = await svc.people.scope(request)
    community_id = lead_scope(scope)
    reason = args.get("reason")
    event = await _group_event(svc, community_id, args["id"])
    told = await svc.events.cancel(event, reason, svc.clock.now())
    if told is None:
        return [private(_("Event #{id} was already cancelled.").format(id=event.id))]
    event = await svc.events.get(community_id, event.id)  # as it is now: cancelled
    replies = [
        private(_("Event #{id} is cancelled.").format(id=event.id)),
        await event_post(svc, event, changed=True),
    ]
    for person in told:
        member = await svc.people.member_by_id(person.member_id)
        if member is None:
            continue
        with use(await svc.people.member_language(member, community_id)):
            text = (
                _("{title} is cancelled: {reason}").format(title=event.title, reason=reason)
                if reason
                else _("{title} is cancelled.").format(title=event.title)
            )
        replies.append(
            private(
                text,
                to=Actor(person.platform, person.user_id, person.name),
                idempotency_key=f"event:{event.id}:cancelled:{person.member_id}",
            )
        )
    return replies


async def ics(svc: Services, request: Request, args: dict[str, Any]) -> list[Reply]:
    """The event as a calendar file, privately: any calendar app imports it."""
    scope = await svc.people.scope(request)
    if scope.community is None:
        raise ArgumentError(_("answer from the group the event belongs to"))
    event = await _group_event(svc, scope.community.id, args["id"])
    data = event_file(
        f"haven-event-{event.id}-{event.community_id}@{event.platform}",
        event.title,
        event.starts_at,
        event.minutes,
        event.place,
        kind_shown(event.kind),
        svc.clock.now(),
        cancelled=event.cancelled_at is not None,
    )
    name = f"event-{event.id}.ics"
    text = _("{title}: a calendar file for your calendar app.").format(title=event.title)
    return [private(text, attachment=Attachment(name, data, "text/calendar"))]


async def edit(svc: Services, request: Request, args: dict[str, Any]) -> list[Reply]:
    """A new date and time (`/event edit 3 2026-01-08 19:00`) and/or details (`cap 20`,
    `for 2h`, a kind, a place): the post is shown again as it is now, and when the time moved,
    everyone who answered is told, once."""
    scope = await svc.people.scope(request)
    community_id = lead_scope(scope)
    assert scope.community is not None
    now = svc.clock.now()
    event = await _group_event(svc, community_id, args["id"])
    try:
        words = args["changes"].split()
        changes: dict[str, object] = {}
        if (moved := _date_and_time(words)) is not None:
            day, at, words = moved
            changes["starts_at"] = starts(day, at, ZoneInfo(event.timezone), now)
        changes |= read_changes(" ".join(words))
        event, told = await svc.events.change(event, changes, now)
    except ValueError as error:
        raise ArgumentError(str(error)) from None
    replies = [
        private(_("Event #{id} is changed.").format(id=event.id)),
        await event_post(svc, event, changed=True),
    ]
    for person in told:
        member = await svc.people.member_by_id(person.member_id)
        if member is None:
            continue
        zone = svc.people.timezone(member)
        with use(await svc.people.member_language(member, community_id)):
            text = _("{title} has moved: it is now {when}.").format(
                title=event.title, when=_when(event, zone)
            )
        replies.append(
            private(
                text,
                to=Actor(member.platform, member.user_id, member.name),
                idempotency_key=(
                    f"event:{event.id}:moved:{event.starts_at:%Y%m%dT%H%M}:{member.id}"
                ),
            )
        )
    return replies


async def set_agenda(svc: Services, request: Request, args: dict[str, Any]) -> list[Reply]:
    """A lead's own agenda for an event (`Welcome | Breathing | Close`), or none: the post
    shows it, and it is posted in the group when the event starts."""
    scope = await svc.people.scope(request)
    community_id = lead_scope(scope)
    now = svc.clock.now()
    event = await _group_event(svc, community_id, args["id"])
    try:
        agenda = read_agenda(args["steps"])
        event, _told = await svc.events.change(event, {"agenda": agenda}, now)
    except ValueError as error:
        raise ArgumentError(str(error)) from None
    return [
        private(_("Event #{id}'s agenda is changed.").format(id=event.id)),
        await event_post(svc, event, changed=True),
    ]


async def templates(svc: Services, request: Request, args: dict[str, Any]) -> list[Reply]:
    """Haven's starting points: a lead writes one's title in /event add to use it."""
    lines = [_('Templates: write the title in /event add ("Mindfulness workshop" ...).')]
    for template in svc.catalog.templates:
        shown = svc.catalog.template_shown(template)
        lines.append(
            _("{title}: {kind}, {n} minutes").format(
                title=shown.title, kind=kind_shown(shown.kind), n=shown.minutes
            )
        )
        lines += [f"   {n}. {step}" for n, step in enumerate(shown.agenda, start=1)]
    return [private("\n".join(lines))]


async def listing(svc: Services, request: Request, args: dict[str, Any]) -> list[Reply]:
    scope = await svc.people.scope(request)
    if scope.community is None:
        return [private(_("Events belong to a group: use /events in your group."))]
    found = await svc.events.upcoming(scope.community.id, svc.clock.now())
    if not found:
        return [private(_("No events planned in this group yet."))]
    zone = svc.people.timezone(scope.member)
    lines = [_("Events to come, in your time zone:")]
    if scope.community.focus:
        lines = [
            _("Events to come in this group for {focus}, in your time zone:").format(
                focus=focus_shown(scope.community.focus)
            )
        ]
    for event in found:
        counts = await svc.events.counts(event.id)
        lines.append(
            _("#{id} {title}: {kind}, {when}; going {going}").format(
                id=event.id,
                title=event.title,
                kind=kind_shown(event.kind),
                when=_when(event, zone),
                going=counts.going,
            )
        )
    return [private("\n".join(lines))]


async def remind_going(svc: Services, now: datetime) -> list[Reply]:
    """Every quarter hour: the reminders owed, each once (its idempotency key), to those going,
    in each member's language and time zone; skipped for members who paused nudges."""
    replies: list[Reply] = []
    for due in await svc.events.due(now):
        for person in due.going:
            member = await svc.people.member_by_id(person.member_id)
            if member is None:
                continue
            unreachable, paused_until = await svc.schedules.nudge_state(member.id)
            if unreachable is not None or (paused_until is not None and paused_until > now):
                continue
            zone = svc.people.timezone(member)
            with use(await svc.people.member_language(member, due.event.community_id)):
                said = (
                    _("Reminder: {title} starts in an hour, {when}.")
                    if due.before <= timedelta(hours=1)
                    else _("Reminder: {title} is tomorrow, {when}.")
                ).format(title=due.event.title, when=_when(due.event, zone))
            hours = int(due.before.total_seconds() // 3600)
            replies.append(
                private(
                    said,
                    to=Actor(member.platform, member.user_id, member.name),
                    # The start is in the key: an event moved later is reminded again.
                    idempotency_key=(
                        f"event:{due.event.id}:{due.event.starts_at:%Y%m%dT%H%M}:"
                        f"remind:{hours}h:{member.id}"
                    ),
                )
            )
    return replies


def short_rule(rule: str) -> str:
    """A rule in short: its heading ("Be respectful") when it has one, else its start."""
    head = rule.split(":", 1)[0].strip()
    return head if len(head) <= 60 else head[:57].rstrip() + "..."


async def open_circles(svc: Services, now: datetime) -> list[Reply]:
    """At an event's start, once, in the group's chat and language: a sharing circle's rules
    in short and an opening round; any other event's agenda, when it has one."""
    replies: list[Reply] = []
    for event in await svc.events.opening(now):
        community = await svc.people.community(event.community_id)
        rules = await svc.rules.list(event.community_id)
        with use(svc.people.community_language(community)):
            if event.kind == "circle":
                round_ = svc.prompts.opening_round()
                lines = [
                    _("{title} starts now. Our ground rules, in short:").format(title=event.title)
                ]
                lines += [f"{n}. {short_rule(rule)}" for n, rule in enumerate(rules, start=1)]
                lines.append(
                    _("Opening round: {question}").format(question=svc.catalog.prompt_shown(round_))
                )
            else:
                steps = (event.agenda or "").splitlines()
                lines = [_("{title} starts now. The agenda:").format(title=event.title)]
                lines += [f"{n}. {step}" for n, step in enumerate(steps, start=1)]
        replies.append(
            public("\n".join(lines), to=_place(event), idempotency_key=f"event:{event.id}:opening")
        )
    return replies


async def ask_ratings(svc: Services, now: datetime) -> list[Reply]:
    """After an event, each who went is asked privately how it was (1-5, anonymous), once."""
    replies: list[Reply] = []
    for event, went in await svc.events.to_rate(now):
        for person in went:
            member = await svc.people.member_by_id(person.member_id)
            if member is None:
                continue
            with use(await svc.people.member_language(member, event.community_id)):
                text = _(
                    "How was {title}? Your rating is anonymous: the host sees only the "
                    "average, once at least three have rated."
                ).format(title=event.title)
                buttons = (
                    tuple(
                        Button(f"{n} ★", action=pack_action("event", "rate", event.id, n))
                        for n in range(1, 6)
                    ),
                )
            replies.append(
                private(
                    text,
                    to=Actor(member.platform, member.user_id, member.name),
                    buttons=buttons,
                    idempotency_key=f"event:{event.id}:rate:{member.id}",
                )
            )
    return replies


async def rate(svc: Services, request: Request, args: dict[str, Any]) -> list[Reply]:
    scope = await svc.people.scope(request)
    if scope.community is None:
        raise ArgumentError(_("answer from the group the event belongs to"))
    try:
        event = await svc.events.rate(
            scope.community.id, args["id"], scope.member.id, args["stars"], svc.clock.now()
        )
    except ValueError as error:
        raise ArgumentError(str(error)) from None
    return [
        private(_("Thank you: your rating of {title} is kept anonymous.").format(title=event.title))
    ]


async def event_jobs(svc: Services, now: datetime) -> list[Reply]:
    # A recurring event's latest occurrence may have started long ago (Haven was down): it
    # still continues its series, so that is looked at whenever anything else is.
    if not await svc.events.near(now):
        return await continue_series(svc, now)
    return [
        *await remind_going(svc, now),
        *await open_circles(svc, now),
        *await continue_series(svc, now),
        *await ask_ratings(svc, now),
    ]


EVENT = Command(
    "event",
    N_("Gatherings: plan one (leads), answer, leave, see who is going"),
    subcommands=(
        Command(
            "add",
            N_("Plan a gathering and post it here (leads)"),
            add,
            options=(TITLE, WHEN),
            lead_only=True,
        ),
        Command(
            "edit",
            N_("Change an event's date and time or details (leads)"),
            edit,
            options=(ID, CHANGES),
            lead_only=True,
        ),
        Command(
            "cancel",
            N_("Cancel an event; everyone who answered is told (leads)"),
            cancel,
            options=(ID, REASON),
            lead_only=True,
        ),
        Command(
            "attendees",
            N_("Who is going, privately (leads)"),
            attendees,
            options=(ID,),
            lead_only=True,
        ),
        Command(
            "agenda",
            N_("Set an event's agenda, steps between | marks (leads)"),
            set_agenda,
            options=(ID, STEPS),
            lead_only=True,
        ),
        Command("templates", N_("Haven's templates for gatherings, with agendas"), templates),
        Command("rsvp", N_("Answer an event: going, maybe or no"), rsvp, options=(ID, ANSWER)),
        Command("leave", N_("You can't go after all"), leave, options=(ID,)),
        Command("ics", N_("The event as a file for your calendar"), ics, options=(ID,)),
        Command(
            "rate", N_("Rate an event you went to, 1 to 5 (anonymous)"), rate, options=(ID, STARS)
        ),
    ),
    examples=(
        '/event add "Coping skills" 2026-01-11 18:00 workshop cap 12',
        '/event add "Sunday circle" weekly sun 18:00 circle pin',
        '/event add "Mindfulness workshop" 2026-01-14 19:00 cap 15',
        "/event agenda 2 Welcome | Breathing together | Close",
    ),
    actions=("event rsvp 1 going", "event rate 1 5"),
)
EVENTS = Command("events", N_("Events to come in your group, in your time zone"), listing)
COMMANDS = [EVENT, EVENTS]
# Every quarter hour: a reminder goes out within 15 minutes of its moment, a circle opens within
# 15 minutes of its start. (Every 5 minutes cost a simulated month of console time 9 s.)
JOBS = [Job("events", CronTrigger(minute="*/15", timezone="UTC"), event_jobs)]
