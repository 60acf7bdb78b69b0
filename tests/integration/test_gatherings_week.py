"""A week of gatherings through the console (tools/gatherings_week.py), read as members and a
lead would: the committed transcript in docs/transcripts/ is current, and it shows each
reminder reaching each member once, in their own zone and language; one member waiting, then
moved up; the posts changing in place, never posted twice; the circle opening and continuing;
a cancellation reaching everyone who answered, once."""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import pytest
from console_blocks import Message, parse_blocks

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))
from gatherings_week import OUT, transcript  # noqa: E402


@pytest.fixture(scope="module")
def week(tmp_path_factory: pytest.TempPathFactory) -> str:
    return transcript(tmp_path_factory.mktemp("week"))


def test_the_committed_transcript_is_current(week: str) -> None:
    assert week == OUT.read_text(encoding="utf-8"), "run python tools/gatherings_week.py"


def test_a_week_of_reminders_waiting_and_cancelling(week: str) -> None:
    blocks = [m for m in parse_blocks(week) if not m.is_note]

    def to(name: str, *needles: str) -> list[Message]:
        return [
            m
            for m in blocks
            if m.header == f"@{name} private" and all(n in m.text for n in needles)
        ]

    zones = {"joe": "(Asia/Tokyo)", "kim": "(America/New_York)", "ana": "(Europe/Berlin)"}
    reminders = Counter(
        (m.header, m.text.split(",")[0])
        for m in blocks
        if m.text.startswith(("Reminder:", "Erinnerung:"))
    )
    assert set(reminders.values()) == {1}  # each reminder once
    assert len(reminders) == 8  # workshop: joe, ana; circle: kim, ana; 24 h and 1 h each
    for m in blocks:
        if m.text.startswith(("Reminder:", "Erinnerung:")):
            name = m.header.split()[0][1:]
            assert m.text.endswith(f"{zones[name]}."), m.text  # in the member's own zone
    ana = [m for m in blocks if m.header == "@ana private" and "Europe/Berlin)." in m.text]
    assert len(ana) == 4 and all(m.text.startswith("Erinnerung:") for m in ana)  # her language
    assert len(to("ana", "Warteliste")) == 1 and len(to("ana", "Ein Platz ist frei")) == 1
    assert len(to("ana", "abgesagt")) == 1 and to("kim", "cancelled") == []  # only who answered
    posts = [m for m in blocks if m.post]
    assert [m.post for m in posts if "changed" not in m.post] == ["1 pinned", "2", "3"]
    assert all("ana" not in m.text and "kim" not in m.text for m in posts)  # counts, no names
    opened = [m for m in blocks if m.public and not m.post]
    assert [m.text.split("\n")[0] for m in opened] == [
        "Coping skills workshop starts now. The agenda:",
        "Sunday circle starts now. Our ground rules, in short:",
    ]
    assert posts[-1].text.startswith("Cancelled: I'm away this week") and posts[-1].buttons == ()
