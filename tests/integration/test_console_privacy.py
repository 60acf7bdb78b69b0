"""`haven console` transcripts: consent first, private answers in a group, export and erasure,
and the crisis reply to plain text."""

from __future__ import annotations

import json


def test_consent_export_and_erasure_in_the_console(console, tmp_path):
    t = console(
        [
            ":in lounge",
            "/checkin 4 tired a private note",
            "/consent yes",  # the check-in given before is recorded now
            "/privacy",
            "/mydata",
            "/forgetme",
            "/forgetme confirm",
        ]
    )
    (ask,) = t.step("/checkin 4 tired a private note").messages
    assert ask.private and ask.buttons == ("I agree", "No thanks")
    given, recorded = t.step("/consent yes").messages
    assert given.private and recorded.private and "Recorded privately" in recorded.text
    (shown,) = t.step("/privacy").messages
    assert shown.private and "check-ins: 1 (with a note: 1)" in shown.text
    exported = t.step("/mydata").messages
    assert exported[0].private
    files = list(tmp_path.rglob("haven-my-data.json"))
    assert files and json.loads(files[0].read_text())["checkins"][0]["note"] == "a private note"
    (question,) = t.step("/forgetme").messages
    assert "Are you sure" in question.text
    (done,) = t.step("/forgetme confirm").messages
    assert done.private and "erased" in done.text
    assert not any(m.public and "note" in m.text for m in t.messages)
    assert t.count("checkins") == 0 and t.count("consents") == 0


def test_plain_text_in_crisis_gets_the_private_reply(console):
    t = console([":in lounge", "i cant do this anymore, i want to end it all"])
    (reply,) = t.step("i cant do this anymore, i want to end it all").messages
    assert reply.private and "You're not alone" in reply.text
    assert "Reach someone you trust" in reply.buttons
    assert t.count("checkins") == 0


def test_what_was_asked_before_consent_is_done_when_the_member_agrees(console):
    """A check-in (typed or pressed), a milestone or a reminder given before consent waits in
    memory, nothing stored, and is done the moment the member agrees; refusing forgets it."""
    t = console(
        [
            ":as ann",
            "/checkin 2 tired had a long day",
            ":press 1",  # I agree: the check-in is recorded now, as given
            ":as bob",
            '/milestone add "sober" 2026-01-01',
            ":press 2",  # No thanks: forgotten
            "/consent yes",  # agreeing later does not bring it back
            ":as cat",
            "/checkin",
            ":press 3",
            ":press 1",
        ]
    )
    agreed = t.step(":press 1").text
    assert "consent is recorded" in agreed
    assert "Recorded privately: 🙁 2 (low). Feelings: tired." in agreed
    assert t.query(
        "SELECT m.name, c.mood, c.tags, c.note FROM checkins c JOIN members m "
        "ON m.id = c.member_id ORDER BY c.id"
    ) == [("ann", 2, "tired", "had a long day"), ("cat", 3, "", None)]
    assert "nothing was stored" in t.step(":press 2").text
    assert t.count("milestones") == 0
    assert "How are you feeling right now?" in t.step("/consent yes").text
    # A mood pressed before consent asks first, and is recorded once agreed.
    assert "Before I keep your check-ins" in t.step(":press 3").text
    assert "Recorded privately: 😐 3 (okay)" in t.step(":press 1", 1).text
    assert t.count("checkins") == 2
