"""Haven's Discord adapter end to end: the real discord.py against the fake REST API and
gateway on 127.0.0.1."""

from __future__ import annotations

import asyncio

import pytest
from fakes.discord_api import FakeDiscord
from fakes.discord_slash import opt, sub
from fakes.haven_discord import (
    ALICE,
    BOB,
    CONSENTED,
    GENERAL,
    GUILD,
    KIM,
    LEAD,
    LEAD_ROLE,
    MEMBER_PERMISSIONS,
    Haven,
    start_adapter,
    start_haven,
    stop_haven,
)
from shared import Databases, connect

from adapters.discord import schema
from bot.core.messages import Actor, private

NOA = 910000000000000005  # a member who has not agreed to anything yet


def rows(haven: Haven, sql: str) -> list[tuple]:
    with connect(haven.database) as conn:
        return conn.execute(sql).fetchall()


async def answer(fake: FakeDiscord, interaction, count: int = 1):
    responses = await fake.wait_responses(interaction, count)
    return responses[count - 1]


async def test_command_sync_payload_matches_registry(fake: FakeDiscord, haven: Haven) -> None:
    synced = fake.commands["global"]
    assert synced == schema.commands_payload(haven.app.registry)
    names = {c["name"] for c in synced if c["type"] == 1}
    assert names == {c.name for c in haven.app.registry}
    on_messages = [c for c in synced if c["type"] == 3]  # message commands: the message's menu
    assert [c["name"] for c in on_messages] == ["Report to leads"]
    assert on_messages[0]["name_localizations"]["de"] == "An die Leitung melden"
    community = next(c for c in synced if c["name"] == "community")
    assert community["default_member_permissions"] == str(1 << 5)
    rules = next(c for c in synced if c["name"] == "rules")
    assert "default_member_permissions" not in rules  # members need /rules show and agree
    assert {o["name"] for o in rules["options"]} >= {"show", "add", "remove", "move"}
    checkin = next(c for c in synced if c["name"] == "checkin")
    mood = checkin["options"][0]
    assert (mood["type"], mood["min_value"], mood["max_value"]) == (4, 1, 5)


async def test_checkin_by_options_is_ephemeral(fake: FakeDiscord, haven: Haven) -> None:
    interaction = await fake.slash(
        ALICE,
        "checkin",
        [opt("mood", 4), opt("feelings", "tired,hopeful"), opt("note", "long day")],
        guild_id=GUILD,
    )
    response = await answer(fake, interaction)
    assert response.type == 4 and response.ephemeral
    assert "Recorded privately" in response.content and "4 (good)" in response.content
    assert rows(haven, "SELECT mood, tags, note FROM checkins") == [
        (4, "tired,hopeful", "long day")
    ]
    assert not [m for m in fake.channel_messages(GENERAL) if "Recorded" in m.get("content", "")]


async def test_consent_is_asked_before_a_first_checkin(fake: FakeDiscord, haven: Haven) -> None:
    fake.add_user(NOA, "noa")
    fake.add_member(GUILD, NOA, permissions=MEMBER_PERMISSIONS)
    question = await answer(
        fake, await fake.slash(NOA, "checkin", [opt("mood", 4)], guild_id=GUILD)
    )
    assert question.ephemeral
    assert "Do you agree to Haven keeping your check-ins?" in question.content
    assert "Recorded" not in question.content
    buttons = [c for row in question.components for c in row["components"]]
    assert [(b["label"], b["custom_id"]) for b in buttons] == [
        ("I agree", "h:consent yes"),
        ("No thanks", "h:consent no"),
    ]
    assert rows(haven, "SELECT COUNT(*) FROM checkins") == [(0,)]
    assert rows(haven, "SELECT COUNT(*) FROM consents") == [(len(CONSENTED),)]

    message = {"id": "3", "channel_id": str(GENERAL), "components": question.components}
    agreed = await answer(fake, await fake.press(NOA, "h:consent yes", message, guild_id=GUILD))
    assert agreed.ephemeral and "Your consent is recorded" in agreed.content
    # The check-in given before agreeing is recorded the moment Noa agrees, once.
    await fake.wait_for(lambda: rows(haven, "SELECT mood FROM checkins") == [(4,)], timeout=10)
    recorded = await answer(
        fake, await fake.slash(NOA, "checkin", [opt("mood", 3)], guild_id=GUILD)
    )
    assert recorded.ephemeral and "Recorded privately" in recorded.content
    assert "3 (okay)" in recorded.content
    assert rows(haven, "SELECT mood FROM checkins ORDER BY id") == [(4,), (3,)]


async def test_checkin_by_button_and_mood(fake: FakeDiscord, haven: Haven) -> None:
    prompt = await answer(fake, await fake.slash(ALICE, "checkin", guild_id=GUILD))
    assert prompt.ephemeral
    buttons = [c for row in prompt.components for c in row["components"]]
    assert [b["custom_id"] for b in buttons][3] == "h:checkin 4"
    message = {"id": "1", "channel_id": str(GENERAL), "components": prompt.components}
    pressed = await answer(fake, await fake.press(ALICE, "h:checkin 4", message, guild_id=GUILD))
    assert pressed.ephemeral and "Recorded privately" in pressed.content
    mood = await answer(fake, await fake.slash(ALICE, "mood", sub("show"), guild_id=GUILD))
    assert mood.ephemeral and "Last 7 days" in mood.content and "average 4.0" in mood.content


async def test_resources_and_helpline(fake: FakeDiscord, haven: Haven) -> None:
    found = await answer(
        fake,
        await fake.slash(ALICE, "resources", sub("show", opt("query", "anxiety")), guild_id=GUILD),
    )
    assert found.ephemeral and "Anxiety" in found.content and "https://" in found.content
    lines = await answer(fake, await fake.slash(ALICE, "helpline", [opt("country", "GB")]))
    assert lines.ephemeral and "116 123" in lines.content


async def test_rules_for_member_and_lead(fake: FakeDiscord, haven: Haven) -> None:
    shown = await answer(fake, await fake.slash(ALICE, "rules", sub("show"), guild_id=GUILD))
    assert not shown.ephemeral and "Ground rules of Calm Corner" in shown.content

    added = await answer(
        fake,
        await fake.slash(
            LEAD, "rules", sub("add", opt("text", "Celebrate small wins")), guild_id=GUILD
        ),
    )
    assert added.ephemeral and "Added rule 9" in added.content

    # Discord let the member run it (a server may override the default permission): we refuse.
    refused = await answer(
        fake, await fake.slash(ALICE, "rules", sub("add", opt("text", "Sneaky")), guild_id=GUILD)
    )
    assert refused.ephemeral and "is for group leads" in refused.content
    assert ("Sneaky",) not in rows(haven, "SELECT text FROM rules")


async def test_lead_role_counts_as_lead(fake: FakeDiscord, database: Databases) -> None:
    fake.add_member(GUILD, KIM, roles=[LEAD_ROLE], permissions=MEMBER_PERMISSIONS)
    running = await start_haven(fake, database("role.db"), lead_role="Peer Lead")
    try:
        done = await answer(
            fake, await fake.slash(KIM, "rules", sub("add", opt("text", "Kim may")), guild_id=GUILD)
        )
        assert "Added rule" in done.content
    finally:
        await stop_haven(running)


async def test_slow_handler_is_deferred_then_answered(
    fake: FakeDiscord, database: Databases, monkeypatch: pytest.MonkeyPatch
) -> None:
    running = await start_haven(fake, database("slow.db"), defer_after=0.1)
    handle = running.app.dispatcher.handle

    async def slow(request):
        await asyncio.sleep(0.5)
        return await handle(request)

    monkeypatch.setattr(running.app.dispatcher, "handle", slow)
    try:
        interaction = await fake.slash(ALICE, "mood", sub("show"), guild_id=GUILD)
        deferred, final = await fake.wait_responses(interaction, 2)
        assert deferred.type == 5 and deferred.ephemeral
        assert final.kind == "edit_original" and "check-ins" in final.content
        assert deferred.at - interaction.created < 0.5
    finally:
        await stop_haven(running)


async def test_everyone_in_text_never_pings(fake: FakeDiscord, haven: Haven) -> None:
    await answer(
        fake,
        await fake.slash(
            LEAD,
            "resources",
            sub(
                "add",
                opt("topic", "sleep"),
                opt("url", "https://example.org/s"),
                opt("title", "@everyone sleep party <@&810000000000000020>"),
            ),
            guild_id=GUILD,
        ),
    )
    listing = await answer(
        fake,
        await fake.slash(LEAD, "resources", sub("show", opt("query", "sleep")), guild_id=GUILD),
    )
    assert "@everyone sleep party" in listing.content
    assert listing.pings == []
    assert listing.allowed_mentions == {"parse": []}


async def test_button_works_after_a_restart(fake: FakeDiscord, haven: Haven) -> None:
    prompt = await answer(fake, await fake.slash(ALICE, "checkin", guild_id=GUILD))
    message = {"id": "2", "channel_id": str(GENERAL), "components": prompt.components}
    await haven.adapter.stop()
    haven.adapter = await start_adapter(haven.app, haven.settings)
    pressed = await answer(fake, await fake.press(ALICE, "h:checkin 5", message, guild_id=GUILD))
    assert pressed.ephemeral and "5 (great)" in pressed.content
    assert rows(haven, "SELECT mood FROM checkins") == [(5,)]


async def test_welcome_on_join_needs_the_members_intent(
    fake: FakeDiscord, database: Databases
) -> None:
    without = await start_haven(fake, database("a.db"))
    try:
        assert not fake.identify["intents"] & (1 << 1)
        await fake.member_join(GUILD, KIM)
        await asyncio.sleep(0.3)
        assert not any("Welcome" in m.get("content", "") for m in fake.channel_messages(GENERAL))
    finally:
        await stop_haven(without)
    running = await start_haven(fake, database("b.db"), members_intent=True)
    try:
        assert fake.identify["intents"] & (1 << 1)
        await fake.member_join(GUILD, KIM)
        await fake.wait_for(
            lambda: any(
                "Welcome, kim" in m.get("content", "") for m in fake.channel_messages(GENERAL)
            )
        )
        welcome = next(m for m in fake.channel_messages(GENERAL) if "Welcome" in m["content"])
        read, button = welcome["components"][0]["components"]
        assert read["label"] == "Read the rules" and read["custom_id"] == "h:rules read"
        rules = await answer(
            fake, await fake.press(KIM, read["custom_id"], welcome, guild_id=GUILD)
        )
        assert rules.ephemeral and "Ground rules of" in rules.content
        assert button["label"] == "I agree" and button["custom_id"] == "h:rules agree"
        agreed = await answer(
            fake, await fake.press(KIM, button["custom_id"], welcome, guild_id=GUILD)
        )
        assert agreed.ephemeral and "recorded" in agreed.content
    finally:
        await stop_haven(running)


async def test_the_rules_gate_gives_the_role_the_lead_chose(
    fake: FakeDiscord, database: Databases
) -> None:
    members, haven_role, elders = 820000000000000001, 820000000000000002, 820000000000000003
    fake.add_role(GUILD, members, "Members")
    fake.add_role(GUILD, haven_role, "Haven", permissions=1 << 28)  # Manage Roles
    fake.add_role(GUILD, elders, "Elders")  # above Haven's own role: out of its reach
    fake.add_member(GUILD, fake.bot_user_id, roles=[haven_role])
    running = await start_haven(fake, database("gate.db"))

    async def gate(role: str) -> str:
        done = await answer(
            fake,
            await fake.slash(
                LEAD, "rules", sub("gate", opt("mode", "role"), opt("role", role)), guild_id=GUILD
            ),
        )
        return done.content

    async def agree() -> str:
        done = await answer(fake, await fake.slash(ALICE, "rules", sub("agree"), guild_id=GUILD))
        assert done.ephemeral
        return done.content

    try:
        assert "gives the role “Helpers”" in await gate("Helpers")
        assert "could not give you the role “Helpers”" in await agree()  # no such role
        await gate("Elders")
        assert "could not give you the role “Elders”" in await agree()  # above Haven's
        assert fake.member_roles(GUILD, ALICE) == []
        await gate("@members")
        said = await agree()
        assert "You now have the role “members”" in said and "could not" not in said
        assert fake.member_roles(GUILD, ALICE) == ["Members"]
        refused = await answer(
            fake,
            await fake.slash(LEAD, "rules", sub("gate", opt("mode", "restrict")), guild_id=GUILD),
        )
        assert "works on Telegram groups only" in refused.content and "Usage:" in refused.content
        assert rows(running, "SELECT rules_gate FROM communities") == [("role:members",)]
    finally:
        await stop_haven(running)


async def test_closed_dms_fall_back_to_an_ephemeral_note(fake: FakeDiscord, haven: Haven) -> None:
    await haven.app.deliver(
        [private("Time for your check-in", to=Actor("discord", str(BOB), "bob"))]
    )
    await fake.wait_for(lambda: haven.adapter.holding(str(BOB)) == 1)
    assert fake.dm_messages(BOB) == []
    assert not any("check-in" in m.get("content", "") for m in fake.channel_messages(GENERAL))
    later = await answer(fake, await fake.slash(BOB, "help", guild_id=GUILD))
    assert later.ephemeral and "Time for your check-in" in later.content


async def test_crisis_text_in_a_note_is_answered_privately(fake: FakeDiscord, haven: Haven) -> None:
    reply = await answer(
        fake,
        await fake.slash(
            ALICE, "checkin", [opt("mood", 1), opt("note", "i want to die")], guild_id=GUILD
        ),
    )
    assert reply.ephemeral and "You're not alone" in reply.content
    assert rows(haven, "SELECT COUNT(*) FROM checkins") == [(0,)]


async def test_direct_message_commands(fake: FakeDiscord, haven: Haven) -> None:
    reply = await answer(fake, await fake.slash(ALICE, "sos"))
    assert "You're not alone" in reply.content


async def test_sync_to_configured_guilds_only(fake: FakeDiscord, database: Databases) -> None:
    running = await start_haven(fake, database("g.db"), guild_ids=[GUILD])
    try:
        assert "global" not in fake.commands
        assert fake.commands[str(GUILD)] == schema.commands_payload(running.app.registry)
        reply = await answer(fake, await fake.slash(ALICE, "mood", sub("show"), guild_id=GUILD))
        assert reply.ephemeral
    finally:
        await stop_haven(running)


async def test_no_sync_when_turned_off(fake: FakeDiscord, database: Databases) -> None:
    running = await start_haven(fake, database("n.db"), sync_commands=False)
    try:
        assert fake.commands == {}
    finally:
        await stop_haven(running)


async def test_the_rules_gate_role_outlasts_a_5xx_and_a_429(
    fake: FakeDiscord, database: Databases
) -> None:
    """Discord answers the role's PUT with 502, then 429: discord.py waits both out, the member
    gets the role once, and is told so (never "could not" when it was given)."""
    members, haven_role = 820000000000000001, 820000000000000002
    fake.add_role(GUILD, members, "Members")
    fake.add_role(GUILD, haven_role, "Haven", permissions=1 << 28)  # Manage Roles
    fake.add_member(GUILD, fake.bot_user_id, roles=[haven_role])
    running = await start_haven(fake, database("gate.db"))
    try:
        await answer(
            fake,
            await fake.slash(
                LEAD,
                "rules",
                sub("gate", opt("mode", "role"), opt("role", "Members")),
                guild_id=GUILD,
            ),
        )
        path = f"/guilds/{GUILD}/members/{ALICE}/roles"
        fake.fail_next("PUT", path, 502, {"message": "Bad Gateway", "code": 0})
        fake.fail_next("PUT", path, 429, {}, retry_after=0.5)
        said = await answer(fake, await fake.slash(ALICE, "rules", sub("agree"), guild_id=GUILD))
        assert "You now have the role “Members”" in said.content and "could not" not in said.content
        assert fake.member_roles(GUILD, ALICE) == ["Members"]
        puts = [r for r in fake.requests_to("PUT", path)]
        assert [r.status for r in puts] == [502, 429, 204], puts
    finally:
        await stop_haven(running)
