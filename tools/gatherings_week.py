"""A week of gatherings in the console, for leads and reviewers to read what everyone sees: a
lead plans a weekly sharing circle (pinned) and a capped workshop; members answer with buttons
and commands, one waits and is moved up; the clock moves through the week and each reminder
reaches each member once, in their own time zone and language; the workshop is rated; the
circle opens with the rules and a round and posts its next occurrence, which the lead cancels.

    python tools/gatherings_week.py            # writes docs/transcripts/gatherings-week.txt
    python tools/gatherings_week.py -          # prints it

`tests/integration/test_gatherings_week.py` runs the same script, checks what it must show and
fails when the committed transcript is out of date.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))

import console_session  # noqa: E402

OUT = ROOT / "docs" / "transcripts" / "gatherings-week.txt"
SCRIPT = [
    ":in lounge",
    ":as sam lead",
    "/community focus stress",
    '/event add "Sunday circle" weekly sun 18:00 circle pin',
    '/event add "Coping skills workshop" 2026-01-08 19:00 cap 2 https://meet.example.org/coping',
    ":as joe",
    "/settings timezone Asia/Tokyo",
    ":press 1",
    ":as kim",
    "/settings timezone America/New_York",
    ":press 1",
    ":as ana",
    "/settings language de",
    "/settings timezone Europe/Berlin",
    ":press 1",
    "/event rsvp 1 going",
    ":as kim",
    "/event rsvp 1 going",
    ":as kim",
    "/event leave 2",
    ":as sam lead",
    "/event attendees 2",
    ":as ana",
    "/events",
    "/event ics 2",
    ":clock 2026-01-07T19:00",
    ":clock 2026-01-08T18:00",
    ":clock 2026-01-08T20:30",
    ":as joe",
    ":press 5",
    ":clock 2026-01-10T18:00",
    ":clock 2026-01-11T17:00",
    ":clock 2026-01-11T18:15",
    ":as ana",
    "/event rsvp 3 going",
    ":as sam lead",
    "/event cancel 3 I'm away this week, sorry",
    "/event cancel 3",
    ":clock 2026-01-18T12:00",
]


def transcript(folder: Path) -> str:
    """The console's output for SCRIPT, with a fresh database in `folder`."""
    return console_session.run(SCRIPT, folder)


if __name__ == "__main__":
    sys.exit(console_session.main(sys.argv[1:], transcript, OUT))
