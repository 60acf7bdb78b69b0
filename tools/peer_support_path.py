"""Peer support through the console, for leads and reviewers to read what each side sees: a
member takes the supporter course (one wrong answer), a lead approves; another member asks to
talk; the supporter accepts; words go both ways under aliases; a crisis message brings the crisis
reply and the supporter's guidance card; the supporter alerts a lead, who says they are on it;
/end and a rating. Then a request nobody accepts in time: the member is told, and the leads on
call are alerted in turn. Last, the figures a lead sees once five conversations were asked for.

    python tools/peer_support_path.py          # writes docs/transcripts/peer-support.txt
    python tools/peer_support_path.py -        # prints it

`tests/integration/test_peer_support_path.py` fails when the committed transcript is stale.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))

import console_session  # noqa: E402

OUT = ROOT / "docs" / "transcripts" / "peer-support.txt"
COURSE = [
    "/learn answer listening 1 2", "/learn answer listening 2 3",
    "/learn answer validating 1 2", "/learn answer validating 2 1",
    "/learn answer boundaries 1 3", "/learn answer boundaries 2 2",
    "/learn answer safe-messaging 1 3", "/learn answer safe-messaging 2 2",
    "/learn answer crisis 1 3", "/learn answer crisis 2 1",
    "/learn answer privacy 1 3", "/learn answer privacy 2 1",
    "/learn answer professional-help 1 2", "/learn answer professional-help 2 2",
]  # fmt: skip
FIGURES = [
    line
    for n in range(1, 5)
    for line in (
        ":in lounge", f":as m{n}", "/rules", "/talk", ":as kim", ":dm", ":press 1",
        ":clock +3m", f":as m{n}", ":dm", "/end", f":press {n + 1}",
    )
]  # fmt: skip
SCRIPT = [
    ":in lounge",
    ":as lee lead",
    "/rules",
    ":as sam lead",
    "/rules",
    "/community oncall lee sam",
    ":as kim",
    "/rules",
    ":dm",
    "/learn",
    ":press 1",
    ":press 1",
    "/learn listening 5",
    ":press 1",
    *COURSE,
    ":in lounge",
    ":as lee lead",
    "/supporters approve kim",
    ":as kim",
    ":dm",
    "/supporter on",
    "/supporter hours 08:00-22:00",
    ":in lounge",
    ":as ana",
    "/rules",
    "/talk exams and not sleeping",
    ":as kim",
    ":dm",
    ":press 1",
    ":as ana",
    ":dm",
    ":press 1",
    "hi. I can't sleep before exams and my head won't stop",
    ":as kim",
    "I'm here. That sounds exhausting. What goes through your head at night?",
    ":as ana",
    "honestly I don't want to be alive anymore",
    ":as kim",
    "Thank you for telling me. I'm staying right here with you. Are you safe right now?",
    ":press 1",
    ":as lee",
    ":dm",
    ":press 1",
    ":as ana",
    "/end",
    ":press 4",
    ":press 6",
    ":as kim",
    "/supporter off",
    ":in lounge",
    ":as bo",
    "/rules",
    "/talk",
    ":clock +15m",
    ":clock +15m",
    ":as sam",
    ":dm",
    ":press 1",
    ":as kim",
    "/supporter on",
    *FIGURES,
    ":in lounge",
    ":as lee lead",
    "/supporters",
]


def transcript(folder: Path) -> str:
    """The console's output for SCRIPT, with a fresh database in `folder`."""
    return console_session.run(SCRIPT, folder)


if __name__ == "__main__":
    sys.exit(console_session.main(sys.argv[1:], transcript, OUT))
