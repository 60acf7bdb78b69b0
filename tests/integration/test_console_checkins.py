"""`haven console` transcripts: check-ins, /mood, streaks over a simulated week, privacy."""

from __future__ import annotations

import re

from bot.domain.moods import MOODS

MOOD_EMOJI = tuple(m.emoji for m in MOODS.values())


def test_checkin_by_button_typed_and_normalised_then_mood(console):
    t = console(
        [
            "/consent yes",  # nothing is kept before the member agrees
            "/checkin",
            ":press 4",
            "/checkin 4 tired,hopeful some words",
            "/checkin ４",  # full-width digit, as some phone keyboards type it
            '/checkin " 2 "',  # surrounding spaces inside the token
            "/checkin   3   ",
            "/mood",
        ]
    )
    ask = t.step("/checkin").messages
    assert len(ask) == 1 and ask[0].private
    assert ask[0].header == "@you private"
    labels = ask[0].buttons
    assert len(labels) == 5
    for value, label in enumerate(labels, start=1):
        assert f" {value} {MOODS[value].word}" in label

    pressed = t.step(":press 4").text
    assert "Recorded privately" in pressed and "4 (good)" in pressed
    assert "Check-in streak: 1 day." in pressed

    typed = t.step("/checkin 4 tired,hopeful some words").text
    assert "Feelings: tired, hopeful." in typed
    assert "note is saved" in typed
    assert "4 (good)" in t.step("/checkin ４").text
    assert "2 (low)" in t.step('/checkin " 2 "').text
    assert "3 (okay)" in t.step("/checkin   3   ").text

    rows = t.query("SELECT mood, tags, note FROM checkins ORDER BY id")
    assert rows == [
        (4, "", None),
        (4, "tired,hopeful", "some words"),
        (4, "", None),
        (2, "", None),
        (3, "", None),
    ]

    (report,) = t.step("/mood").messages
    assert report.private
    seven = next(line for line in report.text.splitlines() if line.startswith("Last 7 days:"))
    # All five check-ins are today: six empty days, then today's bar. The day's mean is
    # (4 + 4 + 4 + 2 + 3) / 5 = 3.4, drawn as the "okay" bar and averaged to 3.4.
    sparkline = seven.removeprefix("Last 7 days: ").split()[0]
    assert sparkline == "······▄"
    assert "average 3.4" in seven
    assert "(5 check-ins)" in seven
    assert (
        "Current streak: 1 day (longest 1); one missed day a week does not break it." in report.text
    )
    assert "tired ×1" in report.text and "hopeful ×1" in report.text
    assert "some words" not in report.text  # notes are never read back in a summary


def test_a_week_of_daily_checkins_celebrates_3_and_7_days_once_each(console):
    lines = ["/consent yes", ":in lounge"]
    for day in range(1, 8):
        lines.append("/checkin 4")
        if day == 3:
            lines.append("/checkin 2 second one today")  # same day: no second celebration
        lines.append(":clock +1d")
    lines.append("/checkin 5")  # day 8: streak continues, no new celebration
    t = console(lines)

    checkins = [s for s in t.steps if s.line == "/checkin 4"] + [t.step("/checkin 5")]
    assert len(checkins) == 8
    for day, step in enumerate(checkins, start=1):
        plural = "s" if day != 1 else ""
        assert f"Check-in streak: {day} day{plural}." in step.text, step.output
    again = t.step("/checkin 2 second one today").text
    assert "Check-in streak: 3 days." in again and "reached" not in again

    everything = t.stdout
    assert everything.count("reached a 3-day check-in streak") == 1
    assert everything.count("reached a 7-day check-in streak") == 1
    assert "reached a 3-day" in checkins[2].text
    assert "reached a 7-day" in checkins[6].text
    # Celebrations are private unless the member chose public ones.
    assert not any(m.public for m in t.messages)
    assert t.count("checkins") == 9
    assert t.count("celebrations", "key LIKE 'streak:%'") == 2


def test_checkin_typed_in_a_group_is_answered_privately_and_mood_never_goes_public(console):
    t = console(
        [
            ":in lounge",
            ":as kim",
            "/consent yes",
            "/settings celebrate public",
            "/checkin 2 tired rough day at work",
            ":clock +1d",
            "/checkin 5 hopeful",
            ":clock +1d",
            "/checkin 1",
            "/mood",
            "hello is anyone there",
        ]
    )
    for line in ("/checkin 2 tired rough day at work", "/checkin 5 hopeful", "/checkin 1"):
        answer = t.step(line).messages[0]
        assert answer.header == "@kim private", answer
        assert "Recorded privately" in answer.text
    assert all(m.header == "@kim private" for m in t.step("/mood").messages)
    assert all(m.private for m in t.step("hello is anyone there").messages)

    public = [m for m in t.messages if m.public]
    # Kim chose public celebrations: the 3-day streak is shared in the group, without mood.
    assert [m.header for m in public] == ["#lounge"]
    assert "kim reached a 3-day check-in streak" in public[0].text
    for message in public:
        assert "Recorded" not in message.text
        assert not any(emoji in message.text for emoji in MOOD_EMOJI)
        assert not re.search(r"\b(awful|low|okay|good|great|tired|hopeful|rough)\b", message.text)
    assert t.query("SELECT note FROM checkins WHERE note IS NOT NULL") == [("rough day at work",)]


def test_checkins_survive_a_restart_on_the_same_database(console):
    first = console(["/consent yes", "/checkin 4 hopeful"], db="shared.db")
    assert "Recorded privately" in first.step("/checkin 4 hopeful").text

    second = console(
        ["/mood", "/checkin 3", "/mood"], db="shared.db", start="2026-01-06T08:00:00+00:00"
    )
    before = second.step("/mood").text
    assert "(1 check-in)" in before
    assert "average 4.0" in before
    assert "hopeful ×1" in before
    assert (
        "Current streak: 1 day (longest 1); one missed day a week does not break it." in before
    )  # yesterday's check-in still counts
    assert "Check-in streak: 2 days." in second.step("/checkin 3").text
    after = second.step("/mood", 1).text
    assert "Current streak: 2 days (longest 2); one missed day a week does not break it." in after
    assert second.query("SELECT mood FROM checkins ORDER BY id") == [(4,), (3,)]


def test_feelings_and_a_note_amend_the_same_checkin_then_edit_and_undo(console):
    """After a mood button: feeling buttons and a note add to that one check-in (never a
    second); edit changes it; undo removes today's latest and counts the streak again."""
    t = console(
        [
            "/consent yes",
            "/checkin 3",  # yesterday's check-in: the streak to come back to
            ":clock +1d",
            "/checkin",
            ":press 4",
            ":press 7",  # tired
            ":press 10",  # hopeful
            "/checkin note long day at work",
            "/checkin edit 2",
            "/checkin undo",
            "/checkin undo",  # yesterday's is not today's: nothing left to undo today
            "/checkin feel tired",
        ]
    )
    assert "feelings: tired." in t.step(":press 7").text
    assert "feelings: tired, hopeful." in t.step(":press 10").text
    assert "Note saved on today's check-in" in t.step("/checkin note long day at work").text
    assert (
        "now: 🙁 2 (low); feelings: tired, hopeful; with a note" in t.step("/checkin edit 2").text
    )
    rows = t.query("SELECT mood, tags, note FROM checkins ORDER BY at")
    assert rows == [(3, "", None)]  # yesterday's alone: today's was amended, then undone
    undone = t.step("/checkin undo", 0).text
    assert "Removed today's check-in (🙁 2 (low)" in undone
    assert "Check-in streak: 1 day." in undone  # yesterday still counts until tonight
    assert "no check-in today to undo" in t.step("/checkin undo", 1).text
    assert "no check-in today to add feelings to" in t.step("/checkin feel tired").text
    assert t.query("SELECT current, last_day FROM member_streaks") == [(1, "2026-01-05")]


def test_feelings_are_read_forgivingly_and_an_unknown_word_is_answered(console):
    t = console(
        [
            "/consent yes",
            "/checkin 4 Tired, Anxious had a long day",
            "/checkin 4 exhausted",
            "/checkin 4 tird",
        ]
    )
    assert "Feelings: tired, anxious." in t.step("/checkin 4 Tired, Anxious had a long day").text
    told = t.step("/checkin 4 exhausted").text
    assert "I kept 'exhausted' as your note" in told and "anxious, stressed" in told
    refused = t.step("/checkin 4 tird").text
    assert "did you mean tired?" in refused and "Usage: /checkin" in refused
    assert t.query("SELECT tags, note FROM checkins ORDER BY id") == [
        ("tired,anxious", "had a long day"),
        ("", "exhausted"),
    ]


def test_undo_in_a_group_takes_the_checkin_off_the_groups_count(console):
    t = console(
        [
            ":in lounge",
            "/consent yes",
            "/checkin 4",
            "/checkin 5",
            "/checkin undo",
            ":as kim",
            "/consent yes",
            "/checkin undo",  # Kim has none: another member's entry is never touched
        ]
    )
    assert t.query("SELECT checkins FROM checkin_counts") == [(1,)]
    assert t.query("SELECT mood FROM checkins") == [(4,)]
    assert "no check-in today to undo" in t.step("/checkin undo", 1).text
