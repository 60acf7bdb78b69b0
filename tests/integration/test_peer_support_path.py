"""The whole peer-support path through the console (tools/peer_support_path.py), as it is
committed in docs/transcripts/peer-support.txt for leads and reviewers: current, and showing
what matters at a glance (names never cross a conversation unless shared; the guidance card;
the chain of leads; the figures a lead sees)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from console_blocks import parse_blocks

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))
from peer_support_path import OUT, transcript  # noqa: E402


@pytest.fixture(scope="module")
def path(tmp_path_factory: pytest.TempPathFactory) -> str:
    return transcript(tmp_path_factory.mktemp("peer"))


def test_the_committed_transcript_is_current(path: str) -> None:
    assert path == OUT.read_text(encoding="utf-8"), "run python tools/peer_support_path.py"


def test_the_path_shows_what_each_side_sees(path: str) -> None:
    blocks = [m for m in parse_blocks(path) if not m.is_note]
    to_kim = [m.text for m in blocks if m.header == "@kim private"]
    relayed = [t for t in to_kim if t.startswith("Willow (")]
    assert len(relayed) == 2 and all(t.startswith("Willow (ana): ") for t in relayed)  # shared
    assert any("crisis screen flagged this message" in t for t in to_kim)
    leads = [m.header for m in blocks if m.text.startswith("Urgent, lounge: a member asked")]
    assert leads == ["@lee private", "@sam private", "@lee private", "@sam private"]
    (figures,) = [m for m in blocks if m.text.startswith("Supporters of this group")]
    assert "6 asked for; 83% matched within 5 minutes" in figures.text
    assert "Average rating 3.6 of 5 (5 ratings)" in figures.text
