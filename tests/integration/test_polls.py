"""Polls through the console: a lead asks; members vote with buttons, once each and
changeably; counts show only from three voters, an anonymous poll's only once closed; a poll
closes at its end or when a lead closes it; nobody can list an anonymous poll's voters; bad
input is refused with the usage line and nothing stored."""

from __future__ import annotations

POLL = '/poll "Which evening suits the circle?" Monday | Wednesday | Friday for 2d'
ANON = '/poll "How safe does the group feel?" Safe | Mostly | Not yet anonymous'


def _script(poll: str, voters: list[tuple[str, int]], *after: str) -> list[str]:
    lines = [":in lounge", ":as lee lead", "/rules", poll]
    for name, choice in voters:
        lines += [f":as {name}", "/rules", f":press {choice}"]
    return [*lines, *after]


def test_three_voters_see_counts_and_a_vote_can_change(console) -> None:
    t = console(
        _script(
            POLL,
            [("ana", 1), ("kim", 2), ("bo", 1)],
            ":press 3",
            ":as lee",
            "/poll voters 1",
            "/poll close 1",
        )
    )
    posted = t.step(POLL).messages
    post = next(m for m in posted if m.public)
    assert post.post == "1" and post.text.startswith("📊 Which evening suits the circle?")
    assert post.buttons == ("Monday", "Wednesday", "Friday")
    assert "0 votes: too few votes to show" in post.text
    assert "the group's leads can see who voted" in post.text
    votes = [s for s in t.steps if s.line.startswith(":press")]
    first = votes[0].messages
    assert first[0].header == "@ana private" and "Your vote: Monday" in first[0].text
    assert first[1].post == "1 changed" and "1 vote: too few votes to show" in first[1].text
    assert "1. Monday\n" in first[1].text  # no count beside an option under three voters
    third = votes[2].messages[1]
    assert "1. Monday · 2" in third.text and "2. Wednesday · 1" in third.text
    changed = votes[3].messages
    assert "Your vote is now: Friday" in changed[0].text
    assert "1. Monday · 1" in changed[1].text and "3. Friday · 1" in changed[1].text
    listed = t.step("/poll voters 1").messages[0]
    assert listed.header == "@lee private"
    assert "1. Monday: ana" in listed.text and "3. Friday: bo" in listed.text
    closed = t.step("/poll close 1").messages
    assert "Closed. Poll #1." in closed[1].text and closed[1].buttons == ()
    assert t.query("SELECT COUNT(*) FROM poll_votes") == [(3,)]


def test_two_voters_are_too_few_and_the_poll_closes_at_its_end(console) -> None:
    t = console(_script(POLL, [("ana", 1), ("kim", 2)], ":clock +2d", ":as bo", "/poll vote 1 3"))
    ended = t.step(":clock +2d").messages
    post = next(m for m in ended if m.public)
    assert post.post == "1 changed" and "Closed." in post.text
    assert "2 votes: too few votes to show" in post.text and "· 1" not in post.text
    late = t.step("/poll vote 1 3").messages[0]
    assert "Poll #1 is closed" in late.text and "Usage: /poll vote" in late.text


def test_an_anonymous_poll_hides_counts_until_closed_and_never_shows_voters(console) -> None:
    t = console(
        _script(
            ANON, [("ana", 1), ("kim", 1), ("bo", 3)], ":as lee", "/poll voters 1", "/poll close 1"
        )
    )
    third = [s for s in t.steps if s.line.startswith(":press")][2].messages
    assert "nobody sees how you voted" in third[0].text
    assert "3 votes so far; the results show when the poll closes." in third[1].text
    assert "· 2" not in third[1].text
    refused = t.step("/poll voters 1").messages[0]
    assert "anonymous: nobody can see who voted" in refused.text and "ana" not in refused.text
    closed = next(m for m in t.step("/poll close 1").messages if m.public)
    assert "1. Safe · 2" in closed.text and "3. Not yet · 1" in closed.text
    seen = [
        m for s in t.steps if s.line.startswith(":press") or "/poll" in s.line for m in s.messages
    ]
    for m in seen:
        if m.header != "@ana private":
            assert "ana" not in m.text


def test_bad_polls_are_refused_and_nothing_is_stored(console) -> None:
    bad = {
        "/poll Which day? Monday | Friday": "double quotes",
        '/poll "Which day?" Monday': "from 2 to 10 options",
        '/poll "Which day?" ' + " | ".join(str(n) for n in range(11)): "from 2 to 10 options",
        '/poll "Which day?" Monday | | Friday': "from 2 to 10 options",
        '/poll "Which day?" Monday | monday': "ach option once",
        '/poll "Which day?" Monday | Friday for 90d': "from 1h to 30d",
        '/poll "Which day?" Monday | ' + "x" * 61: "at most 60 characters",
        "/poll close 7": "no poll #7",
    }
    t = console(
        [":in lounge", ":as lee lead", "/rules", *bad, ":as ana", "/rules", '/poll "Hi?" a | b']
    )
    for line, why in bad.items():
        said = t.step(line).messages[0].text
        assert why in said and "Usage: /poll" in said, (line, said)
    member = t.step('/poll "Hi?" a | b').messages[0].text
    assert "started by a group's leads" in member and "Usage: /poll" in member
    assert t.query("SELECT COUNT(*) FROM polls") == [(0,)]


def test_only_members_of_the_polls_group_vote(console) -> None:
    t = console(
        [
            ":in lounge",
            ":as lee lead",
            "/rules",
            POLL,
            ":in other",
            ":as zed",
            "/rules",
            "/poll vote 1 1",
            ":dm",
            "/poll vote 1 1",
        ]
    )
    for step in [s for s in t.steps if s.line == "/poll vote 1 1"]:
        assert "no poll #1 in your group" in step.messages[0].text
    assert t.query("SELECT COUNT(*) FROM poll_votes") == [(0,)]
