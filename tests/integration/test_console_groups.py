"""`haven console` transcripts: ground rules edited by leads, and the welcome on joining."""

from __future__ import annotations

import pytest

from bot.catalog import load_catalog

LOUNGE_RULES = (
    "SELECT r.text FROM rules r JOIN communities c ON c.id = r.community_id "
    "WHERE c.key = 'lounge' ORDER BY r.position"
)


@pytest.fixture(scope="module")
def defaults() -> list[str]:
    return list(load_catalog().rules)


def _numbered(rules: list[str]) -> str:
    return "\n".join(f"{i}. {rule}" for i, rule in enumerate(rules, start=1))


def test_rules_are_public_leads_edit_them_and_members_are_refused(console, defaults):
    last = len(defaults) + 1
    t = console(
        [
            ":in lounge",
            "/rules",
            ":as sam lead",
            "/rules add Be kind to yourself too",
            f"/rules move {last} 1",
            "/rules remove 2",
            f"/rules move 1 {last + 5}",  # no such position: refused, nothing changes
            ":as kim",
            "/rules add Kim's own rule",
            "/rules move 1 2",
            "/rules remove 1",
            "/rules",
        ]
    )
    (shown,) = t.step("/rules").messages
    assert shown.header == "#lounge"  # rules are for everyone in the group
    assert shown.text == f"Ground rules of lounge:\n{_numbered(defaults)}"

    expected = [*defaults, "Be kind to yourself too"]
    added = t.step("/rules add Be kind to yourself too").messages[0]
    assert added.header == "@sam private"
    assert added.text.startswith(f"Added rule {last}.")

    expected.insert(0, expected.pop(last - 1))
    moved = t.step(f"/rules move {last} 1").text
    assert moved.startswith(f"Moved rule {last} to position 1.")
    assert _numbered(expected) in moved

    del expected[1]
    removed = t.step("/rules remove 2").text
    assert removed.startswith("Removed rule 2.")
    assert _numbered(expected) in removed

    out_of_range = t.step(f"/rules move 1 {last + 5}").text
    assert f"from 1 to {len(expected)}" in out_of_range
    assert "Usage: /rules move <number 1-99> <to 1-99>" in out_of_range

    for line in ("/rules add Kim's own rule", "/rules move 1 2", "/rules remove 1"):
        (refused,) = t.step(line).messages
        assert refused.header == "@kim private"
        assert "is for group leads" in refused.text
        assert f"Usage: {line.split()[0]} {line.split()[1]}" in refused.text

    (final,) = t.step("/rules", 1).messages
    assert final.header == "#lounge"
    assert final.text == f"Ground rules of lounge:\n{_numbered(expected)}"
    assert [text for (text,) in t.query(LOUNGE_RULES)] == expected


def test_join_posts_welcome_and_agreement_is_recorded_once(console, defaults):
    t = console(
        [
            ":in lounge",
            ":join kim",
            ":as kim",
            ":press 1",  # Read the rules: privately
            ":press 2",  # I agree
            ":press 2",
            ":join lee",  # lee never presses
            ":press 3",
        ]
    )
    (welcome,) = t.step(":join kim").messages
    assert welcome.header == "#lounge"
    assert welcome.text.startswith("Welcome, kim!")
    assert f"with {len(defaults)} ground rules" in welcome.text
    assert _numbered(defaults) not in welcome.text  # one compact message, not the whole list
    assert welcome.buttons == ("Read the rules", "I agree")

    (read,) = t.step(":press 1").messages
    assert read.header == "@kim private" and _numbered(defaults) in read.text

    (agreed,) = t.step(":press 2").messages
    assert agreed.header == "@kim private"
    assert "agreement to the ground rules is recorded" in agreed.text
    (again,) = t.step(":press 2", 1).messages
    assert again.header == "@kim private"
    assert "already agreed" in again.text

    (no_button,) = t.step(":press 3").messages
    assert no_button.is_note and "from 1 to 2" in no_button.text

    rows = dict(
        t.query(
            "SELECT m.user_id, cm.agreed_at FROM community_members cm "
            "JOIN members m ON m.id = cm.member_id "
            "JOIN communities c ON c.id = cm.community_id WHERE c.key = 'lounge'"
        )
    )
    assert rows["kim"] == "2026-01-05T08:00:00+00:00"
    assert rows["lee"] is None


def test_the_rules_gate_restricts_newcomers_and_agreeing_opens_it(console):
    t = console(
        [
            ":in lounge",
            ":as sam lead",
            "/rules gate",
            "/rules gate role",  # no role named: refused with the usage, nothing stored
            "/rules gate restrict",
            ":join kim",
            ":as kim",
            "/rules gate off",  # members cannot change it
            ":press 2",
            ":as sam lead",
            "/rules gate role @Members",
            ":as kim",
            "/rules agree",
            ":as sam lead",
            "/rules gate off",
            ":join lee",
        ]
    )
    assert "opens nothing here" in t.step("/rules gate").text
    refused = t.step("/rules gate role").text
    assert "name the role" in refused.casefold() and "Usage: /rules gate" in refused
    assert "Newcomers read only" in t.step("/rules gate restrict").text

    note, welcome = t.step(":join kim").messages
    assert note.is_note and "kim may read but not write in lounge" in note.text
    assert "which lets you write here" in welcome.text
    assert "is for group leads" in t.step("/rules gate off", 0).text
    lifted, thanks = t.step(":press 2").messages
    assert lifted.is_note and "kim may write in lounge now" in lifted.text
    assert thanks.text.endswith("You can write in the group now.")

    assert "gives the role “Members”" in t.step("/rules gate role @Members").text
    given, again = t.step("/rules agree").messages
    assert "kim gets the role “Members”" in given.text
    assert "already agreed" in again.text and "You now have the role “Members”" in again.text

    (plain,) = t.step(":join lee").messages  # gate off: no change, no promise in the welcome
    assert "which" not in plain.text
    assert t.query("SELECT rules_gate FROM communities WHERE key = 'lounge'") == [(None,)]


def test_rule_wording_is_screened_by_the_rules_and_repeats_are_refused(console):
    """A rule's wording is group content: the learned signal alone (which scored "1 Be kind"
    0.86) does not stop it, the screen's rules still do; a repeated rule is refused."""
    t = console(
        [
            ":in lounge",
            ":as sam lead",
            "/rules edit 1 Be kind",
            "/rules add be  KIND.",
            "/rules add I want to die",
        ]
    )
    assert "Rule 1 changed." in t.step("/rules edit 1 Be kind").text
    repeat = t.step("/rules add be  KIND.").text
    assert "Rule 1 already says that." in repeat and "Usage: /rules add" in repeat
    crisis = t.step("/rules add I want to die")
    assert crisis.messages[0].private and "not alone" in crisis.text
    rules = t.query(LOUNGE_RULES)
    assert rules[0] == ("Be kind",) and ("I want to die",) not in rules
    assert sum(1 for (r,) in rules if r.casefold().startswith("be kind")) == 1


def test_twelve_hour_times_are_understood_and_the_forms_listed_once(console):
    t = console(
        [
            "/consent yes",
            "/remind daily 8am",
            ":in lounge",
            ":as sam lead",
            "/schedule checkin weekdays 9:30pm",
            "/schedule checkin daily 9",
        ]
    )
    assert "daily at 08:00" in t.step("/remind daily 8am").text
    assert "weekdays at 21:30" in t.step("/schedule checkin weekdays 9:30pm").text
    refused = t.step("/schedule checkin daily 9").text
    assert refused.count("daily 09:00") == 1 and "Usage: /schedule checkin" in refused


def test_a_small_group_chooses_its_threshold_and_sunday_covers_its_own_week(console):
    """A lead lowers the threshold to 3 (never below); members are told it in /privacy; a
    summary on Sunday evening covers the week ending that day and no week from before the
    group came to Haven."""
    lines = [":in lounge", ":as sam lead", "/community threshold 2", "/community threshold 3"]
    for name, mood in (("ann", 4), ("bob", 3), ("cat", 2)):
        lines += [f":as {name}", "/consent yes", f"/checkin {mood}"]
    lines += [":as ann", "/privacy", ":clock 2026-01-11T20:00", ":as sam lead", "/summary"]
    t = console(lines)  # the group comes to Haven on Mon 05 Jan
    assert "from 3 to 100, not 2" in t.step("/community threshold 2").text
    assert "at least 3 members" in t.step("/community threshold 3").text
    assert "each standing for at least 3 members of this group" in t.step("/privacy").text
    summary = t.step("/summary").text
    assert "weeks with at least 3 members" in summary
    assert "Week of 5 Jan: 3 members, 3 check-ins" in summary
    assert "Week of 29 Dec" not in summary and "Week of 22 Dec" not in summary
