"""In-process: the real app (storage, services, registry, dispatcher) driven through Requests."""

from __future__ import annotations

import re
import sqlite3
from datetime import UTC, datetime, timedelta

import pytest

from bot.catalog import load_catalog
from bot.core.dispatcher import FAILED, Dispatcher
from bot.core.messages import Actor, Place, Request, Via, Visibility
from bot.core.options import ArgumentError, Kind, Option
from bot.core.registry import Command, Registry

URL = re.compile(r"https?://\S+")
PANIC_KIT = "https://example.org/panic-kit"
BREATHING = "https://example.org/breathing"


def _only(replies):
    assert len(replies) == 1, replies
    return replies[0]


def _urls(text: str) -> list[str]:
    return URL.findall(text)


# -- search -----------------------------------------------------------------------------------


async def _add_panic_resources(harness) -> None:
    for line in (
        f'/resources add anxiety {PANIC_KIT} "Panic first aid kit" Steps for the worst minutes',
        f'/resources add anxiety {BREATHING} "Breathing basics" Slow breaths can ease panic',
    ):
        reply = _only(await harness.send(line, user="sam", chat="g1", lead=True))
        assert reply.text.startswith("Added to anxiety as #"), reply.text


async def test_search_ranks_title_and_tag_matches_above_description_matches(harness):
    await _add_panic_resources(harness)
    reply = _only(await harness.send("/resources panic", chat="g1"))
    assert reply.private and reply.text.startswith("Best matches:")
    found = _urls(reply.text)
    assert PANIC_KIT in found and BREATHING in found

    fields = {r.url: (r.title, r.tags, r.description) for r in load_catalog().resources}
    fields[PANIC_KIT] = ("Panic first aid kit", ("community",), "")
    fields[BREATHING] = ("Breathing basics", ("community",), "Slow breaths can ease panic")

    def strong(url: str) -> bool:
        title, tags, _ = fields[url]
        return "panic" in title.casefold() or any("panic" in t.casefold() for t in tags)

    ranks = [strong(url) for url in found]
    assert any(ranks), "something has panic in its title or tags"
    assert ranks == sorted(ranks, reverse=True), list(zip(found, ranks, strict=True))
    assert found.index(PANIC_KIT) < found.index(BREATHING)


async def test_search_forgives_typos_width_and_case_and_keeps_groups_apart(harness):
    await _add_panic_resources(harness)
    exact = _urls(_only(await harness.send("/resources panic", chat="g1")).text)
    for variant in ("panik", "PANIC", "ｐａｎｉｃ", "  panic  "):
        text = _only(await harness.send(f"/resources {variant}", chat="g1")).text
        assert _urls(text) == exact, variant

    elsewhere = _urls(_only(await harness.send("/resources panic", chat="g2")).text)
    assert elsewhere and PANIC_KIT not in elsewhere and BREATHING not in elsewhere
    nothing = _only(await harness.send("/resources zzqxv", chat="g1")).text
    assert "Nothing matched" in nothing and not _urls(nothing)


# -- streaks in the member's own days ---------------------------------------------------------


async def test_streaks_count_days_in_the_members_time_zone(harness):
    reply = _only(await harness.send("/settings timezone pacific/auckland", user="aroha"))
    assert "Pacific/Auckland" in reply.text

    # 08:00 UTC on Monday 5 January is 21:00 in Auckland (UTC+13 in summer).
    for user in ("aroha", "ulf"):
        await harness.consent(user)
        first = _only(await harness.send("/checkin 4", user=user)).text
        assert "Check-in streak: 1 day." in first

    # Four hours later it is 12:00 UTC, still Monday, but 01:00 on Tuesday in Auckland.
    harness.clock.advance(timedelta(hours=4))
    assert "Check-in streak: 2 days." in _only(await harness.send("/checkin 3", user="aroha")).text
    assert "Check-in streak: 1 day." in _only(await harness.send("/checkin 3", user="ulf")).text

    mood = _only(await harness.send("/mood", user="aroha")).text
    assert "Current streak: 2 days (longest 2); one missed day a week does not break it." in mood
    other = _only(await harness.send("/mood", user="ulf")).text
    assert "Current streak: 1 day (longest 1); one missed day a week does not break it." in other


# -- recorded means committed -----------------------------------------------------------------


async def test_recorded_is_said_only_once_the_row_is_committed(harness):
    await harness.consent()
    reply = _only(await harness.send("/checkin 3 calm quiet evening"))
    assert reply.private and reply.text.startswith("Recorded privately")
    # A separate connection (another process, a backup) already sees the committed row.
    rows = harness.query("SELECT mood, tags, note, at FROM checkins")
    assert rows == [(3, "calm", "quiet evening", "2026-01-05T08:00:00+00:00")]


async def test_a_checkin_that_cannot_be_committed_is_never_called_recorded(harness):
    await harness.consent()
    assert "Recorded" in _only(await harness.send("/checkin 4")).text
    if harness.app.services.db.dialect == "sqlite":
        await harness.app.services.db.conn.execute("PRAGMA busy_timeout = 50")
        blocker = sqlite3.connect(harness.database, isolation_level=None)
        try:
            blocker.execute("BEGIN IMMEDIATE")  # another writer holds the database
            reply = _only(await harness.send("/checkin 2"))
            blocker.execute("ROLLBACK")
        finally:
            blocker.close()
    else:  # the server refuses the row (a constraint a maintainer added, a full disk ...)
        harness.query("ALTER TABLE checkins ADD CONSTRAINT refused CHECK (mood > 4) NOT VALID")
        reply = _only(await harness.send("/checkin 2"))
    assert reply.private
    assert "Recorded" not in reply.text
    assert reply.text == FAILED
    assert harness.query("SELECT mood FROM checkins") == [(4,)]


# -- leads ------------------------------------------------------------------------------------


async def test_lead_commands_are_refused_to_members_on_every_surface(harness):
    rules_before = _only(await harness.send("/rules", chat="g1")).text
    typed = {"_verb": "add", "text": "Members cannot add this"}
    for request in (
        harness.request("/rules add Members cannot add this", chat="g1"),
        harness.request("/rules", chat="g1", args=typed),
        harness.request("/resources remove 1", chat="g1"),
        harness.request("/community timezone Europe/Berlin", chat="g1"),
    ):
        reply = _only(await harness.app.handle(request))
        assert reply.private
        assert "is for group leads" in reply.text
    assert _only(await harness.send("/rules", chat="g1")).text == rules_before
    assert harness.query("SELECT COUNT(*) FROM rules WHERE text LIKE 'Members%'") == [(0,)]

    lead = _only(await harness.send("/rules add Be kind", chat="g1", lead=True))
    assert lead.text.startswith("Added rule")
    in_dm = _only(await harness.send("/rules add Be kind", lead=True))
    assert "run this in the group you lead" in in_dm.text.casefold()


# -- the dispatcher never leaves a member without an answer -----------------------------------


def _request(command: str, text: str = "", via: Via = Via.COMMAND) -> Request:
    return Request(
        command=command,
        text=text,
        actor=Actor("test", "u1", "Una"),
        place=Place("test", "g1", is_direct=False, community_id="g1"),
        at=datetime(2026, 1, 5, 8, 0, tzinfo=UTC),
        via=via,
    )


async def _explode(svc, request, args):
    raise RuntimeError("the disk is on fire")


async def _refuse(svc, request, args):
    raise ArgumentError("that number is not in this group")


async def _broken_text(svc, request):
    raise KeyError("texts")


async def _broken_screen(svc, request):
    raise OSError("lexicon missing")


@pytest.fixture
def tiny_registry() -> Registry:
    return Registry(
        [
            Command("boom", "Always fails", _explode, public=True),
            Command(
                "picky",
                "Refuses politely",
                _refuse,
                options=(Option("n", Kind.INT, "A number", min=1, max=3),),
            ),
        ]
    )


async def test_a_failing_handler_still_gets_a_private_apology(tiny_registry, caplog):
    dispatcher = Dispatcher(tiny_registry, services=None, on_text=_broken_text)
    for request in (_request("boom"), _request("", "hello", Via.TEXT)):
        reply = _only(await dispatcher.handle(request))
        assert reply.visibility is Visibility.PRIVATE
        assert reply.text == FAILED
        assert "/sos" in reply.text
        assert "fire" not in reply.text and "texts" not in reply.text  # no internals shown
    failures = [r for r in caplog.records if r.exc_info]
    assert len(failures) == 2  # each one logged with its traceback, for the maintainers


async def test_a_failing_screen_does_not_take_the_command_down(tiny_registry, caplog):
    dispatcher = Dispatcher(tiny_registry, services=None, screen=_broken_screen)
    reply = _only(await dispatcher.handle(_request("picky", "2")))
    assert reply.private and reply.text != FAILED
    assert "That number is not in this group." in reply.text  # the command itself answered
    assert "crisis screen failed" in caplog.text


async def test_member_errors_and_unknown_commands_are_answered_too(tiny_registry):
    dispatcher = Dispatcher(tiny_registry, services=None)
    bad = _only(await dispatcher.handle(_request("picky", "7")))
    assert bad.private and "from 1 to 3" in bad.text and "Usage: /picky [n 1-3]" in bad.text
    refused = _only(await dispatcher.handle(_request("picky", "2")))
    assert refused.text.splitlines() == [
        "That number is not in this group.",
        "Usage: /picky [n 1-3]",
    ]
    unknown = _only(await dispatcher.handle(_request("nosuch")))
    assert unknown.private and "/help" in unknown.text


async def test_a_failure_inside_the_real_app_is_answered_privately(harness, monkeypatch):
    async def broken(*args, **kwargs):
        raise RuntimeError("storage went away")

    await harness.consent()  # so the check-in reaches the storage that fails
    monkeypatch.setattr(harness.app.services.checkins, "record", broken)
    reply = _only(await harness.send("/checkin 4", chat="g1"))
    assert reply.private and reply.text == FAILED
    assert harness.query("SELECT COUNT(*) FROM checkins") == [(0,)]


async def test_the_screen_remembers_only_short_texts_it_found_nothing_in(harness):
    """A remembered verdict is the screen's own (it is a pure function of the text); a text
    that got a crisis reply or a pointer is never kept, and a crisis typed again gets the
    crisis reply again."""
    safety = harness.app.services.safety
    before = set(safety._quiet)  # the warm-up's text, at start
    texts = [
        "3 tired",
        "3 tired",
        "i want to die",
        "kms",
        "If you ever feel suicidal, call 988.",
        "2 lonely nobody texted back",
        "x" * 200,
    ]
    for text in texts * 2:
        assert safety.verdict(text) == safety.screen.verdict(text)
    kept = set(safety._quiet) - before
    assert kept == {"3 tired", "2 lonely nobody texted back"}
    at = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)
    place = Place("console", "u-remember", is_direct=True)
    for _ in range(2):
        [reply] = await harness.app.handle(
            Request("checkin", "i want to die", Actor("console", "u-remember", "Sam"), place, at)
        )
        assert reply.priority.name == "CRISIS"
