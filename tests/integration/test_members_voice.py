"""Members' voice through the console (tools/members_voice.py), as it is committed in
docs/transcripts/members-voice.txt for leads and reviewers: current, and showing at a glance
that nothing a lead or the group sees names an author, a voter of an anonymous poll or a
reporter, and each flow the issue asks for: a share declined, feedback answered, a poll with
three voters and with two, a report merged from two members."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from console_blocks import parse_blocks

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))
from members_voice import OUT, transcript  # noqa: E402


@pytest.fixture(scope="module")
def path(tmp_path_factory: pytest.TempPathFactory) -> str:
    return transcript(tmp_path_factory.mktemp("voice"))


def test_the_committed_transcript_is_current(path: str) -> None:
    assert path == OUT.read_text(encoding="utf-8"), "run python tools/members_voice.py"


def test_the_flows_show_what_each_side_sees(path: str) -> None:
    blocks = [m for m in parse_blocks(path) if not m.is_note]
    to_lee = [m.text for m in blocks if m.header == "@lee private"]
    group = [m.text for m in blocks if m.public]
    # shares: reviewed without the author, posted, counted, one declined with the lead's words
    reviews = [t for t in to_lee if t.startswith("A share for lounge waits")]
    assert len(reviews) == 3 and not any(n in t for t in reviews for n in ("ana", "bo", "kim"))
    buttons = [m.buttons for m in blocks if m.public and m.text.startswith("A member shared")]
    assert buttons[-1] == ("I relate · 1", "Sending support · 1", "Thank you for sharing · 0")
    to_bo = [m.text for m in blocks if m.header == "@bo private"]
    assert any("The lead wrote: Thank you for asking." in t for t in to_bo)
    # the crisis screen holds a share back until its author chooses
    to_kim = [m.text for m in blocks if m.header == "@kim private"]
    assert any("kept your share #3 back" in t for t in to_kim)
    # feedback answered, the lead never told who
    assert any("We'll try 19:00" in t for t in to_bo)
    assert any(t.startswith("Anonymous feedback #1") and "bo" not in t.split() for t in to_lee)
    # polls: three voters show counts, two are too few, an anonymous poll's counts at its close
    assert any("1. Monday · 2" in t for t in group)
    assert any("Closed. Poll #2." in t and "2 votes: too few votes to show" in t for t in group)
    anonymous = [t for t in group if t.startswith("📊 How safe")]
    assert all("· " not in t for t in anonymous[:-1]) and "1. Safe · 2" in anonymous[-1]
    assert any("Poll #3 is anonymous: nobody can see who voted" in t for t in to_lee)
    # a report merged from two members, never naming them
    reports = [t for t in to_lee if t.startswith("Report #1 in")]
    assert len(reports) == 2 and "reported again, by 2 members now" in reports[1]
    assert not any(n in t.split() for t in reports for n in ("ana", "bo"))
    # kudos, and the card
    assert "🌟 ana thanked kim.\nThey wrote: Thank you for listening on Sunday." in group
    assert any("Kudos received: 2" in t for t in to_kim)
    assert "(attachment: invite.png)" in path
