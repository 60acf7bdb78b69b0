"""The console's own lines: `:help`, and `:press` acting only on buttons the current member
can see (their own private messages, the current group's public ones)."""

from __future__ import annotations


def test_help_lists_the_console_lines(console):
    t = console([":help"])
    text = t.stdout
    for line in (":as NAME", ":in NAME", ":join NAME", ":press N", ":clock", ":quit", "/help"):
        assert line in text


def test_press_never_acts_on_another_members_private_buttons(console):
    t = console(
        [
            ":as ann",
            "/checkin",  # Ann's private mood buttons
            ":as bob",
            ":press 4",  # Bob has no buttons: refused, nothing recorded for anyone
            ":as ann",
            ":press 4",  # Ann's own: the consent question
        ]
    )
    refused = t.step(":press 4", 0).text
    assert "no message with buttons for bob" in refused
    assert "[@ann private]" not in refused and "[@bob private]" not in refused
    assert "Before I keep your check-ins" in t.step(":press 4", 1).text
    assert t.count("checkins") == 0


def test_a_groups_public_buttons_are_pressable_by_its_members(console):
    t = console(
        [
            ":in lounge",
            ":as sam lead",
            "/rules welcome on",
            ":join kim",  # the welcome's "I agree" is public in the group
            ":as kim",
            ":press 2",
            ":dm",
            ":press 2",  # in the direct chat the group's buttons are out of sight
        ]
    )
    assert "agreement to the ground rules is recorded" in t.step(":press 2", 0).text
    assert "no message with buttons for kim" in t.step(":press 2", 1).text
