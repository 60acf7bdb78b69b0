"""Anonymous means nobody, leads included, learns the author from Haven: for a share, a
feedback and a vote in an anonymous poll, no reply to anyone but the author, no log line (at
any level Haven emits) and no other member's or lead's /mydata export carries the author's
name or id, while the author's own export holds what they wrote."""

from __future__ import annotations

import json
import logging
from pathlib import Path

AUTHOR = "Zephyrine"  # the console's user id is the name in lower case
SHARE = "I finally slept a whole night after weeks."
FEEDBACK = "Could we have a morning circle on Saturdays?"
POLL = '/poll "How safe does the group feel?" Safe | Mostly | Not yet anonymous'


def _export(console, db: str, tmp_path: Path, who: str, lead: bool) -> str:
    for old in tmp_path.rglob("haven-my-data.json"):
        old.unlink()
    console([":in lounge", f":as {who}{' lead' if lead else ''}", "/mydata"], db=db)
    (found,) = tmp_path.rglob("haven-my-data.json")
    return found.read_text()


def test_no_one_but_the_author_can_learn_who_shared_gave_feedback_or_voted(
    console, tmp_path, caplog
) -> None:
    for name in ("", "bot", "adapters", "commands"):  # whatever an earlier test left set
        caplog.set_level(logging.DEBUG, logger=name)
    logging.getLogger("bot.voice").info("probe")  # the capture below is live
    t = console(
        [
            ":in lounge",
            ":as lee lead",
            "/rules",
            "/community oncall lee",
            POLL,
            ":as kim",
            "/rules",
            "/poll vote 1 2",
            ":as bo",
            "/rules",
            "/poll vote 1 1",
            f":as {AUTHOR}",
            "/rules",
            f"/share {SHARE}",
            f"/feedback {FEEDBACK}",
            "/poll vote 1 1",
            ":as lee",
            ":dm",
            "/share approve 1",
            ":press 1",
            "Thank you, we'll try one in March.",
            ":in lounge",
            "/poll voters 1",
            "/poll close 1",
            ":as kim",
            "/share respond 1 relate",
            ":as bo",
            "/share respond 1 support",
        ]
    )
    wanted = AUTHOR.casefold()
    theirs = f"@{AUTHOR} private"
    others = [m for m in t.messages if m.header != theirs]
    assert any(SHARE in m.text for m in others if m.public)  # the share was posted
    assert any(FEEDBACK in m.text for m in others if m.header == "@lee private")
    assert all(wanted not in m.text.casefold() for m in others), [
        m for m in others if wanted in m.text.casefold()
    ]
    mine = [m for m in t.messages if m.header == theirs]
    assert any("we'll try one in March" in m.text for m in mine)
    assert any("2 members responded" in m.text or "1 member responded" in m.text for m in mine)
    # Haven's own log lines at every level, and anything at INFO or above (the most Haven
    # ever lets through: bot/logsetup.py); libraries' DEBUG lines (SQL with its values) are
    # never emitted.
    logged = [
        r.getMessage()
        for r in caplog.records
        if r.name.split(".")[0] in ("bot", "adapters", "commands") or r.levelno >= logging.INFO
    ]
    assert "probe" in logged and all(wanted not in line.casefold() for line in logged)
    db = str(t.database)
    for who, lead in (("lee", True), ("kim", False), ("bo", False)):
        assert wanted not in _export(console, db, tmp_path, who, lead).casefold()
    own = json.loads(_export(console, db, tmp_path, AUTHOR, False))
    assert own["shares"][0]["text"] == SHARE
    assert own["feedback"][0]["text"] == FEEDBACK
    assert own["poll_votes"][0]["choice"] == 1
