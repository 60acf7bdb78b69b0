"""Members' voice through the console, for leads and reviewers to read what each side sees:
an anonymous share reviewed, posted and answered, and one declined with a lead's own words; a
share the crisis screen holds back until its author chooses; feedback answered without the
lead learning who sent it; a poll with three voters and one with two; an anonymous poll; kudos
in the group and privately; a message reported by two members, merged and marked handled; the
invitation card.

    python tools/members_voice.py          # writes docs/transcripts/members-voice.txt
    python tools/members_voice.py -        # prints it

`tests/integration/test_members_voice.py` fails when the committed transcript is stale.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))

import console_session  # noqa: E402

OUT = ROOT / "docs" / "transcripts" / "members-voice.txt"
SHARE = "Today I asked my doctor for help for the first time. I was scared, but I did it."
SCRIPT = [
    ":in lounge",
    ":as lee lead",
    "/community oncall lee",
    ":as ana",
    "/rules",
    ":as kim",
    "/rules",
    ":as bo",
    "/rules",
    # an anonymous share, reviewed, posted and answered
    ":as ana",
    f"/share {SHARE}",
    ":as lee",
    ":dm",
    ":press 1",
    ":in lounge",
    ":as kim",
    ":press 1",
    ":as bo",
    ":press 2",
    # a share declined with the lead's own words
    "/share Can anyone recommend a good psychiatrist in Lyon? Mine retired last month.",
    ":as lee",
    ":dm",
    "/share decline 2 Thank you for asking. Recommendations of professionals belong in "
    "/resources, where a lead checks them; try /resources suggest.",
    # a share the crisis screen holds back, shared all the same
    ":in lounge",
    ":as kim",
    "/share Some nights I don't want to be alive, and I've never told anyone.",
    ":dm",
    ":press 1",
    # feedback, answered
    ":in lounge",
    ":as bo",
    "/feedback Could the Sunday circle start an hour later?",
    ":as lee",
    ":dm",
    ":press 1",
    "Thank you. We'll try 19:00 from next month.",
    # a poll with three voters, one with two, an anonymous one
    ":in lounge",
    '/poll "Which evening suits the circle?" Monday | Wednesday | Friday for 2d',
    ":as ana",
    "/poll vote 1 1",
    ":as kim",
    "/poll vote 1 2",
    ":as bo",
    "/poll vote 1 1",
    "/poll vote 1 3",
    ":as lee",
    "/poll voters 1",
    '/poll "Would you join a walking meetup?" Yes | Maybe | No for 1d',
    ":as ana",
    "/poll vote 2 1",
    ":as kim",
    "/poll vote 2 1",
    ":as lee",
    '/poll "How safe does the group feel?" Safe | Mostly | Not yet anonymous',
    ":as ana",
    "/poll vote 3 1",
    ":as kim",
    "/poll vote 3 2",
    ":as bo",
    "/poll vote 3 1",
    ":as lee",
    "/poll voters 3",
    "/poll close 3",
    ":clock +1d",
    # kudos
    ":as ana",
    "/kudos kim Thank you for listening on Sunday.",
    ":as bo",
    "/kudos kim private You made my week.",
    ":as kim",
    "/milestones",
    # a message reported by two members, merged and handled
    ":as joe",
    "/rules",
    "DM me for cheap pills, no prescription needed",
    ":as ana",
    ":reply 1 /report selling medication",
    ":as bo",
    ":reply 1 /report",
    ":as lee",
    ":dm",
    ":press 1",
    # the invitation card
    ":in lounge",
    "/invite set https://t.me/+lounge-example A friendly place to talk about anxiety.",
    ":as ana",
    "/invite",
]


def transcript(folder: Path) -> str:
    """The console's output for SCRIPT, with a fresh database in `folder`."""
    return console_session.run(SCRIPT, folder)


if __name__ == "__main__":
    sys.exit(console_session.main(sys.argv[1:], transcript, OUT))
