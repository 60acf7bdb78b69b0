"""/checkin: a member's private mood log (read back by /mood, in commands/mood.py)."""

from __future__ import annotations

from typing import Any

from bot.core.messages import Button, Reply, Request, Via, private
from bot.core.options import Kind, Option
from bot.core.registry import Command
from bot.domain.moods import FEELINGS, MAX_MOOD, MAX_NOTE_CHARS, MIN_MOOD, MOODS
from bot.services.container import Services
from commands.common import celebrate, mood_buttons
from commands.privacy import ask_consent
from commands.safety import softer_buttons

MOOD = Option("mood", Kind.INT, "How you feel, 1 (awful) to 5 (great)", min=MIN_MOOD, max=MAX_MOOD)
FEELING_TAGS = Option(
    "feelings", Kind.TAGS, "Feelings, comma-separated, e.g. tired,hopeful", choices=FEELINGS
)
NOTE = Option("note", Kind.TEXT, "A private note, only you can see it", max_length=MAX_NOTE_CHARS)


async def checkin(svc: Services, request: Request, args: dict[str, Any]) -> list[Reply]:
    if "mood" not in args:
        if args:
            return [
                private(
                    f"Please start with your mood from {MIN_MOOD} to {MAX_MOOD}.\n"
                    f"Usage: {CHECKIN.usage}"
                )
            ]
        return [
            private(
                "How are you feeling right now? Only you will see your answer.",
                buttons=mood_buttons(),
            )
        ]
    scope = await svc.people.scope(request)
    if not await svc.privacy.has_consent(scope.member.id):
        return [ask_consent(svc)]  # nothing is stored before consent
    tz = svc.people.timezone(scope.member, scope.community)
    mood = MOODS[args["mood"]]
    tags: tuple[str, ...] = args.get("feelings", ())
    note: str | None = args.get("note")
    result = await svc.checkins.record(
        scope.member.id, scope.community_id, mood.value, tags, note, svc.clock.now(), tz
    )
    lines = [f"Recorded privately: {mood.emoji} {mood.value} ({mood.word})."]
    if tags:
        lines.append(f"Feelings: {', '.join(tags)}.")
    if note:
        lines.append("Your note is saved; only you can see it.")
    lines.append(f"Check-in streak: {result.streak} day{'s' if result.streak != 1 else ''}.")
    if request.via is Via.BUTTON:
        lines.append("You can add feelings and a note: /checkin 4 tired,hopeful a few words")
    softer: tuple[tuple[Button, ...], ...] = ()
    if mood.value == MIN_MOOD:  # a gentle offer, never more than an offer
        lines.append(
            "That sounds really hard. You don't have to go through it alone: /sos lists "
            "people you can reach any time, and the buttons below may help."
        )
        softer = softer_buttons(svc)
    replies = [private(" ".join(lines[:2]) + "\n" + "\n".join(lines[2:]), buttons=softer)]
    for days in result.new_streak_milestones:
        replies.append(
            celebrate(
                f"🎉 {scope.member.name} reached a {days}-day check-in streak! Showing up for "
                "yourself counts.",
                request,
                scope.member.celebrate_public,
            )
        )
    return replies


CHECKIN = Command(
    "checkin",
    "Record how you feel (private): mood 1-5, optional feelings and a note",
    checkin,
    options=(MOOD, FEELING_TAGS, NOTE),
    examples=("/checkin", "/checkin 4", "/checkin 2 tired,anxious long day at work"),
    actions=("checkin 5",),
    private_input=True,
)
COMMANDS = [CHECKIN]
