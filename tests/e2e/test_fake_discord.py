"""Self-test of the fake Discord API and gateway, driven by the real discord.py client."""

from __future__ import annotations

import asyncio
import contextlib
import math
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import timedelta
from typing import Any

import aiohttp
import discord
import pytest
import yarl
from fakes.discord_api import (
    ALL_PERMISSIONS,
    CREATE_EVENTS,
    MANAGE_EVENTS,
    MANAGE_MESSAGES,
    PIN_MESSAGES,
    FakeDiscord,
)

GUILD = 800000000000000001
LOUNGE = 800000000000000011
CHECKINS = 800000000000000012
MODS = 800000000000000021
OWNER = 900000000000000001
ALICE = 900000000000000002
BOB = 900000000000000003  # DMs closed
CAROL = 900000000000000004  # not a member yet

COMMANDS: list[dict[str, Any]] = [
    {"name": "ping", "description": "Check that the bot answers", "type": 1},
    {
        "name": "mood",
        "description": "Log a mood",
        "type": 1,
        "options": [{"type": 4, "name": "mood", "description": "1 to 5", "required": True}],
    },
]

Handler = Callable[[discord.Interaction], Awaitable[None]]


def populate(fake: FakeDiscord) -> FakeDiscord:
    fake.add_user(OWNER, "olive")
    fake.add_user(ALICE, "alice")
    fake.add_user(BOB, "bob", dms_open=False)
    fake.add_user(CAROL, "carol")
    fake.add_guild(
        GUILD,
        "Peer Support",
        owner_id=OWNER,
        channels={LOUNGE: "lounge", CHECKINS: "check-ins"},
        system_channel_id=LOUNGE,
    )
    fake.add_role(GUILD, MODS, "Mods", permissions=1 << 13)  # MANAGE_MESSAGES
    fake.add_member(GUILD, ALICE, roles=[MODS])
    fake.add_member(GUILD, BOB)
    return fake


class Bot(discord.Client):
    """A discord.py client that records what it receives; `handler` answers interactions."""

    def __init__(self, handler: Handler | None = None, **options: Any) -> None:
        super().__init__(**options)
        self.handler = handler
        self.seen: list[discord.Interaction] = []
        self.joined: list[discord.Member] = []
        self.messages: list[discord.Message] = []  # from others, not the bot's own
        self.errors: list[BaseException] = []
        self.resumed = asyncio.Event()

    async def on_interaction(self, interaction: discord.Interaction) -> None:
        self.seen.append(interaction)
        if self.handler is not None:
            try:
                await self.handler(interaction)
            except Exception as exc:
                self.errors.append(exc)

    async def on_message(self, message: discord.Message) -> None:
        if self.user is None or message.author.id != self.user.id:
            self.messages.append(message)

    async def on_member_join(self, member: discord.Member) -> None:
        self.joined.append(member)

    async def on_resumed(self) -> None:
        self.resumed.set()


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    server = populate(FakeDiscord())
    await server.start()
    yield server
    await server.stop()


@contextlib.asynccontextmanager
async def running(
    fake: FakeDiscord,
    handler: Handler | None = None,
    *,
    intents: discord.Intents | None = None,
) -> AsyncIterator[Bot]:
    """A real client logged in and connected to `fake`, closed cleanly afterwards."""
    saved = discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
    discord.http.Route.BASE = fake.api_base
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(fake.gateway_url)
    client = Bot(
        handler,
        intents=intents or discord.Intents.default(),
        guild_ready_timeout=0.1,
        allowed_mentions=discord.AllowedMentions.none(),
    )
    task: asyncio.Task[None] | None = None
    try:
        await client.login(fake.token)
        task = asyncio.create_task(client.connect(reconnect=False))
        await asyncio.wait_for(client.wait_until_ready(), 10)
        yield client
        assert not client.errors, client.errors
    finally:
        await client.close()
        if task is not None:
            await asyncio.wait_for(task, 5)
        discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = saved


async def wait_message(client: Bot, count: int = 1) -> discord.Message:
    for _ in range(500):
        if len(client.messages) >= count:
            return client.messages[count - 1]
        await asyncio.sleep(0.01)
    raise AssertionError(f"the client saw {len(client.messages)} message(s), not {count}")


async def wait_seen(client: Bot, count: int = 1) -> discord.Interaction:
    for _ in range(500):
        if len(client.seen) >= count:
            return client.seen[count - 1]
        await asyncio.sleep(0.01)
    raise AssertionError(f"the client saw {len(client.seen)} interaction(s), not {count}")


async def test_ready_with_guild_channels_members_and_identify(fake: FakeDiscord) -> None:
    async with running(fake) as client:
        await fake.wait_ready()
        assert client.user is not None and client.user.id == fake.bot_user_id
        assert client.application_id == fake.application_id
        guild = client.get_guild(GUILD)
        assert guild is not None and guild.name == "Peer Support"
        assert [c.name for c in guild.text_channels] == ["lounge", "check-ins"]
        assert guild.system_channel is not None and guild.system_channel.id == LOUNGE
        assert guild.owner_id == OWNER
        assert guild.default_role.id == GUILD
        assert guild.get_role(MODS) is not None
        assert guild.me is not None and guild.me.id == fake.bot_user_id
        assert guild.member_count == 4  # bot, owner, alice, bob
        assert guild.get_member(ALICE) is None  # no GUILD_MEMBERS intent: only the bot
        assert fake.identify is not None
        assert fake.identify["intents"] == discord.Intents.default().value
        assert fake.identify["token"] == fake.token

        channel = await client.fetch_channel(CHECKINS)
        assert isinstance(channel, discord.TextChannel) and channel.guild.id == GUILD
        member = await guild.fetch_member(ALICE)
        assert [r.id for r in member.roles if not r.is_default()] == [MODS]
        user = await client.fetch_user(ALICE)
        assert user.name == "alice"
        with pytest.raises(discord.NotFound) as unknown:
            await client.fetch_channel(123)
        assert unknown.value.code == 10003


async def test_wrong_token_is_refused(fake: FakeDiscord) -> None:
    client = discord.Client(intents=discord.Intents.default())
    saved = discord.http.Route.BASE
    discord.http.Route.BASE = fake.api_base
    try:
        with pytest.raises(discord.LoginFailure):
            await client.login("not.the.token")
    finally:
        discord.http.Route.BASE = saved
        await client.close()
    assert fake.requests[-1].status == 401


async def test_gateway_and_application_routes(fake: FakeDiscord) -> None:
    headers = {"Authorization": f"Bot {fake.token}"}
    async with aiohttp.ClientSession() as session:
        async with session.get(fake.api_base + "/gateway") as response:
            assert response.headers["Content-Type"] == "application/json"
            assert (await response.json())["url"] == fake.gateway_url
        async with session.get(fake.api_base + "/gateway/bot", headers=headers) as response:
            assert (await response.json())["shards"] == 1
        async with session.get(fake.api_base + "/gateway/bot") as response:
            assert response.status == 401
            assert await response.json() == {"message": "401: Unauthorized", "code": 0}
        async with session.get(fake.api_base + "/oauth2/applications/@me", headers=headers) as r:
            app = await r.json()
            assert app["id"] == str(fake.application_id) and app["bot_public"] is True


async def test_slash_answered_ephemerally(fake: FakeDiscord) -> None:
    async def handler(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("pong", ephemeral=True)

    async with running(fake, handler) as client:
        sent = await fake.slash(ALICE, "ping", guild_id=GUILD)
        (response,) = await fake.wait_responses(sent)
        seen = await wait_seen(client)
        assert seen.type is discord.InteractionType.application_command
        assert seen.guild_id == GUILD and seen.channel_id == LOUNGE
        assert isinstance(seen.user, discord.Member) and seen.user.id == ALICE
        assert seen.permissions.manage_messages and seen.permissions.send_messages
        assert seen.data is not None and seen.data["name"] == "ping"
        assert response.kind == "callback" and response.type == 4
        assert response.content == "pong" and response.ephemeral
        assert response.allowed_mentions == {"parse": []} and response.pings == []
        assert fake.channel_messages(LOUNGE) == []  # ephemeral: not in the channel
        assert fake.message(response.message_id or 0)["flags"] & 64

        owner = await fake.slash(OWNER, "ping", guild_id=GUILD, channel_id=CHECKINS)
        await fake.wait_responses(owner)
        assert owner.payload["member"]["permissions"] == str(ALL_PERMISSIONS)
        assert owner.payload["channel_id"] == str(CHECKINS)


async def test_defer_then_followup_and_edit(fake: FakeDiscord) -> None:
    async def handler(interaction: discord.Interaction) -> None:
        await interaction.response.defer(thinking=True)
        await interaction.followup.send("done <@900000000000000003>")
        await interaction.edit_original_response(content="done, edited")

    async with running(fake, handler):
        sent = await fake.slash(ALICE, "ping", guild_id=GUILD)
        callback, followup, edit = await fake.wait_responses(sent, 3)
        assert (callback.kind, callback.type, callback.content) == ("callback", 5, None)
        assert not callback.ephemeral
        assert (followup.kind, followup.content, followup.pings) == (
            "followup",
            "done <@" + str(BOB) + ">",
            [],
        )
        assert (edit.kind, edit.content) == ("edit_original", "done, edited")
        (message,) = fake.channel_messages(LOUNGE)
        assert message["interaction"] is True and message["content"] == "done, edited"
        assert message["allowed_mentions"] == {"parse": []}


async def test_slash_in_dm_with_synced_command_and_options(fake: FakeDiscord) -> None:
    async def handler(interaction: discord.Interaction) -> None:
        await interaction.response.send_message(f"mood {interaction.data['options'][0]['value']}")  # type: ignore[index]

    async with running(fake, handler) as client:
        assert client.application_id is not None
        synced = await client.http.bulk_upsert_global_commands(client.application_id, COMMANDS)
        assert fake.commands["global"] == COMMANDS
        assert [c["name"] for c in synced] == ["ping", "mood"]
        assert all(c["application_id"] == str(fake.application_id) for c in synced)
        listed = await client.http.get_global_commands(client.application_id)
        assert [c["id"] for c in listed] == [c["id"] for c in synced]

        sent = await fake.slash(ALICE, "mood", [{"type": 4, "name": "mood", "value": 4}])
        (response,) = await fake.wait_responses(sent)
        seen = await wait_seen(client)
        assert seen.guild_id is None and isinstance(seen.channel, discord.DMChannel)
        assert isinstance(seen.user, discord.User) and seen.user.id == ALICE
        assert sent.payload["data"]["id"] == synced[1]["id"]
        assert "guild_id" not in sent.payload["data"]
        assert response.content == "mood 4" and not response.ephemeral
        assert [m["content"] for m in fake.dm_messages(ALICE)] == ["mood 4"]

        with pytest.raises(discord.HTTPException) as invalid:
            await client.http.bulk_upsert_guild_commands(
                client.application_id, GUILD, [{"name": "Bad Name", "description": ""}]
            )
        assert invalid.value.code == 50035
        assert str(GUILD) not in fake.commands


async def test_button_press_updates_the_message(fake: FakeDiscord) -> None:
    class Confirm(discord.ui.View):
        def __init__(self) -> None:
            super().__init__(timeout=None)

        @discord.ui.button(label="Yes", custom_id="confirm:yes")
        async def yes(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
            await interaction.response.edit_message(content="confirmed", view=None)

        @discord.ui.button(label="Later", custom_id="confirm:later")
        async def later(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
            await interaction.response.defer()

    async with running(fake) as client:
        channel = client.get_channel(LOUNGE)
        assert isinstance(channel, discord.TextChannel)
        await channel.send("Sure?", view=Confirm())
        (message,) = fake.channel_messages(LOUNGE)
        assert [b["custom_id"] for b in message["components"][0]["components"]] == [
            "confirm:yes",
            "confirm:later",
        ]

        later = await fake.press(ALICE, "confirm:later", message)
        (deferred,) = await fake.wait_responses(later)
        assert later.payload["type"] == 3 and later.payload["message"]["id"] == message["id"]
        assert (deferred.type, deferred.content) == (6, None)

        yes = await fake.press(ALICE, "confirm:yes", message)
        (update,) = await fake.wait_responses(yes)
        seen = await wait_seen(client, 2)
        assert seen.type is discord.InteractionType.component
        assert seen.message is not None and seen.message.id == int(message["id"])
        assert (update.type, update.content, update.components) == (7, "confirmed", [])
        (after,) = fake.channel_messages(LOUNGE)
        assert after["content"] == "confirmed" and after["components"] == []
        with pytest.raises(ValueError, match="no component"):
            await fake.press(ALICE, "nope", after)

        client.add_view(Confirm())  # persistent: answers on any message
        built = {"id": "1", "channel_id": str(LOUNGE), "components": message["components"]}
        again = await fake.press(BOB, "confirm:later", built, guild_id=GUILD)
        (deferred_again,) = await fake.wait_responses(again)
        assert deferred_again.type == 6 and again.payload["message"]["content"] == ""
        assert fake.message(1)["components"] == message["components"]


async def test_mentions_follow_allowed_mentions(fake: FakeDiscord) -> None:
    async with running(fake) as client:
        channel = client.get_channel(LOUNGE)
        assert isinstance(channel, discord.TextChannel)
        text = f"@everyone hi <@{ALICE}> <@&{MODS}>"
        await channel.send(text)  # the client's default: AllowedMentions.none()
        await channel.send(text, allowed_mentions=discord.AllowedMentions(everyone=True))
        await channel.send(
            text,
            allowed_mentions=discord.AllowedMentions(
                everyone=False, users=[discord.Object(ALICE)], roles=False
            ),
        )
        quiet, everyone, alice = fake.channel_messages(LOUNGE)
        assert quiet["allowed_mentions"] == {"parse": []} and quiet["pings"] == []
        assert everyone["pings"] == ["@everyone"]
        assert alice["pings"] == [f"<@{ALICE}>"]
        assert all(not m["interaction"] for m in (quiet, everyone, alice))

        headers = {"Authorization": f"Bot {fake.token}"}
        url = f"{fake.api_base}/channels/{LOUNGE}/messages"
        async with aiohttp.ClientSession() as session:
            async with session.post(url, json={"content": text}, headers=headers) as response:
                assert response.status == 200
            async with session.post(url, json={"content": ""}, headers=headers) as response:
                assert response.status == 400
                assert (await response.json())["code"] == 50006
        assert fake.channel_messages(LOUNGE)[-1]["pings"] == [
            "@everyone",
            f"<@{ALICE}>",
            f"<@&{MODS}>",
        ]


async def test_dms_open_and_closed(fake: FakeDiscord) -> None:
    async with running(fake) as client:
        alice = await client.fetch_user(ALICE)
        await alice.send("hello alice")
        assert [m["content"] for m in fake.dm_messages(ALICE)] == ["hello alice"]

        bob = await client.fetch_user(BOB)
        dm = await bob.create_dm()
        assert dm.recipient is not None and dm.recipient.id == BOB
        with pytest.raises(discord.Forbidden) as closed:
            await dm.send("hello bob")
        assert closed.value.code == 50007
        assert fake.dm_messages(BOB) == []


async def test_second_callback_and_late_callback_are_rejected(fake: FakeDiscord) -> None:
    outcomes: list[BaseException] = []

    async def handler(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("first")
        try:
            await interaction.response.send_message("second")
        except (discord.InteractionResponded, discord.HTTPException) as exc:
            outcomes.append(exc)

    async with running(fake, handler) as client:
        sent = await fake.slash(ALICE, "ping", guild_id=GUILD)
        await fake.wait_responses(sent)
        await fake.wait_for(lambda: bool(outcomes))
        assert isinstance(outcomes[0], discord.InteractionResponded)

        url = f"{fake.api_base}/interactions/{sent.id}/{sent.token}/callback?with_response=1"
        async with aiohttp.ClientSession() as session:
            async with session.post(url, json={"type": 4, "data": {"content": "x"}}) as response:
                assert response.status == 400
                assert (await response.json())["code"] == 40060
            bad = f"{fake.api_base}/interactions/1/nope/callback"
            async with session.post(bad, json={"type": 5}) as response:
                assert response.status == 404 and (await response.json())["code"] == 10062

        fake.callback_deadline = 0.05
        client.handler = None
        late = await fake.slash(ALICE, "ping", guild_id=GUILD)
        seen = await wait_seen(client, 2)
        await asyncio.sleep(0.1)
        with pytest.raises(discord.NotFound) as expired:
            await seen.response.send_message("too late")
        assert expired.value.code == 10062 and late.responses == []


async def test_rate_limit_injection_is_retried(fake: FakeDiscord) -> None:
    async with running(fake) as client:
        channel = client.get_channel(LOUNGE)
        assert isinstance(channel, discord.TextChannel)
        fake.fail_next(
            "POST",
            f"/channels/{LOUNGE}/messages",
            429,
            {"message": "You are being rate limited.", "retry_after": 0.05, "global": False},
        )
        await channel.send("after a pause")
        posts = fake.requests_to("POST", f"/channels/{LOUNGE}/messages")
        assert [r.status for r in posts] == [429, 200]
        assert [m["content"] for m in fake.channel_messages(LOUNGE)] == ["after a pause"]

        fake.fail_next("GET", "/users/", 403, {"message": "Missing Access", "code": 50001})
        with pytest.raises(discord.Forbidden) as forbidden:
            await client.fetch_user(ALICE)
        assert forbidden.value.code == 50001
        assert (await client.fetch_user(ALICE)).id == ALICE  # only the next one failed


async def test_heartbeats_are_acknowledged() -> None:
    fake = populate(FakeDiscord(heartbeat_interval_ms=200))
    await fake.start()
    try:
        async with running(fake) as client:
            await asyncio.sleep(0.5)
            assert fake.heartbeats >= 2
            assert math.isfinite(client.latency)
    finally:
        await fake.stop()


async def test_member_join_needs_the_members_intent(fake: FakeDiscord) -> None:
    async with running(fake) as client:
        await fake.member_join(GUILD, CAROL)
        await asyncio.sleep(0.05)
        assert client.joined == []
        assert not [e for e in fake.sent_events if e["t"] == "GUILD_MEMBER_ADD"]

    intents = discord.Intents.default()
    intents.members = True
    async with running(fake, intents=intents) as client:
        guild = client.get_guild(GUILD)
        assert guild is not None and guild.get_member(ALICE) is not None
        assert guild.get_member(CAROL) is not None  # joined while nobody listened
        await fake.member_join(GUILD, CAROL)  # joining again: leave, then join
        await fake.wait_for(lambda: bool(client.joined))
        assert client.joined[0].id == CAROL and client.joined[0].guild.id == GUILD
        assert [e["t"] for e in fake.sent_events[-2:]] == [
            "GUILD_MEMBER_REMOVE",
            "GUILD_MEMBER_ADD",
        ]


async def test_server_side_disconnect_resumes(fake: FakeDiscord) -> None:
    async def handler(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("still here", ephemeral=True)

    async with running(fake, handler) as client:
        fake.disconnect(4000)
        await asyncio.wait_for(client.resumed.wait(), 5)
        assert fake.resumes == 1 and fake.identifies == 1
        sent = await fake.slash(ALICE, "ping", guild_id=GUILD)
        (response,) = await fake.wait_responses(sent)
        assert response.content == "still here"


async def test_gateway_protocol_errors(fake: FakeDiscord) -> None:
    """Raw gateway checks (discord.py waits 5 s before it identifies again, too slow here)."""

    async def receive(ws: aiohttp.ClientWebSocketResponse) -> dict[str, Any]:
        return await ws.receive_json(timeout=5)

    async with aiohttp.ClientSession() as session:
        async with session.ws_connect(fake.gateway_url) as ws:
            assert await receive(ws) == {
                "op": 10,
                "d": {"heartbeat_interval": 41250},
                "s": None,
                "t": None,
            }
            await ws.send_json({"op": 1, "d": None})
            assert (await receive(ws))["op"] == 11
            await ws.send_json({"op": 6, "d": {"token": fake.token, "session_id": "x", "seq": 3}})
            assert await receive(ws) == {"op": 9, "d": False, "s": None, "t": None}
            await ws.send_json({"op": 2, "d": {"token": "wrong", "intents": 0}})
            assert (await ws.receive(timeout=5)).type is aiohttp.WSMsgType.CLOSE
            assert ws.close_code == 4004
        async with session.ws_connect(fake.gateway_url) as ws:
            await receive(ws)
            fake.privileged_intents = 0
            await ws.send_json({"op": 2, "d": {"token": fake.token, "intents": 1 << 1}})
            assert (await ws.receive(timeout=5)).type is aiohttp.WSMsgType.CLOSE
            assert ws.close_code == 4014
        async with session.ws_connect(fake.gateway_url) as ws:
            await receive(ws)
            await ws.send_json({"op": 2, "d": {"token": fake.token, "intents": 513}})
            ready = await receive(ws)
            assert (ready["t"], ready["s"]) == ("READY", 1)
            assert ready["d"]["guilds"] == [{"id": str(GUILD), "unavailable": True}]
            guild = await receive(ws)
            assert (guild["t"], guild["s"]) == ("GUILD_CREATE", 2)
            assert [m["user"]["id"] for m in guild["d"]["members"]] == [str(fake.bot_user_id)]
            await fake.wait_ready()
            session_id = ready["d"]["session_id"]
        async with session.ws_connect(fake.gateway_url) as ws:
            await receive(ws)
            resume = {"token": fake.token, "session_id": session_id, "seq": 1}
            await ws.send_json({"op": 6, "d": resume})
            assert (await receive(ws))["t"] == "GUILD_CREATE"  # replayed: s 2 > seq 1
            assert (await receive(ws))["t"] == "RESUMED"


# ---------------------------------------------------------------------- scheduled events and pins


def external_event(**overrides: Any) -> dict[str, Any]:
    """Keyword arguments for guild.create_scheduled_event: an EXTERNAL event tomorrow."""
    start = discord.utils.utcnow() + timedelta(days=1)
    arguments: dict[str, Any] = {
        "name": "Peer circle",
        "description": "Bring a cup of tea",
        "start_time": start,
        "end_time": start + timedelta(hours=1),
        "entity_type": discord.EntityType.external,
        "location": "Community hall",
        "privacy_level": discord.PrivacyLevel.guild_only,
    }
    arguments.update(overrides)
    return arguments


async def test_scheduled_event_lifecycle(fake: FakeDiscord) -> None:
    async with running(fake) as client:
        guild = client.get_guild(GUILD)
        assert guild is not None
        with pytest.raises(discord.Forbidden) as forbidden:
            await guild.create_scheduled_event(**external_event())
        assert forbidden.value.code == 50013 and forbidden.value.text == "Missing Permissions"
        assert fake.scheduled_events(GUILD) == []

        fake.grant(GUILD, MANAGE_EVENTS)
        arguments = external_event()
        event = await guild.create_scheduled_event(**arguments)
        assert (event.name, event.description, event.location) == (
            "Peer circle",
            "Bring a cup of tea",
            "Community hall",
        )
        assert event.entity_type is discord.EntityType.external
        assert event.status is discord.EventStatus.scheduled
        assert (event.start_time, event.end_time) == (
            arguments["start_time"],
            arguments["end_time"],
        )
        assert event.creator_id == fake.bot_user_id and event.creator is not None
        assert event.guild_id == GUILD and event.channel_id is None
        (stored,) = fake.scheduled_events(GUILD)
        assert stored["id"] == str(event.id) and stored["privacy_level"] == 2
        assert stored["entity_metadata"] == {"location": "Community hall"}
        assert (stored["entity_id"], stored["image"], stored["channel_id"]) == (None, None, None)
        await fake.wait_for(lambda: guild.get_scheduled_event(event.id) is not None)

        fetched = await guild.fetch_scheduled_event(event.id)
        assert (fetched.id, fetched.name, fetched.user_count) == (event.id, "Peer circle", 0)
        assert [e.id for e in await guild.fetch_scheduled_events()] == [event.id]

        later = arguments["start_time"] + timedelta(days=1)
        moved = await event.edit(
            name="Peer circle (moved)",
            location="Library",
            start_time=later,
            end_time=later + timedelta(hours=2),
        )
        assert (moved.name, moved.location, moved.start_time) == (
            "Peer circle (moved)",
            "Library",
            later,
        )
        assert moved.description == "Bring a cup of tea"  # left out: kept
        started = await moved.start()
        assert started.status is discord.EventStatus.active
        ended = await started.end()
        assert ended.status is discord.EventStatus.completed
        with pytest.raises(discord.HTTPException) as finished:
            await ended.edit(name="Once more")
        assert (finished.value.status, finished.value.code) == (400, 180000)
        assert fake.scheduled_events(GUILD)[0]["status"] == 3

        await ended.delete()
        assert fake.scheduled_events(GUILD) == []
        with pytest.raises(discord.NotFound) as gone:
            await guild.fetch_scheduled_event(event.id)
        assert (gone.value.code, gone.value.text) == (10070, "Unknown Guild Scheduled Event")
        await fake.wait_for(lambda: guild.get_scheduled_event(event.id) is None)
        assert [e["t"] for e in fake.sent_events if "SCHEDULED_EVENT" in e["t"]] == [
            "GUILD_SCHEDULED_EVENT_CREATE",
            *["GUILD_SCHEDULED_EVENT_UPDATE"] * 3,
            "GUILD_SCHEDULED_EVENT_DELETE",
        ]


async def test_scheduled_event_status_changes_and_permissions(fake: FakeDiscord) -> None:
    async with running(fake) as client:
        guild = client.get_guild(GUILD)
        assert guild is not None
        fake.grant(GUILD, MANAGE_EVENTS)
        event = await guild.create_scheduled_event(**external_event())
        with pytest.raises(discord.HTTPException) as skipped:
            await event.edit(status=discord.EventStatus.completed)  # SCHEDULED -> COMPLETED
        assert skipped.value.code == 50035 and "status" in skipped.value.text
        canceled = await event.cancel()
        assert canceled.status is discord.EventStatus.canceled

        other = await guild.create_scheduled_event(**external_event(name="Walk"))
        fake.revoke(GUILD, MANAGE_EVENTS)
        for attempt in (other.edit(name="Run"), other.delete()):
            with pytest.raises(discord.Forbidden) as forbidden:
                await attempt
            assert forbidden.value.code == 50013
        fake.grant(GUILD, CREATE_EVENTS)  # enough for the events the bot created itself
        assert (await other.edit(name="Run")).name == "Run"
        await other.delete()
        assert [e["name"] for e in fake.scheduled_events(GUILD)] == ["Peer circle"]
        assert fake.scheduled_events(GUILD)[0]["status"] == 4

        with pytest.raises(discord.NotFound) as unknown_guild:
            await client.http.get_scheduled_events(123, False)
        assert unknown_guild.value.code == 10004


@pytest.mark.parametrize(
    ("overrides", "field", "code"),
    [
        ({"name": "x" * 101}, "name", "BASE_TYPE_BAD_LENGTH"),
        ({"description": "x" * 1001}, "description", "BASE_TYPE_MAX_LENGTH"),
        ({"location": ""}, "entity_metadata", "BASE_TYPE_BAD_LENGTH"),
        ({"location": "x" * 101}, "entity_metadata", "BASE_TYPE_BAD_LENGTH"),
        (
            {"start_time": discord.utils.utcnow() - timedelta(minutes=5)},
            "scheduled_start_time",
            "GUILD_SCHEDULED_EVENT_SCHEDULE_PAST",
        ),
        (
            {"end_time": discord.utils.utcnow() + timedelta(hours=1)},  # before the start
            "scheduled_end_time",
            "GUILD_SCHEDULED_EVENT_END_BEFORE_START",
        ),
        ({"privacy_level": discord.utils.MISSING}, "privacy_level", "BASE_TYPE_REQUIRED"),
    ],
)
async def test_scheduled_event_validation(
    fake: FakeDiscord, overrides: dict[str, Any], field: str, code: str
) -> None:
    async with running(fake) as client:
        guild = client.get_guild(GUILD)
        assert guild is not None
        fake.grant(GUILD, MANAGE_EVENTS)
        with pytest.raises(discord.HTTPException) as invalid:
            await guild.create_scheduled_event(**external_event(**overrides))
        assert (invalid.value.status, invalid.value.code) == (400, 50035)
        assert f"In {field}" in invalid.value.text
        assert fake.scheduled_events(GUILD) == []

        record = fake.requests_to("POST", f"/guilds/{GUILD}/scheduled-events")[-1]
        headers = {"Authorization": f"Bot {fake.token}"}
        url = f"{fake.api_base}/guilds/{GUILD}/scheduled-events"
        async with (
            aiohttp.ClientSession() as session,
            session.post(url, json=record.json, headers=headers) as response,
        ):
            body = await response.json()
        assert (response.status, body["message"], body["code"]) == (400, "Invalid Form Body", 50035)
        errors = body["errors"][field]
        errors = errors.get("location", errors)  # entity_metadata.location nests one level
        assert errors["_errors"][0]["code"] == code


async def test_scheduled_event_patch_checks_the_result(fake: FakeDiscord) -> None:
    """A modify takes any subset; the rules apply to the event it would leave."""
    async with running(fake) as client:
        guild = client.get_guild(GUILD)
        assert guild is not None
        fake.grant(GUILD, MANAGE_EVENTS)
        event = await guild.create_scheduled_event(**external_event())
        with pytest.raises(discord.HTTPException) as before_start:
            await event.edit(end_time=event.start_time - timedelta(minutes=1))
        assert before_start.value.code == 50035 and "scheduled_end_time" in before_start.value.text
        with pytest.raises(discord.HTTPException) as bad_status:
            await client.http.edit_scheduled_event(GUILD, event.id, status=1)  # no-op is fine
            await client.http.edit_scheduled_event(GUILD, event.id, status=3)
        assert bad_status.value.code == 50035
        changed = await client.http.edit_scheduled_event(GUILD, event.id, description=None)
        assert changed["description"] is None and changed["name"] == "Peer circle"
        with pytest.raises(discord.NotFound) as unknown:
            await client.http.edit_scheduled_event(GUILD, 42, name="x")
        assert unknown.value.code == 10070


async def test_pins_need_manage_messages(fake: FakeDiscord) -> None:
    async with running(fake) as client:
        channel = client.get_channel(LOUNGE)
        assert isinstance(channel, discord.TextChannel)
        first = await channel.send("Read me first")
        second = await channel.send("And me")
        with pytest.raises(discord.Forbidden) as forbidden:
            await first.pin()
        assert forbidden.value.code == 50013
        assert fake.pinned(LOUNGE) == []

        fake.grant(GUILD, MANAGE_MESSAGES)
        await first.pin()
        await first.pin()  # pinning again changes nothing
        await second.pin()
        assert fake.pinned(LOUNGE) == [str(first.id), str(second.id)]
        assert fake.message(first.id)["pinned"] is True
        pins = [m async for m in channel.pins()]
        assert [m.id for m in pins] == [second.id, first.id]  # newest pin first
        assert all(m.pinned for m in pins)
        assert fake.requests_to("PUT", f"/channels/{LOUNGE}/messages/pins/")[-1].status == 204
        assert [e["t"] for e in fake.sent_events].count("CHANNEL_PINS_UPDATE") == 2

        await first.unpin()
        assert fake.pinned(LOUNGE) == [str(second.id)]
        assert fake.message(first.id)["pinned"] is False
        await second.delete()
        assert fake.pinned(LOUNGE) == []  # a deleted message is no longer pinned

        with pytest.raises(discord.NotFound) as unknown:
            await client.http.pin_message(LOUNGE, 123)
        assert unknown.value.code == 10008
        with pytest.raises(discord.NotFound) as no_channel:
            await client.http.pin_message(123, first.id)
        assert no_channel.value.code == 10003

        headers = {"Authorization": f"Bot {fake.token}"}
        legacy = f"{fake.api_base}/channels/{LOUNGE}/pins/{first.id}"  # the pre-2025 route
        async with (
            aiohttp.ClientSession() as session,
            session.put(legacy, headers=headers) as response,
        ):
            assert response.status == 204
        assert fake.pinned(LOUNGE) == [str(first.id)]

        fake.revoke(GUILD, MANAGE_MESSAGES)
        with pytest.raises(discord.Forbidden):
            await first.unpin()
        fake.grant(GUILD, PIN_MESSAGES)  # the permission Discord split off for pins
        await first.unpin()
        assert fake.pinned(LOUNGE) == []

        alice = await client.fetch_user(ALICE)
        dm = await alice.send("just between us")
        await dm.pin()  # no permission in a DM
        assert fake.pinned(dm.channel.id) == [str(dm.id)]


# ---------------------------------------------------------------------- members write messages


async def test_member_dm_reaches_the_bot_with_its_content(fake: FakeDiscord) -> None:
    async with running(fake) as client:  # default intents: no MESSAGE_CONTENT
        assert not client.intents.message_content
        alice = await client.fetch_user(ALICE)
        await alice.send("How are you today?")
        sent = await fake.send_dm(ALICE, "A bit tired, thanks")
        message = await wait_message(client)
        assert message.content == "A bit tired, thanks" and message.guild is None
        assert isinstance(message.channel, discord.DMChannel)
        assert message.channel.id == fake.dm_channel_id(ALICE) == int(sent["channel_id"])
        assert isinstance(message.author, discord.User) and message.author.id == ALICE
        assert message.author.name == "alice" and not message.author.bot
        assert [(m["author"]["id"], m["content"]) for m in fake.dm_messages(ALICE)] == [
            (str(fake.bot_user_id), "How are you today?"),
            (str(ALICE), "A bit tired, thanks"),
        ]
        assert "guild_id" not in sent and sent["author"]["username"] == "alice"
        event = fake.sent_events[-1]
        assert event["t"] == "MESSAGE_CREATE" and event["d"]["id"] == sent["id"]
        assert "member" not in event["d"] and event["d"]["content"] == "A bit tired, thanks"

        first = await fake.send_dm(CAROL, "hello?")  # a new DM channel, opened by the user
        assert (await wait_message(client, 2)).content == "hello?"
        assert int(first["channel_id"]) == fake.dm_channel_id(CAROL)
        channel = await client.fetch_channel(int(first["channel_id"]))
        assert isinstance(channel, discord.DMChannel) and channel.recipient is not None
        assert channel.recipient.id == CAROL
        with pytest.raises(ValueError, match="empty"):
            await fake.send_dm(ALICE, "  ")


async def test_guild_message_without_message_content_intent(fake: FakeDiscord) -> None:
    async with running(fake) as client:
        sent = await fake.send_message(ALICE, CHECKINS, "feeling good today", guild_id=GUILD)
        message = await wait_message(client)
        assert message.content == "" and message.embeds == [] and message.attachments == []
        assert message.id == int(sent["id"]) and message.channel.id == CHECKINS
        assert message.guild is not None and message.guild.id == GUILD
        assert isinstance(message.author, discord.Member) and message.author.id == ALICE
        assert [r.id for r in message.author.roles if not r.is_default()] == [MODS]
        assert sent["content"] == "feeling good today" and sent["guild_id"] == str(GUILD)
        assert fake.channel_messages(CHECKINS)[0]["content"] == "feeling good today"
        event = fake.sent_events[-1]["d"]
        assert event["content"] == "" and "user" not in event["member"]
        assert event["member"]["roles"] == [str(MODS)]

        mention = f"<@{fake.bot_user_id}> can you help? <@{BOB}> @everyone"
        pinged = await fake.send_message(ALICE, LOUNGE, mention, guild_id=GUILD)
        message = await wait_message(client, 2)
        assert message.content == mention  # mentioning the bot lifts the restriction
        assert [u.id for u in message.mentions] == [fake.bot_user_id, BOB]
        assert not message.mention_everyone  # alice may not mention everyone
        assert pinged["pings"] == [f"<@{fake.bot_user_id}>", f"<@{BOB}>"]
        assert fake.sent_events[-1]["d"]["mentions"][1]["member"]["roles"] == []

        with pytest.raises(ValueError, match="not a member"):
            await fake.send_message(CAROL, LOUNGE, "hi", guild_id=GUILD)
        with pytest.raises(ValueError, match="not in guild"):
            await fake.send_message(ALICE, 123, "hi", guild_id=GUILD)


async def test_guild_message_with_message_content_intent(fake: FakeDiscord) -> None:
    intents = discord.Intents.default()
    intents.message_content = True
    async with running(fake, intents=intents) as client:
        await fake.send_message(OWNER, LOUNGE, "@everyone welcome!", guild_id=GUILD)
        message = await wait_message(client)
        assert message.content == "@everyone welcome!" and message.mention_everyone
        assert isinstance(message.author, discord.Member) and message.author.id == OWNER
        await fake.send_dm(ALICE, "and a DM")
        assert (await wait_message(client, 2)).content == "and a DM"

    no_guild_messages = discord.Intents.default()
    no_guild_messages.guild_messages = False
    async with running(fake, intents=no_guild_messages) as client:
        before = len(fake.sent_events)
        await fake.send_message(ALICE, LOUNGE, "nobody hears this", guild_id=GUILD)
        await fake.send_dm(ALICE, "but this")
        assert (await wait_message(client)).content == "but this"
        assert client.messages[0].channel.id == fake.dm_channel_id(ALICE)
        assert [e["d"]["content"] for e in fake.sent_events[before:]] == ["but this"]
