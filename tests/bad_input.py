"""Bad input every text surface must refuse the same way: one private answer whose first line
says what was wrong and whose last line is the usage, nothing stored, no crash, and nothing
from the input echoed beyond a short quote.

The console and the Telegram tests send the same lines; the Discord test sends the same
mistakes as typed slash-command options. `fingerprint` reads everything a command could have
stored, so a test compares it before and after (and checks it does see one good command)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from shared import query

INVISIBLE = "\u200b\u2060\u00ad\u200b"  # zero-width space, word joiner, soft hyphen
HUGE_ID = "99999999999999999999"  # beyond 64 bits
LONGEST_LINE = 400  # an answer may quote a word of the input, never a paragraph of it


@dataclass(frozen=True)
class Case:
    line: str
    reason: str  # words the answer's first line contains (case-insensitive)
    usage: str  # what the answer's last line, "Usage: ...", contains
    lead: bool = False  # sent by a lead in the group (else by a member in the direct chat)


def cases(big: str) -> list[Case]:
    """The shared cases; `big` is the longest text the surface carries (1 MB in the console,
    4,000 characters on Telegram, whose messages stop at 4,096)."""
    link = "https://example.org/" + "a" * min(10_000, len(big))
    return [
        # ids: beyond 64 bits, negative, not a number, missing
        Case(f"/milestone remove {HUGE_ID}", "not a number that large", "/milestone remove <id>"),
        Case("/milestone remove -1", "whole number, not -1", "/milestone remove <id>"),
        Case("/milestone remove abc", "whole number, not 'abc'", "/milestone remove <id>"),
        Case("/milestone remove", "missing <id>", "/milestone remove <id>"),
        Case(f"/resources remove {HUGE_ID}", "not a number that large", "/resources remove", True),
        Case(f"/schedule remove {HUGE_ID}", "not a number that large", "/schedule remove", True),
        Case(f"/schedule pause {HUGE_ID}", "not a number that large", "/schedule pause", True),
        Case("/schedule resume 0", "whole number, not 0", "/schedule resume <id>", True),
        Case(f"/rules edit {HUGE_ID} x", "from 1 to 99, not", "/rules edit", True),
        Case("/rules remove 100", "from 1 to 99, not 100", "/rules remove", True),
        Case("/rules move 1 0", "from 1 to 99, not 0", "/rules move", True),
        # long text after a command: refused, and quoted in a few words at most
        Case(f"/help {big}", "there is no command", "/help [command]"),
        Case(f"/mood {big}", "is not something /mood does", "/mood show"),
        Case(f"/helpline {big}", "unknown country code", "/helpline [country]"),
        Case(f"/cope {big}", "feeling must be one of", "/cope [feeling]"),
        Case(f"/resources {big}", "the limit is 200", "/resources show [query]"),
        Case(f"/start {big}", "longer than 64 characters", "/start [payload]"),
        Case(f"/checkin 4 ok {big}", "the limit is 1000", "/checkin [mood 1-5]"),
        Case(f"/rules add {big}", "the limit is 300", "/rules add <text>", True),
        # time zones, misspelt, wherever one is accepted
        Case("/remind daily 21:00 Europe/Berln", "did you mean Europe/Berlin", "/remind <when>"),
        Case("/settings timezone Europe/Berln", "did you mean Europe/Berlin", "/settings timezone"),
        Case(
            "/schedule checkin daily 21:00 Europe/Berln",
            "did you mean Europe/Berlin",
            "/schedule checkin <when>",
            True,
        ),
        Case("/community timezone Europe/Berln", "did you mean Europe/Berlin", "timezone", True),
        Case("/settings timezone Mars/Base", "unknown time zone 'Mars/Base'", "/settings timezone"),
        # schedules and durations
        Case("/remind daily 21:00 Europe/Berlin now", "unexpected 'now'", "/remind <when>"),
        Case("/remind sometimes", "could not read 'sometimes'", "/remind <when>"),
        Case("/schedule checkin daily 25:00", "not a valid time", "/schedule checkin", True),
        Case("/schedule checkin fortnightly 21:00", "unknown day", "/schedule checkin", True),
        Case("/schedule checkin", "missing <when>", "/schedule checkin <when>", True),
        Case("/pause forever", "use a duration like", "/pause <duration>"),
        Case("/pause 0d", "longer than zero", "/pause <duration>"),
        Case("/pause 99999999999d", "too long", "/pause <duration>"),
        # links: https only, at most 2,048 characters, a real host, no user name
        Case(f"/resources add sleep {link} Title", "the limit is 2048", "/resources add", True),
        Case(
            "/resources add sleep http://example.org/sleep Title",
            "starting with https://",
            "/resources add",
            True,
        ),
        Case(
            "/resources add sleep javascript:alert(1) Title",
            "starting with https://",
            "/resources add",
            True,
        ),
        Case(
            "/resources add sleep https://user:pw@example.org/ Title",
            "starting with https://",
            "/resources add",
            True,
        ),
        Case("/resources add sleep https:// Title", "starting with https://", "/resources", True),
        # text made only of invisible characters
        Case(f"/checkin 4 {INVISIBLE}", "no visible characters", "/checkin [mood 1-5]"),
        Case(f'/milestone add "{INVISIBLE}" 2020-01-01', "no visible characters", "/milestone"),
        Case(f"/safetyplan set signs {INVISIBLE}", "no visible characters", "/safetyplan set"),
        Case(f"/rules add {INVISIBLE}", "no visible characters", "/rules add <text>", True),
        # dates
        Case('/milestone add "sober" 0001-01-01', "between 1900 and 2100", "/milestone add"),
        Case('/milestone add "sober" 2020-02-30', "must be a date like", "/milestone add"),
        Case('/milestone add "sober" 2099-01-01', "is in the future", "/milestone add"),
        # moods and feelings
        Case("/checkin 6", "from 1 to 5, not 6", "/checkin [mood 1-5]"),
        Case("/checkin 4 tird,happy", "did you mean tired", "/checkin [mood 1-5]"),
        Case(f"/checkin {INVISIBLE}", "from 1 to 5", "/checkin [mood 1-5]"),
        Case("/mood chart 8", "must be one of: 7, 30, 90", "/mood chart"),
        # choices and codes
        Case("/settings country 12", "unknown country code '12'", "/settings country"),
        Case("/settings celebrate loud", "must be one of: public, private", "/settings celebrate"),
        Case("/helpline GBR", "unknown country code 'GBR'", "/helpline [country]"),
        Case("/helpline <b>GB</b>", "unknown country code '<b>GB</b>'", "/helpline [country]"),
        Case("/safetyplan set 9 x", "unknown step '9'", "/safetyplan set"),
        Case("/support maybe", "must be one of: trust, lead", "/support <trust|lead>"),
        Case("/consent perhaps", "must be one of: yes, no", "/consent [yes|no]"),
        Case("/forgetme now", "must be one of: confirm", "/forgetme [confirm]"),
        Case("/community country XX", "unknown country code 'XX'", "/community country", True),
        Case("/community alerts maybe", "must be one of: on, off", "/community alerts", True),
        # words a command does not take
        Case("/summary extra", "unexpected 'extra'", "/summary"),
        Case("/privacy extra", "unexpected 'extra'", "/privacy"),
    ]


def check_answer(case: Case, text: str) -> None:
    """One answer to `case`: the reason first, the usage last, no long echo, no failure."""
    first, *rest = text.splitlines()
    assert case.reason.casefold() in first.casefold(), (case.line[:80], text)
    assert rest and rest[-1].startswith("Usage: "), (case.line[:80], text)
    assert case.usage in rest[-1], (case.line[:80], text)
    assert "something went wrong" not in text.casefold(), (case.line[:80], text)
    assert "Recorded" not in text, (case.line[:80], text)
    assert max(len(line) for line in text.splitlines()) <= LONGEST_LINE, (case.line[:80], text)
    for word in case.line.split():
        if len(word) > 40:  # a long word of the input is never echoed whole
            assert word not in text, (case.line[:80], text[:300])


# What a refused command could have changed: every row a member or a lead stores.
STORED = {
    "checkins": "SELECT member_id, mood, tags, note FROM checkins ORDER BY id",
    "milestones": "SELECT * FROM milestones ORDER BY id",
    "resources": "SELECT * FROM resources ORDER BY id",
    "rules": "SELECT community_id, position, text FROM rules ORDER BY community_id, position",
    "schedules": "SELECT * FROM schedules ORDER BY id",
    "safety_plans": "SELECT member_id, plan FROM safety_plans ORDER BY member_id",
    "consents": "SELECT * FROM consents ORDER BY 1",
    "members": (
        "SELECT id, timezone, country, celebrate_public, nudges_paused_until "
        "FROM members ORDER BY id"
    ),
    "communities": (
        "SELECT id, timezone, country, welcome, alert_member_id, celebrate "
        "FROM communities ORDER BY id"
    ),
}


def fingerprint(database: Path | str) -> dict[str, list[tuple]]:
    """What the tables hold, on either engine."""
    return {table: query(database, sql) for table, sql in STORED.items()}
