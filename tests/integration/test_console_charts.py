"""`haven console` transcripts: /mood chart and the lead's /summary chart, written to disk."""

from __future__ import annotations

import re
from pathlib import Path

from PIL import Image

ATTACHMENT = re.compile(r"\(attachment: (?P<name>[^)]+)\) written to (?P<path>\S+)")


def written(text: str) -> tuple[str, Path] | None:
    match = ATTACHMENT.search(text)
    return (match["name"], Path(match["path"])) if match else None


def png_size(path: Path) -> tuple[int, int]:
    with Image.open(path) as picture:
        assert picture.format == "PNG"
        return picture.size


def test_mood_chart_is_private_written_to_disk_and_described(console):
    t = console(
        [
            "/mood chart",  # nothing to draw yet
            "/consent yes",
            "/checkin 4 tired,hopeful",
            ":clock +1d",
            "/checkin 2 anxious",
            ":clock +1d",
            "/checkin 3",
            ":in lounge",
            "/mood chart 7",
            "/mood chart 12",
            ":dm",
            "/mood",
            ":press 3",
        ]
    )
    assert "nothing to draw" in t.step("/mood chart").text
    assert written(t.step("/mood chart").text) is None

    (reply,) = t.step("/mood chart 7").messages  # typed in a group, answered privately
    assert reply.header == "@you private"
    assert "In words: 3 check-ins on 3 of 7 days; average 3.0 (okay)" in reply.text
    assert "Lowest day 2 (low) on 6 Jan; best day 4 (good) on 5 Jan." in reply.text
    assert "Current streak: 3 days" in reply.text
    assert "anxious ×1" in reply.text
    found = written(reply.text)
    assert found is not None
    name, path = found
    assert name == "mood-7-days-2026-01-07.png"
    assert png_size(path) == (1080, 1350)
    assert not any(m.public for m in t.messages)  # mood never reaches the group

    bad = t.step("/mood chart 12").text
    assert "7, 30, 90" in bad and "Usage: /mood chart [7|30|90|365]" in bad

    (report,) = t.step("/mood").messages
    assert report.buttons == ("📈 7 days", "📈 30 days", "📈 90 days", "📈 365 days")
    pressed = t.step(":press 3").text
    # A new member's chart starts at the first check-in (at least a week), not 83 empty days.
    assert pressed.startswith("Your mood chart, last 7 days (you asked for 90")
    found = written(pressed)
    assert found is not None and found[0] == "mood-90-days-2026-01-07.png"


def _members_check_in(names: list[str]) -> list[str]:
    lines = []
    for index, name in enumerate(names):
        lines += [f":as {name}", "/consent yes", f"/checkin {1 + index % 5}"]
    return lines


def test_lead_summary_has_a_chart_only_from_the_threshold_on(console):
    five = ["ana", "ben", "cai", "dee", "eli"]
    t = console(
        [
            ":in lounge",
            *_members_check_in(five[:4]),
            ":clock +7d",  # the week of 05 Jan is now complete, with 4 members
            ":as lead lead",
            "/summary",
            *_members_check_in(five),
            ":clock +7d",  # the week of 12 Jan had 5 members
            ":as lead lead",
            "/summary",
        ]
    )
    below = t.step("/summary").messages
    assert [m.header for m in below] == ["@lead private"]
    assert "Week of 5 Jan: fewer than 5 members checked in; not shown" in below[0].text
    assert "No chart this time" in below[0].text
    assert written(below[0].text) is None

    (enough,) = t.step("/summary", 1).messages
    assert enough.header == "@lead private"
    assert "Week of 12 Jan: 5 members, 5 check-ins, average 3.0" in enough.text
    assert "No chart this time" not in enough.text
    found = written(enough.text)
    assert found is not None
    assert found[0] == "community-mood-2026-01-12.png"
    assert png_size(found[1]) == (1080, 1350)
    assert not any(m.public for m in t.messages if "mood" in m.text.casefold())
