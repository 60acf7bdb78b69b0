"""Peer support through the console: a member takes the supporter course (one wrong answer),
a lead approves; another member asks to talk; the supporter accepts; words are relayed both
ways under aliases; a crisis message mid-conversation brings the crisis reply and the
supporter's guidance card; "Alert a lead" reaches the lead on call, whose "I'm on it" tells
the member; /end and a rating. An unanswered request times out and alerts the first lead on
call, then the next, then all of them. Bad input is refused with the usage line."""

from __future__ import annotations

import tomllib
from pathlib import Path

COURSE = tomllib.loads((Path(__file__).resolve().parents[2] / "data/course.toml").read_text())
RIGHT = [
    f"/learn answer {m['slug']} {n} {q['answer']}"
    for m in COURSE["module"]
    for n, q in enumerate(m["quiz"], start=1)
]


def course(name: str) -> list[str]:
    return [":in lounge", f":as {name}", "/rules", ":dm", *RIGHT]


def test_the_whole_path_from_the_course_to_a_rating(console) -> None:
    t = console(
        [
            ":in lounge",
            ":as lee lead",
            "/rules",
            "/community oncall lee",
            ":as ana",
            "/rules",
            ":as kim",
            "/rules",
            ":dm",
            "/learn",
            ":press 1",
            "/learn answer listening 1 1",
            *RIGHT,
            ":in lounge",
            ":as lee lead",
            "/supporters approve kim",
            "/supporters",
            ":as kim",
            "/supporter on",
            ":as ana",
            "/talk exams and sleep",
            ":as kim",
            ":dm",
            ":press 1",
            ":as ana",
            ":dm",
            "hi, I <b>can't</b> sleep @everyone",
            ":as kim",
            "I'm here, take your time. What's keeping you up?",
            ":as ana",
            "I don't want to be alive anymore",
            ":as kim",
            ":press 1",
            ":as lee",
            ":dm",
            ":press 1",
            ":as ana",
            "/end",
            ":press 5",
            "/end",
        ]
    )
    overview = t.step("/learn").messages[0]
    assert "7 short modules" in overview.text and overview.buttons == ("Start: Active listening",)
    screen = t.step(":press 1").messages[0]
    assert screen.text.startswith("Module 1 of 7: Active listening (1/4)")
    (wrong,) = t.step("/learn answer listening 1 1").messages
    assert wrong.text.startswith("Not quite.") and wrong.buttons == ("Try again",)
    passed = t.step(RIGHT[-1]).messages
    assert "passed the whole course" in passed[0].text
    assert passed[1].header == "@lee private" and "/supporters approve kim" in passed[1].text
    approved = t.step("/supporters approve kim").messages
    assert approved[1].header == "@kim private" and "approved you" in approved[1].text
    (listed,) = t.step("/supporters").messages
    assert "• kim: approved; off" in listed.text and "from 5 conversations" in listed.text
    asked = t.step("/talk exams and sleep").messages
    assert [m.header for m in asked] == ["@ana private", "@kim private"]
    assert "ana" not in asked[1].text and "exams and sleep" in asked[1].text
    assert asked[1].buttons == ("Accept",)
    accepted = t.step(":press 1", 1).messages
    assert [m.header for m in accepted] == ["@kim private", "@ana private"]
    member_alias = accepted[0].text.split("You're talking with ")[1].split(".")[0]
    supporter_alias = accepted[1].text.split(",")[0]
    assert "ana" not in accepted[0].text and "kim" not in accepted[1].text
    (relayed,) = t.step("hi, I <b>can't</b> sleep @everyone").messages
    assert relayed.header == "@kim private"
    assert relayed.text == f"{member_alias}: hi, I <b>can't</b> sleep @everyone"
    (back,) = t.step("I'm here, take your time. What's keeping you up?").messages
    assert back.header == "@ana private" and back.text.startswith(f"{supporter_alias}: I'm here")
    crisis = t.step("I don't want to be alive anymore").messages
    assert crisis[0].header == "@ana private" and "Thank you for telling me" in crisis[0].text
    card = [m for m in crisis if m.header == "@kim private"]
    assert len(card) == 1 and card[0].text.startswith(f"{member_alias}: I don't want")
    assert "crisis screen flagged" in card[0].text and card[0].buttons == ("Alert a lead",)
    alerted = t.step(":press 1", 2).messages
    urgent = [m for m in alerted if m.header == "@lee private"]
    assert len(urgent) == 1 and urgent[0].text.startswith("Urgent, lounge: a supporter is worried")
    assert "ana" not in urgent[0].text and urgent[0].buttons == ("I'm on it",)
    acked = t.step(":press 1", 3).messages
    assert [m.header for m in acked] == ["@lee private", "@ana private"]
    assert "A lead has seen this" in acked[1].text
    ended = t.step("/end").messages
    assert {m.header for m in ended} == {"@ana private", "@kim private"}
    assert any("Thank you for listening" in m.text for m in ended)
    assert "Thank you" in t.step(":press 5").messages[0].text
    assert "Usage: /end" in t.step("/end", 1).messages[0].text
    rows = t.query("SELECT state, rating, ended_by FROM talks")
    assert rows == [("ended", 5, "member")]
    assert t.query("SELECT topic FROM talks") == [(None,)]  # the topic was never stored


def test_an_unanswered_request_alerts_the_leads_on_call_in_turn(console) -> None:
    t = console(
        [
            ":in lounge",
            ":as lee lead",
            "/rules",
            ":as sam lead",
            "/rules",
            ":as bo",
            "/rules",
            *course("kim"),
            ":in lounge",
            ":as lee lead",
            "/community oncall lee sam",
            "/supporters approve kim",
            ":as kim",
            "/supporter on",
            ":as bo",
            "/talk",
            ":clock +11m",
            ":clock +15m",
            ":clock +15m",
            ":clock +30m",
        ]
    )
    first = [m for m in t.step(":clock +11m").messages if not m.is_note]
    assert {m.header for m in first} == {"@bo private", "@kim private", "@lee private"}
    told = next(m for m in first if m.header == "@bo private")
    assert "no supporter could take" in told.text and "/sos" in told.text
    lee = next(m for m in first if m.header == "@lee private")
    assert "bo" not in lee.text and lee.buttons == ("I'm on it",)
    second = [m for m in t.step(":clock +15m", 0).messages if not m.is_note]
    assert [m.header for m in second] == ["@sam private"] and "Nobody said" in second[0].text
    third = [m for m in t.step(":clock +15m", 1).messages if not m.is_note]
    assert sorted(m.header for m in third) == ["@lee private", "@sam private"]  # all of them
    assert [m for m in t.step(":clock +30m").messages if not m.is_note] == []


def test_bad_peer_support_input_is_refused_and_nothing_is_stored(console) -> None:
    bad = {
        "/end": "Usage: /end",
        "/supporter hours 25:00-03:00": "Usage: /supporter hours",
        "/supporter max 0": "Usage: /supporter max",
        "/supporter max 50": "Usage: /supporter max",
        "/learn nosuch": "Usage: /learn",
        "/talk accept 99": "Usage: /talk",
    }
    t = console(
        [
            *course("kim"),
            ":in lounge",
            ":as lee lead",
            "/rules",
            "/supporters approve kim",
            "/community talkwait 1",
            ":as kim",
            *bad,
            "/supporter on",
            ":as ana",
            "/rules",
            "/talk",
            "/talk",
            ":as kim",
            "/talk",
            "/talk accept 2",
            ":as lee lead",
            ":as kim",
            "/supporters approve kim",
        ]
    )
    for line, usage in bad.items():
        said = t.step(line).messages[0].text
        assert usage in said, (line, said)
    assert "Usage: /community talkwait" in t.step("/community talkwait 1").messages[0].text
    assert "already have" in t.step("/talk", 1).messages[0].text
    assert "your own request" in t.step("/talk accept 2").messages[0].text
    assert "for group leads" in t.step("/supporters approve kim", 1).messages[0].text
    assert t.query("SELECT max_open, hours FROM supporters") == [(1, None)]
    assert t.query("SELECT state FROM talks ORDER BY id") == [("waiting",), ("unanswered",)]


def test_tell_a_lead_goes_to_the_leads_on_call_in_turn_until_one_is_on_it(console) -> None:
    t = console(
        [
            ":in lounge",
            ":as lee lead",
            "/rules",
            ":as sam lead",
            "/rules",
            "/community oncall lee sam",
            ":as ana",
            "/rules",
            ":dm",
            "/support lead",
            "/support lead",
            ":clock +16m",
            ":as sam",
            ":dm",
            ":press 1",
            ":as lee",
            ":dm",
            ":press 1",
        ]
    )
    told = t.step("/support lead", 0).messages
    assert [m.header for m in told] == ["@ana private", "@lee private"]
    assert "passing this on to a lead" in told[0].text
    assert told[1].text.startswith('ana in lounge pressed "Tell a group lead"')
    assert told[1].buttons == ("I'm on it",)
    (again,) = t.step("/support lead", 1).messages
    assert "won't send another alert just yet" in again.text  # once in ten minutes
    moved = [m for m in t.step(":clock +16m").messages if not m.is_note]
    assert [m.header for m in moved] == ["@sam private"] and "Nobody said" in moved[0].text
    on_it = t.step(":press 1", 0).messages
    assert [m.header for m in on_it] == ["@sam private", "@ana private"]
    assert "A lead has seen this" in on_it[1].text
    assert "Another lead is already on it" in t.step(":press 1", 1).messages[0].text


def test_figures_silence_and_hours(console) -> None:
    """Leads see figures from five conversations (never who); a silent conversation asks both
    whether to stop, once; outside a supporter's hours nobody is offered the request."""
    members = [f"m{n}" for n in range(1, 6)]
    lines = [*course("kim"), ":in lounge", ":as lee lead", "/rules", "/supporters approve kim"]
    lines += [":as kim", "/supporter on"]
    for name in members:
        lines += [":in lounge", f":as {name}", "/rules", "/talk"]
        lines += [":as kim", ":dm", ":press 1", ":clock +2m", f":as {name}", ":dm", "/end"]
        lines += [":press 4"]
    lines += [":in lounge", ":as lee lead", "/supporters"]
    lines += [":as ana", "/rules", "/talk", ":as kim", ":dm", ":press 1", ":clock +31m"]
    lines += [":clock +31m", ":as ana", ":dm", "/end", ":as kim", "/supporter hours 01:00-02:00"]
    lines += [":in lounge", ":as bo", "/rules", "/talk"]
    t = console(lines)
    (listed,) = t.step("/supporters").messages
    assert "5 asked for; 100% matched within 5 minutes" in listed.text
    assert "Average rating 4 of 5 (5 ratings)" in listed.text
    assert all(name not in listed.text for name in members)
    quiet = [m for m in t.step(":clock +31m", 0).messages if not m.is_note]
    assert sorted(m.header for m in quiet) == ["@ana private", "@kim private"]
    assert all("quiet for a while" in m.text for m in quiet)
    assert [m for m in t.step(":clock +31m", 1).messages if not m.is_note] == []  # once
    (outside,) = t.step("/talk", 6).messages
    assert "no supporter could take" in outside.text  # kim is outside her hours


def test_a_request_in_crisis_gets_the_crisis_reply_and_still_goes_on(console) -> None:
    t = console(
        [
            *course("kim"),
            ":in lounge",
            ":as lee lead",
            "/rules",
            "/supporters approve kim",
            ":as kim",
            "/supporter on",
            ":as ana",
            "/rules",
            "/talk I don't want to be alive anymore",
        ]
    )
    said = t.step("/talk I don't want to be alive anymore").messages
    assert said[0].header == "@ana private" and "Thank you for telling me" in said[0].text
    assert any(m.header == "@ana private" and "looking for a supporter" in m.text for m in said)
    (offer,) = [m for m in said if m.header == "@kim private"]
    assert "flagged their request" in offer.text and "alive" not in offer.text
    assert offer.buttons == ("Accept",)
    assert t.query("SELECT state, topic FROM talks") == [("waiting", None)]
