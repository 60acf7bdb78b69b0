"""Anonymous shares through the console: a member shares; a lead reviews the words without
ever learning who wrote them; the approved share is posted as "A member shared:" with response
buttons whose counts change in place; the author hears how many responded and may remove it; a
declined share is answered kindly. Nothing any lead or the group sees names the author; bad
input is refused with the usage line and nothing stored."""

from __future__ import annotations

SETUP = [":in lounge", ":as lee lead", "/rules", "/community oncall lee", ":as ana", "/rules"]
TEXT = "Today I asked my doctor for help for the first time. I was scared but I did it."


def test_a_share_reviewed_posted_answered_and_removed_without_the_author(console) -> None:
    t = console(
        [
            *SETUP,
            f"/share {TEXT}",
            ":as lee",
            ":dm",
            ":press 1",
            ":in lounge",
            ":as kim",
            ":press 1",
            ":press 1",
            ":press 3",
            ":as bo",
            "/share I had a rough week and I want to talk about it.",
            ":as lee",
            ":dm",
            ":press 2",
            ":in lounge",
            ":as ana",
            "/share delete 1",
        ]
    )
    asked = t.step(f"/share {TEXT}").messages
    assert [m.header for m in asked] == ["@ana private", "@lee private"]
    assert "share #1 waits" in asked[0].text
    review = asked[1]
    assert TEXT in review.text and "won't learn who wrote it" in review.text
    assert review.buttons == ("Approve", "Decline", "Approve with a content note")
    posted = t.step(":press 1", 0).messages
    post = next(m for m in posted if m.public)
    assert post.text == f"A member shared:\n{TEXT}" and post.post == "1"
    assert post.buttons == ("I relate · 0", "Sending support · 0", "Thank you for sharing · 0")
    assert any(m.header == "@ana private" and "is posted" in m.text for m in posted)
    first = t.step(":press 1", 1).messages
    assert next(m for m in first if m.public).buttons[0] == "I relate · 1"
    assert any(m.header == "@ana private" and "1 member responded" in m.text for m in first)
    again = t.step(":press 1", 2).messages
    assert next(m for m in again if m.public).buttons[0] == "I relate · 1"  # once a member
    declined = t.step(":press 2").messages
    told = next(m for m in declined if m.header == "@bo private")
    assert "decided not to post" in told.text and "/talk" in told.text
    assert not any(m.public for m in declined)
    removed = t.step("/share delete 1").messages
    assert removed[1].post == "1 changed" and "removed by the member" in removed[1].text
    assert removed[1].buttons == ()
    seen_by_others = [
        m for step in t.steps for m in step.messages if m.header in ("@lee private", "#lounge")
    ]
    assert all("ana" not in m.text and "bo" not in m.text.split() for m in seen_by_others)
    assert t.query("SELECT state, text FROM shares ORDER BY id") == [
        ("deleted", ""),
        ("declined", "I had a rough week and I want to talk about it."),
    ]


def test_bad_shares_are_refused_and_nothing_is_stored(console) -> None:
    bad = {
        "/share": "Write what you'd like",
        "/share " + "x" * 1501: "Usage: /share",
        "/share delete 99": "no share #99",
        "/share approve 1": "Only a lead",
    }
    t = console(
        [
            ":in lounge",
            ":as lee lead",
            "/rules",
            "/community oncall lee",
            ":as kim",
            "/rules",
            "/share one",
            "/share two",
            "/share three",
            "/share four",
            *bad,
        ]
    )
    assert "3 times a day" in t.step("/share four").messages[0].text
    for line, why in bad.items():
        said = t.step(line).messages[0].text
        assert why in said and "Usage: /share" in said, (line, said)
    assert t.query("SELECT text, state FROM shares ORDER BY id") == [
        ("one", "pending"),
        ("two", "pending"),
        ("three", "pending"),
    ]


def test_feedback_reaches_the_leads_and_is_answered_without_the_author(console) -> None:
    t = console(
        [
            *SETUP,
            "/feedback The Sunday circle could start an hour later.",
            ":as lee",
            ":dm",
            "/feedback reply 1 Thank you, we'll try 19:00 next month.",
            ":as kim",
            "/feedback reply 1 hello",
            "/feedback",
        ]
    )
    sent = t.step("/feedback The Sunday circle could start an hour later.").messages
    assert [m.header for m in sent] == ["@ana private", "@lee private"]
    assert "without your name" in sent[0].text
    assert "start an hour later" in sent[1].text and "ana" not in sent[1].text
    assert "press Reply, or send /feedback reply 1 and your answer" in sent[1].text
    answered = t.step("/feedback reply 1 Thank you, we'll try 19:00 next month.").messages
    assert [m.header for m in answered] == ["@lee private", "@ana private"]
    assert "still don't know who" in answered[0].text
    assert "we'll try 19:00" in answered[1].text
    assert "Usage: /feedback reply" in t.step("/feedback reply 1 hello").messages[0].text
    assert "Usage: /feedback" in t.step("/feedback").messages[0].text
    assert t.query("SELECT COUNT(*), COUNT(answered_at) FROM feedback") == [(1, 1)]


def test_a_share_the_screen_flags_gets_the_crisis_reply_and_waits_for_the_member(console) -> None:
    crisis = "I don't want to be alive anymore and nobody would notice"
    t = console(
        [
            *SETUP,
            f"/share {crisis}",
            ":dm",
            ":press 1",
            ":as lee",
            ":dm",
            "/share decline 1 Thank you for trusting us. Lee is around tonight if you want /talk.",
        ]
    )
    flagged = t.step(f"/share {crisis}").messages
    assert "helpline" in flagged[0].text.casefold() or "/sos" in flagged[0].text
    assert all(m.header != "@lee private" for m in flagged)  # no lead sees it yet
    held = next(m for m in flagged if "kept your share #1 back" in m.text)
    assert held.header == "@ana private" and held.buttons == ("Share it anyway", "Don't share it")
    assert not any(m.public for m in flagged)
    chose = t.step(":press 1").messages
    assert [m.header for m in chose] == ["@ana private", "@lee private"]
    assert crisis in chose[1].text and "ana" not in chose[1].text.replace(crisis, "")
    assert "/share decline 1 and your words" in chose[1].text
    told = t.step(
        "/share decline 1 Thank you for trusting us. Lee is around tonight if you want /talk."
    )
    to_ana = next(m for m in told.messages if m.header == "@ana private")
    assert "decided not to post" in to_ana.text
    assert "The lead wrote: Thank you for trusting us." in to_ana.text
    assert t.query("SELECT state, held FROM shares") == [("declined", 0)]


def test_a_held_share_the_member_keeps_back_is_never_seen(console) -> None:
    t = console(
        [
            *SETUP,
            "/share I want to kill myself tonight",
            ":dm",
            ":press 2",
            "/share send 1",
        ]
    )
    kept = t.step(":press 2").messages
    assert [m.header for m in kept] == ["@ana private"] and "removed" in kept[0].text
    again = t.step("/share send 1").messages
    assert "Usage: /share send" in again[0].text
    after = t.steps[[s.line for s in t.steps].index("/share I want to kill myself tonight") :]
    assert all("lee private" not in m.header for s in after for m in s.messages)
    assert t.query("SELECT state, text FROM shares") == [("deleted", "")]


def test_forgetme_takes_the_authors_words_out_of_the_group_too(console) -> None:
    t = console(
        [
            *SETUP,
            f"/share {TEXT}",
            ":as lee",
            ":dm",
            ":press 1",
            ":as ana",
            "/forgetme confirm",
        ]
    )
    erased = t.step("/forgetme confirm").messages
    assert erased[0].header == "@ana private" and "erased" in erased[0].text
    assert erased[1].post == "1 changed" and "removed by the member" in erased[1].text
    assert TEXT not in erased[1].text and erased[1].buttons == ()
    assert t.query("SELECT COUNT(*) FROM shares") == [(0,)]


def test_a_lead_answers_feedback_with_its_reply_button(console) -> None:
    t = console(
        [
            *SETUP,
            "/feedback Please add a quiet channel for bad days.",
            ":as lee",
            ":dm",
            ":press 1",
            "Good idea: it opens on Monday. Thank you for saying it.",
            "and this is just a note to Haven",
        ]
    )
    sent = t.step("/feedback Please add a quiet channel for bad days.").messages
    assert sent[1].header == "@lee private" and sent[1].buttons == ("Reply",)
    asked = t.step(":press 1").messages[0]
    assert "Write your answer to feedback #1 as your next message here" in asked.text
    answered = t.step("Good idea: it opens on Monday. Thank you for saying it.").messages
    assert [m.header for m in answered] == ["@lee private", "@ana private"]
    assert "still don't know who" in answered[0].text
    assert "Good idea: it opens on Monday." in answered[1].text
    after = t.step("and this is just a note to Haven").messages  # one answer per press
    assert all(m.header == "@lee private" for m in after)
    assert t.query("SELECT answered_at IS NOT NULL, replying_by FROM feedback") == [(1, None)]
