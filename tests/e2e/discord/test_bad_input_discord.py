"""The shared bad-input mistakes as typed slash-command options, through the real discord.py
against the fake gateway and REST API: each gets one ephemeral answer with its reason and
usage, and nothing is stored (see tests/bad_input.py). Discord itself checks choices and
numeric ranges in its client; Haven does not rely on that, so the fake sends what a modified
client could."""

from __future__ import annotations

from bad_input import INVISIBLE, Case, check_answer, fingerprint
from fakes.discord_api import FakeDiscord
from fakes.discord_slash import opt, sub
from fakes.haven_discord import ALICE, GENERAL, GUILD, LEAD, Haven

BIG = "y" * 6000  # the longest string option Discord carries
HUGE = 99999999999999999999  # beyond 64 bits

# (command, options, the mistake as Case(line shown in failures, reason, usage, lead))
SLASH = [
    ("milestone", sub("remove", opt("id", HUGE)), "not a number that large", "/milestone remove"),
    ("milestone", sub("remove", opt("id", -1)), "whole number, not -1", "/milestone remove"),
    ("resources", sub("remove", opt("id", HUGE)), "not a number that large", "/resources remove"),
    ("schedule", sub("remove", opt("id", HUGE)), "not a number that large", "/schedule remove"),
    ("rules", sub("remove", opt("number", 100)), "from 1 to 99, not 100", "/rules remove"),
    ("help", [opt("command", BIG)], "there is no command", "/help [command]"),
    ("helpline", [opt("country", BIG)], "unknown country code", "/helpline [country]"),
    ("cope", [opt("feeling", BIG)], "feeling must be one of", "/cope [feeling]"),
    ("resources", sub("show", opt("query", BIG)), "the limit is 200", "/resources show"),
    ("checkin", [opt("mood", 4), opt("note", BIG)], "the limit is 1000", "/checkin"),
    ("rules", sub("add", opt("text", BIG)), "the limit is 300", "/rules add"),
    ("remind", [opt("when", "daily 21:00 Europe/Berln")], "did you mean Europe/Berlin", "/remind"),
    (
        "settings",
        sub("timezone", opt("zone", "Europe/Berln")),
        "did you mean Europe/Berlin",
        "/settings timezone",
    ),
    (
        "schedule",
        sub("checkin", opt("when", "daily 21:00 Europe/Berln")),
        "did you mean Europe/Berlin",
        "/schedule checkin",
    ),
    (
        "community",
        sub("timezone", opt("zone", "Europe/Berln")),
        "did you mean Europe/Berlin",
        "/community timezone",
    ),
    (
        "resources",
        sub(
            "add",
            opt("topic", "sleep"),
            opt("url", "https://example.org/" + "a" * 5000),
            opt("title", "Title"),
        ),
        "the limit is 2048",
        "/resources add",
    ),
    (
        "resources",
        sub(
            "add",
            opt("topic", "sleep"),
            opt("url", "http://example.org/sleep"),
            opt("title", "Title"),
        ),
        "starting with https://",
        "/resources add",
    ),
    ("checkin", [opt("mood", 4), opt("note", INVISIBLE)], "no visible characters", "/checkin"),
    ("checkin", [opt("mood", 6)], "from 1 to 5, not 6", "/checkin"),
    ("checkin", [opt("mood", 4), opt("feelings", "tird")], "did you mean tired", "/checkin"),
    (
        "milestone",
        sub("add", opt("label", "sober"), opt("since", "0001-01-01")),
        "between 1900 and 2100",
        "/milestone add",
    ),
    (
        "milestone",
        sub("add", opt("label", INVISIBLE), opt("since", "2020-01-01")),
        "no visible characters",
        "/milestone add",
    ),
    (
        "safetyplan",
        sub("set", opt("step", "signs"), opt("words", INVISIBLE)),
        "no visible characters",
        "/safetyplan set",
    ),
    ("mood", sub("chart", opt("days", "8")), "must be one of: 7, 30, 90", "/mood chart"),
    ("pause", [opt("duration", "forever")], "use a duration like", "/pause"),
    ("support", [opt("choice", "maybe")], "must be one of: trust, lead", "/support"),
    ("start", [opt("payload", BIG)], "longer than 64 characters", "/start"),
    ("help", [opt("command", "@everyone")], "there is no command", "/help"),
]
LEAD_COMMANDS = {"resources add", "resources remove", "schedule", "rules", "community"}


def is_lead_case(name: str, options: list[dict]) -> bool:
    verb = options[0]["name"] if options and options[0]["type"] == 1 else ""
    return name in LEAD_COMMANDS or f"{name} {verb}" in LEAD_COMMANDS


async def test_bad_options_are_refused_and_nothing_is_stored(
    fake: FakeDiscord, haven: Haven
) -> None:
    await fake.wait_responses(await fake.slash(LEAD, "rules", sub("show"), guild_id=GUILD))
    before = fingerprint(haven.database)
    in_channel = len(fake.channel_messages(GENERAL))

    for name, options, reason, usage in SLASH:
        lead = is_lead_case(name, options)
        case = Case(f"/{name} {options}"[:120], reason, usage, lead)
        interaction = await fake.slash(LEAD if lead else ALICE, name, options, guild_id=GUILD)
        (response,) = await fake.wait_responses(interaction)
        assert response.ephemeral, case.line
        check_answer(case, response.content)
        assert response.pings == [], case.line  # "@everyone" quoted back pings nobody
        for value in _strings(options):  # a long option is never echoed whole
            assert len(value) <= 40 or value not in response.content, case.line

    assert len(fake.channel_messages(GENERAL)) == in_channel
    assert fingerprint(haven.database) == before


def _strings(options: list[dict]) -> list[str]:
    found: list[str] = []
    for option in options:
        if isinstance(option.get("value"), str):
            found.append(option["value"])
        found += _strings(option.get("options", []))
    return found
