"""Gatherings through the console: a lead plans a capped workshop, members answer with the
post's buttons (one waits, then moves up when a place frees), reminders reach those going once
each (24 hours and 1 hour before, in their time zone and language), a cancellation reaches
everyone who answered once, and bad input gets the usage line with nothing stored."""

from __future__ import annotations

ADD = '/event add "Coping skills workshop" 2026-01-07 18:00 workshop for 90m cap 1 https://meet.example.org/x'


def test_a_capped_workshop_from_post_to_cancellation(console) -> None:
    t = console(
        [
            ":in lounge",
            ":as sam lead",
            ADD,
            ":as kim",
            ":press 1",
            ":press 1",
            ":as ana",
            "/settings timezone Europe/Berlin",
            "/settings language de",
            ":press 1",
            ":as sam lead",
            "/event attendees 1",
            ":as kim",
            "/event leave 1",
            ":as ana",
            "/events",
            ":clock 2026-01-06T18:10",
            ":clock 2026-01-07T17:10",
            ":clock 2026-01-07T17:40",
            ":as sam lead",
            "/event cancel 1 the room is closed",
            "/event cancel 1",
        ]
    )
    post, done = t.step(ADD).messages
    assert post.public and post.buttons == ("Going", "Maybe", "Can't go") and post.post == "1"
    assert "Coping skills workshop" in post.text and "1 place" in post.text
    assert "Going: 0 · Maybe: 0" in post.text and "sam" not in post.text
    assert done.private and "#1" in done.text
    going, changed = t.step(":press 1", 0).messages
    assert "You're going" in going.text
    assert changed.post == "1 changed" and "Going: 1 · Maybe: 0" in changed.text  # in place
    assert changed.buttons == post.buttons and "kim" not in changed.text
    assert "You're going" in t.step(":press 1", 1).messages[0].text  # twice: one RSVP
    waiting, changed = t.step(":press 1", 2).messages
    assert "Warteliste" in waiting.text  # ana's app is in German
    assert "Going: 1 · Maybe: 0 · Waiting: 1" in changed.text  # the group's language
    (listed,) = t.step("/event attendees 1").messages
    assert "• kim" in listed.text and "ana" in listed.text and listed.private
    left = t.step("/event leave 1").messages
    assert any("kim private" in m.header for m in left)
    moved = [m for m in left if "ana private" in m.header]
    assert len(moved) == 1 and "Platz" in moved[0].text
    (mine,) = t.step("/events").messages
    assert "19:00 (Europe/Berlin)" in mine.text  # 18:00 UTC in ana's own zone
    day_before = [m for m in t.step(":clock 2026-01-06T18:10").messages if not m.is_note]
    hour_before = [m for m in t.step(":clock 2026-01-07T17:10").messages if not m.is_note]
    later = [m for m in t.step(":clock 2026-01-07T17:40").messages if not m.is_note]
    assert [m.header for m in day_before] == ["@ana private"] and "morgen" in day_before[0].text
    assert [m.header for m in hour_before] == ["@ana private"] and "19:00" in hour_before[0].text
    assert later == []  # each reminder once
    told = [m for m in t.step("/event cancel 1 the room is closed").messages]
    assert [m.header for m in told] == ["@sam private", "#lounge", "@ana private"]
    assert told[1].post == "1 changed" and told[1].text.startswith("Cancelled: the room")
    assert told[1].buttons == () and "the room is closed" in told[2].text
    assert "already" in t.step("/event cancel 1").messages[0].text
    assert t.query("SELECT answer FROM rsvps ORDER BY member_id") == [("no",), ("going",)]


def test_bad_events_are_refused_with_the_usage_line(console) -> None:
    bad = [
        '/event add "x" 2025-01-01 10:00',
        '/event add "x" 2026-02-01 25:99',
        '/event add "x" 2026-02-01 10:00 Mars/Base',
        '/event add "x" 2026-02-01 10:00 cap 0',
        '/event add "x" 2026-02-01 10:00 cap 100000',
        '/event add "x" 2026-02-01 10:00 http://example.org',
        '/event add "x" 2026-02-01 10:00 https://example.org/' + "a" * 300,
    ]
    t = console([":in lounge", ":as sam lead", *bad, ":as kim", '/event add "x" 2026-02-01 10:00'])
    for line in bad:
        (said,) = t.step(line).messages
        assert "Usage: /event add" in said.text, (line, said.text)
    (member,) = t.step('/event add "x" 2026-02-01 10:00').messages
    assert "lead" in member.text
    assert t.count("events") == 0


def test_the_calendar_file_imports_back(console, tmp_path) -> None:
    """`/event ics` gives a file a calendar library reads back as the same event, in UTC."""
    from datetime import UTC, datetime, timedelta

    from icalendar import Calendar

    t = console([":in lounge", ":as sam lead", ADD, ":as kim", "/event ics 1"])
    (sent,) = t.step("/event ics 1").messages
    assert sent.private and "event-1.ics" in sent.text
    path = next(tmp_path.rglob("event-1.ics"))
    calendar = Calendar.from_ical(path.read_bytes())
    [event] = calendar.walk("VEVENT")
    start = datetime(2026, 1, 7, 18, 0, tzinfo=UTC)
    assert str(event["summary"]) == "Coping skills workshop"
    assert event.decoded("dtstart") == start
    assert event.decoded("dtend") == start + timedelta(minutes=90)
    assert str(event["url"]) == "https://meet.example.org/x"
    assert "haven-event-1-" in str(event["uid"])


def test_a_circle_opens_with_the_rules_in_short_and_a_round_once(console) -> None:
    t = console(
        [
            ":in lounge",
            ":as sam lead",
            '/event add "Sunday circle" 2026-01-06 19:00 circle',
            ":clock 2026-01-06T19:05",
            ":clock 2026-01-06T20:00",
        ]
    )
    opened = [m for m in t.step(":clock 2026-01-06T19:05").messages if m.public]
    assert len(opened) == 1 and opened[0].header == "#lounge"
    text = opened[0].text
    assert "Sunday circle starts now" in text and "1. Be respectful" in text
    assert "Opening round:" in text and "pass" in text.casefold()
    assert not [m for m in t.step(":clock 2026-01-06T20:00").messages if m.public]


def test_a_weekly_circle_posts_its_next_occurrence_when_one_starts(console) -> None:
    t = console(
        [
            ":in lounge",
            ":as sam lead",
            "/community timezone Europe/Berlin",
            '/event add "Sunday circle" weekly sun 18:00 circle for 90m',
            ":as kim",
            ":press 1",
            ":clock 2026-01-11T17:05",
            ":clock 2026-01-18T17:05",
            "/events",
        ]
    )
    (post, _done) = t.step('/event add "Sunday circle" weekly sun 18:00 circle for 90m').messages
    assert "Sun, 11 Jan 2026, 18:00 (Europe/Berlin)" in post.text
    assert "Repeats: every Sunday at 18:00" in post.text
    first = [m for m in t.step(":clock 2026-01-11T17:05").messages if m.public]
    assert [("starts now" in m.text, "18 Jan 2026" in m.text) for m in first] == [
        (True, False),
        (False, True),
    ]
    assert first[1].buttons == ("Going", "Maybe", "Can't go")
    second = [m for m in t.step(":clock 2026-01-18T17:05").messages if m.public]
    assert len(second) == 2 and "25 Jan 2026" in second[1].text  # one a week, never twice
    assert t.query("SELECT COUNT(*), COUNT(DISTINCT series) FROM events") == [(3, 1)]
    # answers are per occurrence: kim's Going was for the first
    assert t.query("SELECT event_id, answer FROM rsvps") == [(1, "going")]


def test_ratings_are_anonymous_and_shown_from_three(console) -> None:
    went = ["kim", "ana", "bo", "cy"]
    lines = [":in lounge", ":as sam lead", '/event add "Art session" 2026-01-06 18:00 creative']
    for name in went:
        lines += [f":as {name}", ":press 1"]
    lines += [":clock 2026-01-06T19:10"]
    for n, name in enumerate(went[:2]):
        lines += [f":as {name}", f":press {n + 4}"]
    lines += [":as sam lead", "/event attendees 1", ":as cy", ":press 3", ":as sam lead"]
    lines += ["/event attendees 1", ":as zed", "/event rate 1 5"]
    t = console(lines)
    moved = t.step(":clock 2026-01-06T19:10").messages
    asked = [m for m in moved if m.text.startswith("How was Art session?")]
    assert sorted(m.header for m in asked) == sorted(f"@{n} private" for n in went)
    assert all(m.buttons == ("1 ★", "2 ★", "3 ★", "4 ★", "5 ★") for m in asked)
    two = t.step("/event attendees 1", 0).messages[0].text
    assert "Rated" not in two  # two ratings: not shown, so neither can be told apart
    three = t.step("/event attendees 1", 1).messages[0].text
    assert "Rated 4.0 of 5 by 3 people" in three
    (stranger,) = t.step("/event rate 1 5").messages
    assert "Only those who went" in stranger.text and "Usage: /event rate" in stranger.text
    assert t.query("SELECT COUNT(*) FROM event_ratings") == [(3,)]


def test_a_moved_event_tells_everyone_once_and_reminds_at_the_new_time(console) -> None:
    t = console(
        [
            ":in lounge",
            ":as sam lead",
            '/event add "Walk and talk" 2026-01-07 10:00 meetup',
            ":as kim",
            ":press 1",
            ":as sam lead",
            "/event edit 1 2026-01-08 11:00 cap 5 Riverside park",
            "/event edit 1 cap 6",
            "/event edit 1 2025-01-01 10:00",
            "/event edit 1",
            ":clock 2026-01-08T10:30",
        ]
    )
    moved = t.step("/event edit 1 2026-01-08 11:00 cap 5 Riverside park").messages
    done, post, told = moved
    assert post.post == "1 changed" and "Thu, 8 Jan 2026, 11:00" in post.text
    assert "Where: Riverside park" in post.text and "5 places" in post.text and done.private
    assert told.header == "@kim private" and "has moved" in told.text
    assert len(t.step("/event edit 1 cap 6").messages) == 2  # not moved: nobody is told
    for bad in ("/event edit 1 2025-01-01 10:00", "/event edit 1"):
        (said,) = t.step(bad).messages
        assert "Usage: /event edit" in said.text
    reminders = [m for m in t.step(":clock 2026-01-08T10:30").messages if "Reminder" in m.text]
    assert [m.text.count("11:00") for m in reminders] == [1, 1]  # 24 h and 1 h, new time
    assert t.query("SELECT capacity, place FROM events") == [(6, "Riverside park")]


def test_a_template_brings_its_agenda_which_the_lead_may_change_and_which_opens_it(
    console,
) -> None:
    t = console(
        [
            ":in lounge",
            ":as sam lead",
            "/community focus anxiety",
            "/event templates",
            '/event add "Achtsamkeits-Workshop" 2026-01-06 18:00 cap 10 pin',
            "/event agenda 1 Welcome | Breathe together | Close gently",
            "/event agenda 1 " + " | ".join(f"step {n}" for n in range(9)),
            "/event agenda 1 " + "x" * 121,
            "/event agenda 1  |  | ",
            ":as kim",
            "/event agenda 1 none",
            "/events",
            ":as sam lead",
            ":clock 2026-01-06T18:10",
            "/summary",
        ]
    )
    (listed,) = t.step("/event templates").messages
    assert listed.private and "Mindfulness workshop: workshop, 60 minutes" in listed.text
    assert "Walk and talk" in listed.text and "/sos" in listed.text
    post, _ = t.step('/event add "Achtsamkeits-Workshop" 2026-01-06 18:00 cap 10 pin').messages
    assert post.post == "1 pinned" and "workshop, Tue, 6 Jan 2026, 18:00" in post.text
    assert "60 minutes" in post.text and "Agenda:\n1. Welcome and ground rules" in post.text
    done, changed = t.step("/event agenda 1 Welcome | Breathe together | Close gently").messages
    assert done.private and changed.post == "1 changed"
    assert "Agenda:\n1. Welcome\n2. Breathe together\n3. Close gently\nGoing" in changed.text
    for bad, why in (
        ("/event agenda 1 " + " | ".join(f"step {n}" for n in range(9)), "at most 8 steps"),
        ("/event agenda 1 " + "x" * 121, "at most 120 characters"),
        ("/event agenda 1  |  | ", "between | marks"),
    ):
        (said,) = t.step(bad).messages
        assert why in said.text and "Usage: /event agenda" in said.text, said.text
    (refused,) = t.step("/event agenda 1 none").messages
    assert "for group leads" in refused.text
    (mine,) = t.step("/events").messages
    assert mine.text.startswith("Events to come in this group for anxiety, in your time zone")
    opened = [m for m in t.step(":clock 2026-01-06T18:10").messages if m.public]
    assert [m.text for m in opened] == [
        "Achtsamkeits-Workshop starts now. The agenda:\n1. Welcome\n2. Breathe together\n"
        "3. Close gently"
    ]
    (summary,) = t.step("/summary").messages
    assert summary.text.startswith("Your group for anxiety:")
    assert t.query("SELECT kind, minutes, agenda FROM events") == [
        ("workshop", 60, "Welcome\nBreathe together\nClose gently")
    ]
