"""`haven console` transcripts: bad input gets a reason and a usage line, and nothing is stored."""

from __future__ import annotations

import pytest

from bot.catalog import load_catalog
from bot.core.registry import Registry
from commands import all_commands

COMMANDS = {command.name: command for command in Registry(all_commands())}
FAILED = "something went wrong"
LONG_NOTE = "x" * 1001
HUGE_NUMBER = "7" * 5000  # more digits than Python will convert to int by default

# (line, words the first line of the answer must contain, the usage that must follow)
BAD_INPUT = [
    ("/checkin 0", "from 1 to 5, not 0", COMMANDS["checkin"].usage),
    ("/checkin 6", "from 1 to 5, not 6", COMMANDS["checkin"].usage),
    ("/checkin abc", "from 1 to 5, not 'abc'", COMMANDS["checkin"].usage),
    ("/checkin 4.5", "from 1 to 5, not '4.5'", COMMANDS["checkin"].usage),
    ('/checkin ""', "from 1 to 5, not ''", COMMANDS["checkin"].usage),
    ("/checkin 4 tird,happy", "'tird' (did you mean tired?)", COMMANDS["checkin"].usage),
    (f"/checkin 4 {LONG_NOTE}", "1001 characters; the limit is 1000", COMMANDS["checkin"].usage),
    (f"/checkin {HUGE_NUMBER}", "mood must be a whole number", COMMANDS["checkin"].usage),
    ("/helpline ZZ", "unknown country code 'ZZ'", COMMANDS["helpline"].usage),
    ("/helpline GBR", "unknown country code 'GBR'", COMMANDS["helpline"].usage),
    ("/settings timezone Mars/Base", "unknown time zone 'Mars/Base'", "/settings timezone <zone>"),
    (
        '/milestone add "sober" 2026-02-01',
        "2026-02-01 is in the future",
        COMMANDS["milestone"].verb("add").usage,
    ),
    ('/milestone add "sober" 2026-13-01', "must be a date like", "/milestone add <label>"),
]


@pytest.fixture(scope="module")
def defaults() -> tuple[str, ...]:
    return load_catalog().rules


def test_bad_input_is_explained_with_usage_and_nothing_is_stored(console, defaults):
    # The group exists, with its default rules; the member agreed to their data being kept,
    # so what is refused below is refused for the input, not for want of consent.
    lines = [":in lounge", "/rules", ":dm", "/consent yes"]
    lines += [line for line, _, _ in BAD_INPUT]
    lead_commands = {
        "/rules add x": "/rules add <text>",
        "/rules remove 1": "/rules remove <number 1-99>",
        "/rules reset": "/rules reset",
        '/resources add sleep https://example.org/sleep "Sleep guide" Tips': "/resources add",
        "/resources remove 1": "/resources remove <id>",
        "/community timezone Europe/Berlin": "/community timezone <zone>",
    }
    lines += [":in lounge", *lead_commands]
    t = console(lines)

    for line, reason, usage in BAD_INPUT:
        messages = t.step(line).messages
        assert len(messages) == 1, (line, messages)
        (answer,) = messages
        assert answer.header == "@you private", line
        first, *rest = answer.text.splitlines()
        assert reason.casefold() in first.casefold(), (line, answer.text)
        assert FAILED not in answer.text
        assert rest and rest[-1].startswith("Usage: "), (line, answer.text)
        assert usage in rest[-1], (line, answer.text)
        assert "Recorded" not in answer.text

    for line, usage in lead_commands.items():
        (answer,) = t.step(line).messages
        assert answer.header == "@you private", line
        first, *rest = answer.text.splitlines()
        assert "is for group leads" in first, (line, answer.text)
        assert rest and rest[-1].startswith(f"Usage: {usage}"), (line, answer.text)

    assert t.count("checkins") == 0
    assert t.count("milestones") == 0
    assert t.count("members", "timezone IS NOT NULL OR country IS NOT NULL") == 0
    assert t.count("resources", "community_id IS NOT NULL") == 0
    assert t.count("communities", "timezone IS NOT NULL") == 0
    stored_rules = t.query(
        "SELECT r.text FROM rules r JOIN communities c ON c.id = r.community_id "
        "WHERE c.key = 'lounge' ORDER BY r.position"
    )
    assert [text for (text,) in stored_rules] == list(defaults)


def test_clock_refuses_to_go_back_and_quit_stops_reading(console):
    t = console(
        [
            ":clock 2026-01-04T08:00",
            ":clock",
            ":clock +2h",
            ":clock +0m",
            ":clock +99999999d",  # beyond year 9999
            ":quit",
            "/checkin 4",
        ]
    )
    (refused,) = t.step(":clock 2026-01-04T08:00").messages
    assert refused.is_note and "only moves forward" in refused.text
    (unchanged,) = t.step(":clock").messages
    assert unchanged.text == "clock: 2026-01-05 08:00 UTC (Monday)"
    (moved,) = t.step(":clock +2h").messages
    assert moved.text == "clock: 2026-01-05 10:00 UTC (Monday)"
    (zero,) = t.step(":clock +0m").messages
    assert "longer than zero" in zero.text
    (too_far,) = t.step(":clock +99999999d").messages
    assert too_far.is_note and "use :clock +30m" in too_far.text

    assert "Recorded" not in t.stdout
    assert "Traceback" not in t.stderr
    assert t.count("checkins") == 0
