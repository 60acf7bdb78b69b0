"""Reports through the console: two members report one message (by its number, as a reply);
the leads get one report, then a merged one, never who reported; a lead marks it handled; a
report with no message outside a conversation, of one's own message, or twice is refused with
the usage line and nothing stored."""

from __future__ import annotations

SETUP = [":in lounge", ":as lee lead", "/rules", "/community oncall lee"]


def test_a_message_reported_by_two_members_is_merged_and_marked_handled(console) -> None:
    t = console(
        [
            *SETUP,
            ":as joe",
            "/rules",
            "buy cheap followers at <b>example</b> @everyone",
            ":as ana",
            "/rules",
            ":reply 1 /report spam, and it pings everyone",
            ":as kim",
            "/rules",
            ":reply 1 /report",
            ":as lee",
            ":dm",
            ":press 1",
            "/report handled 1",
        ]
    )
    assert t.step("buy cheap followers at <b>example</b> @everyone").said == 1
    first = t.step(":reply 1 /report spam, and it pings everyone").messages
    assert [m.header for m in first] == ["@ana private", "@lee private"]
    assert "without your name" in first[0].text
    alert = first[1]
    assert alert.text.startswith("Report #1 in lounge: a message by joe was reported.")
    assert "The message: buy cheap followers at <b>example</b> @everyone" in alert.text
    assert "Reason: spam, and it pings everyone" in alert.text and "ana" not in alert.text
    assert alert.buttons == ("Mark handled",)
    again = t.step(":reply 1 /report").messages
    assert "reported again, by 2 members now" in again[1].text and "kim" not in again[1].text
    assert "The message:" not in again[1].text
    assert "marked handled" in t.step(":press 1").messages[0].text
    assert "already marked handled" in t.step("/report handled 1").messages[0].text
    assert t.query("SELECT state FROM reports") == [("handled",)]
    assert t.query("SELECT COUNT(*) FROM report_reasons") == [(2,)]


def test_a_reported_message_the_screen_flags_tells_the_leads_to_reach_out(console) -> None:
    t = console(
        [
            *SETUP,
            ":as joe",
            "/rules",
            "i want to end my life tonight",
            ":as ana",
            "/rules",
            ":reply 1 /report worried about joe",
        ]
    )
    alert = t.step(":reply 1 /report worried about joe").messages[1]
    assert "its writer may need support now" in alert.text and "/sos" in alert.text


def test_bad_reports_are_refused_and_nothing_is_stored(console) -> None:
    t = console(
        [
            *SETUP,
            ":as ana",
            "/rules",
            "hello all",
            ":reply 1 /report",
            "/report spam",
            ":as kim",
            "/rules",
            ":reply 1 /report " + "x" * 301,
            ":reply 1 /report",
            ":reply 1 /report again",
            "/report handled 1",
        ]
    )
    own = t.step(":reply 1 /report").messages[0].text
    assert "your own message" in own and "Usage: /report" in own
    bare = t.step("/report spam").messages[0].text
    assert "eply to the message" in bare and "Usage: /report" in bare
    assert "Usage: /report" in t.step(":reply 1 /report " + "x" * 301).messages[0].text
    twice = t.step(":reply 1 /report again").messages[0].text
    assert "reported that message already" in twice and "Usage: /report" in twice
    member = t.step("/report handled 1").messages[0].text
    assert "only a lead" in member.casefold() and "Usage: /report handled" in member
    assert t.query("SELECT state FROM reports") == [("open",)]
    assert t.query("SELECT COUNT(*) FROM report_reasons") == [(1,)]
