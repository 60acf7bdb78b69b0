"""`haven console` transcripts: a personal milestone celebrated once, from 09:00 local time."""

from __future__ import annotations


def test_one_week_milestone_is_celebrated_once_at_nine(console):
    t = console(
        [
            "/consent yes",  # nothing is kept before the member agrees
            '/milestone add "sober" 2026-01-01',
            "/milestones",
            ":clock 2026-01-08T08:30",  # the mark's day, but before 09:00
            ":clock 2026-01-08T10:00",
            ":clock +1d",
            "/milestones",
        ]
    )
    saved = t.step('/milestone add "sober" 2026-01-01').text
    assert saved.startswith("Milestone #1 saved: sober since 1 Jan 2026.")
    assert "Next: 1 week on Thu, 8 Jan 2026." in saved

    listed = t.step("/milestones").text
    assert "#1 sober, since 1 Jan 2026: just begun; next 1 week on 8 Jan 2026" in listed
    assert "Add a personal milestone" not in listed  # the hint is for members without one

    (early,) = t.step(":clock 2026-01-08T08:30").messages
    assert early.text == "clock: 2026-01-08 08:30 UTC (Thursday)"

    celebration, clock_note = t.step(":clock 2026-01-08T10:00").messages
    assert celebration.header == "@you private"
    assert celebration.text.startswith("🎉")
    assert "1 week" in celebration.text and "sober" in celebration.text
    assert clock_note.text == "clock: 2026-01-08 10:00 UTC (Thursday)"

    (next_day,) = t.step(":clock +1d").messages
    assert next_day.is_note and next_day.text == "clock: 2026-01-09 10:00 UTC (Friday)"
    assert t.stdout.count("🎉") == 1

    later = t.step("/milestones", 1).text
    assert "#1 sober, since 1 Jan 2026: reached 1 week; next 1 month on 1 Feb 2026" in later
    assert t.query("SELECT key, at FROM celebrations") == [
        ("personal:1:1 week", "2026-01-08T09:00:00+00:00")
    ]


def test_a_broken_streak_never_un_reaches_a_milestone(console):
    lines = ["/consent yes"]
    for _ in range(9):
        lines += ["/checkin 4", ":clock +1d"]
    lines += [":clock +2d", "/checkin 4", "/milestones", "/mood chart 365"]
    t = console(lines)
    listed = t.step("/milestones").text
    assert "Check-in streak: 1 day (your best: 9)." in listed
    assert "Streak milestones reached: 3 days, 7 days" in listed
    assert "Next streak milestone: 14 days (13 to go)." in listed
    assert "you asked for 365" in t.step("/mood chart 365").text  # from the first check-in
