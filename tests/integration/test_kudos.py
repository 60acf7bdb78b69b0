"""Kudos through the console: thanks in the group or privately, shown in the thanked member's
/milestones, counted toward the group's monthly celebration; a member may turn them off; bad
input is refused with the usage line and nothing stored."""

from __future__ import annotations


def test_kudos_in_the_group_privately_and_in_milestones(console) -> None:
    t = console(
        [
            ":in lounge",
            ":as kim",
            "/rules",
            ":as ana",
            "/rules",
            "/kudos kim Thank you for listening last night <b>really</b> @everyone",
            "/kudos @Kim again",
            ":as bo",
            "/rules",
            "/kudos kim private You made my week.",
            ":as kim",
            "/milestones",
        ]
    )
    shown = t.step("/kudos kim Thank you for listening last night <b>really</b> @everyone")
    post = next(m for m in shown.messages if m.public)
    assert post.text.startswith("🌟 ana thanked kim.")
    assert "They wrote: Thank you for listening last night <b>really</b> @everyone" in post.text
    again = t.step("/kudos @Kim again").messages[0].text
    assert "thanked that member today already" in again and "Usage: /kudos" in again
    alone = t.step("/kudos kim private You made my week.").messages
    assert [m.header for m in alone] == ["@bo private", "@kim private"]
    assert "bo from lounge sent you kudos" in alone[1].text and "You made my week." in alone[1].text
    assert not any(m.public for m in alone)
    mine = t.step("/milestones").messages[0].text
    assert "Kudos received: 2 (2 in the last 30 days)" in mine
    assert t.query("SELECT public FROM kudos ORDER BY id") == [(1,), (0,)]


def test_a_member_may_turn_kudos_off_and_bad_kudos_store_nothing(console) -> None:
    bad = {
        "/kudos": "Usage: /kudos",
        "/kudos ana thanks": "someone else",
        "/kudos nobody thanks": "o member of this group is called nobody",
        "/kudos kim " + "x" * 320: "Usage: /kudos",
        "/kudos kim hi": "turned kudos off",
    }
    t = console(
        [
            ":in lounge",
            ":as kim",
            "/rules",
            "/kudos off",
            ":as ana",
            "/rules",
            *bad,
            ":as kim",
            "/kudos on",
        ]
    )
    assert "Kudos are off" in t.step("/kudos off").messages[0].text
    for line, why in bad.items():
        said = t.step(line).messages[0].text
        assert why in said and "Usage: /kudos" in said, (line, said)
    assert "Kudos are on" in t.step("/kudos on").messages[0].text
    assert t.query("SELECT COUNT(*) FROM kudos") == [(0,)]
    assert t.query("SELECT COUNT(*) FROM kudos_off") == [(0,)]


def test_ten_kudos_in_a_month_are_celebrated_once_in_the_group(console) -> None:
    names = [f"m{n}" for n in range(11)]
    lines = [":in lounge"]
    for name in names:
        lines += [f":as {name}", "/rules"]
    for giver in names[1:]:
        lines += [f":as {giver}", f"/kudos m0 thanks from {giver}"]
    t = console([*lines, ":clock +1h", ":clock +1h"], start="2026-03-10T10:00:00+00:00")
    posts = [m for s in t.steps if s.line == ":clock +1h" for m in s.messages if m.public]
    assert [m.text for m in posts] == [
        "💛 10 kudos shared here this month. Thank you for lifting each other up."
    ]


def test_kudos_given_and_received_are_in_mydata_and_erasure_keeps_the_others_thanks(
    console, tmp_path
) -> None:
    import json

    t = console(
        [
            ":in lounge",
            ":as kim",
            "/rules",
            ":as ana",
            "/rules",
            "/kudos kim thank you",
            "/mydata",
            "/forgetme confirm",
        ]
    )
    (exported,) = tmp_path.rglob("haven-my-data.json")
    data = json.loads(exported.read_text())
    assert len(data["kudos_given"]) == 1 and data["kudos"] == []
    assert t.query("SELECT giver_id, receiver_id IS NOT NULL FROM kudos") == [(None, 1)]
