"""/safetyplan: written step by step, shown first in /sos and every crisis reply, the member's
own data to export and erase; and crisis texts never saved into it."""

from __future__ import annotations

import json
from dataclasses import replace

from bot.core.messages import Priority, Reply, Via
from bot.domain.safety_plan import STEPS


async def say(harness, text: str, **kwargs) -> list[Reply]:
    """Plain text to the bot (not a command), as a member types it."""
    request = replace(harness.request("/x", **kwargs), command="", text=text, via=Via.TEXT)
    return await harness.app.handle(request)


def test_the_walk_through_in_the_console(console, tmp_path):
    t = console(
        [
            "/safetyplan",
            ":press 1",
            "not sleeping; pulling away from people",
            ":press 1",
            "a walk; music; /cope",
            "Sam; the library",
            ":press 2",
            "/safetyplan",
            "/sos",
            "/mydata",
        ]
    )
    (empty,) = t.step("/safetyplan").messages
    assert empty.private and "don't have a safety plan" in empty.text
    assert empty.buttons == ("Start my plan",)
    (first,) = t.step(":press 1").messages
    assert "Step 1 of 7" in first.text and first.buttons == ("Skip this step", "Stop for now")
    saved, second = t.step("not sleeping; pulling away from people").messages
    assert saved.text == "Saved." and "Step 2 of 7" in second.text
    (third,) = t.step(":press 1", occurrence=1).messages  # Skip step 2
    assert "Step 3 of 7" in third.text
    saved, fourth = t.step("a walk; music; /cope").messages
    assert "Step 4 of 7" in fourth.text
    saved, fifth = t.step("Sam; the library").messages
    assert "Step 5 of 7" in fifth.text
    (stopped,) = t.step(":press 2").messages
    assert "Stopped for now" in stopped.text
    (plan,) = t.step("/safetyplan", occurrence=1).messages
    assert "1. Warning signs: not sleeping; pulling away from people" in plan.text
    assert "3. People and places that take my mind off things: a walk; music; /cope" in plan.text
    assert "Things I can do on my own" not in plan.text  # skipped, so not shown
    (sos,) = t.step("/sos").messages
    assert sos.private
    assert sos.text.startswith("Your safety plan, in your own words:")
    assert sos.text.index("not sleeping") < sos.text.index("I'm Haven, a bot")
    files = list(tmp_path.rglob("haven-my-data.json"))
    exported = json.loads(files[0].read_text())["safety_plans"][0]
    assert json.loads(exported["plan"])["signs"] == ["not sleeping", "pulling away from people"]
    assert not any(m.public for m in t.messages)


async def test_set_edit_and_delete(harness):
    (done,) = await harness.send("/safetyplan set people my sister, 07700 900123; Jo")
    assert "Saved." in done.text and "4. People I can ask for help" in done.text
    (asked,) = await harness.send("/safetyplan edit 6")
    assert "Step 6 of 7" in asked.text
    (empty,) = await say(harness, "\u200b")  # nothing visible: said so, the step stays open
    assert "empty" in empty.text and "Usage: /safetyplan set" in empty.text
    replies = await say(harness, "stay at Jo's when it gets bad")
    assert "6. Making my surroundings safer: stay at Jo's when it gets bad" in replies[-1].text
    assert "Step 7" not in replies[-1].text  # an edit asks one step only
    (question,) = await harness.send("/safetyplan delete")
    assert "Are you sure" in question.text
    (gone,) = await harness.send("/safetyplan delete confirm")
    assert "erased" in gone.text
    assert harness.query("SELECT COUNT(*) FROM safety_plans")[0][0] == 0


async def test_bad_input_keeps_the_plan_and_says_why(harness):
    (wrong,) = await harness.send("/safetyplan set hobbies painting")
    assert "Usage:" in wrong.text
    (blank,) = await harness.send("/safetyplan set coping \u200b\u200b ;  ; ")
    assert "empty" in blank.text and "Usage:" in blank.text
    long = "x" * 250
    (too_long,) = await harness.send(f"/safetyplan set coping {long}")
    assert "up to 200 characters" in too_long.text
    assert harness.query("SELECT COUNT(*) FROM safety_plans")[0][0] == 0


async def test_a_crisis_during_the_walk_through_is_answered_and_not_saved(harness):
    await harness.send("/safetyplan start")
    replies = await say(harness, "i want to kill myself tonight")
    assert replies[0].priority is Priority.CRISIS
    assert any("was not saved to your plan" in r.text for r in replies)
    stored = harness.query("SELECT plan FROM safety_plans")
    assert stored and "kill" not in stored[0][0]
    later = await say(harness, "not sleeping")  # the same step, still open
    assert later[0].text == "Saved." and "Step 2 of 7" in later[1].text


async def test_the_plan_comes_first_in_the_crisis_reply(harness):
    await harness.send("/safetyplan set coping a hot shower; my dog")
    await harness.send("/safetyplan set people my brother Ali")
    (reply,) = await say(harness, "I want to die")
    assert reply.priority is Priority.CRISIS
    assert reply.text.startswith("Your safety plan, in your own words:")
    assert "2. Things I can do on my own: a hot shower; my dog" in reply.text
    assert "You're not alone" in reply.text


async def test_forgetme_erases_the_plan(harness):
    await harness.send("/safetyplan set reasons my kids")
    await harness.send("/forgetme confirm")
    assert harness.query("SELECT COUNT(*) FROM safety_plans")[0][0] == 0


async def test_the_plan_is_private_even_asked_in_a_group(harness):
    await harness.send("/safetyplan set signs feeling numb")
    replies = await harness.send("/safetyplan", chat="lounge")
    assert replies and all(r.private for r in replies)
    group_text = await say(harness, "feeling numb again", chat="lounge")
    assert all(r.private for r in group_text)


async def test_every_step_has_texts_in_the_reply_languages(harness):
    texts = harness.app.services.safety.texts
    for lang in ("en", "es", "fr", "de", "pt"):
        for step in STEPS:
            assert texts[lang][f"plan_{step}"]
        assert texts[lang]["plan_heading"] != texts["en"]["plan_heading"] or lang == "en"
