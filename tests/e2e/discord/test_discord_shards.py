"""A Discord bot's shards split across processes: two Havens on one PostgreSQL database, each
identifying for one shard of two (discord.py's AutoShardedClient, `discord.shard_ids` and
`discord.shard_count`). Each hears and answers the guilds of its own shard only."""

from __future__ import annotations

from fakes.discord_api import FakeDiscord
from fakes.discord_slash import sub
from fakes.haven_discord import ALICE, GUILD, LEAD, MEMBER_PERMISSIONS, start_haven, stop_haven

OTHER_GUILD = 810000000004194305  # (id >> 22) % 2 == 1: shard 1 of 2; GUILD is on shard 0
OTHER_CHANNEL = 810000000004194400


async def test_two_processes_split_the_bots_guilds_by_shard(
    fake: FakeDiscord, pg_database: str
) -> None:
    assert (GUILD >> 22) % 2 == 0 and (OTHER_GUILD >> 22) % 2 == 1
    fake.add_guild(
        OTHER_GUILD,
        "Second Room",
        owner_id=LEAD,
        channels={OTHER_CHANNEL: "general"},
        system_channel_id=OTHER_CHANNEL,
    )
    fake.add_member(OTHER_GUILD, ALICE, permissions=MEMBER_PERMISSIONS)
    first = await start_haven(fake, pg_database, shard_count=2, shard_ids=[0])
    second = await start_haven(fake, pg_database, shard_count=2, shard_ids=[1])
    try:
        assert sorted(s for s in fake.identified_shards if s) == [[0, 2], [1, 2]]
        assert [g.id for g in first.adapter.client.guilds] == [GUILD]
        assert [g.id for g in second.adapter.client.guilds] == [OTHER_GUILD]

        here = await fake.slash(ALICE, "rules", sub("show"), guild_id=GUILD)
        there = await fake.slash(ALICE, "rules", sub("show"), guild_id=OTHER_GUILD)
        [answer_here] = await fake.wait_responses(here, 1)
        [answer_there] = await fake.wait_responses(there, 1)
        assert "Ground rules of Calm Corner" in answer_here.content
        assert "Ground rules of Second Room" in answer_there.content
        rows = await first.app.services.db.fetchall("SELECT key FROM communities ORDER BY key")
        assert [r[0] for r in rows] == sorted([str(GUILD), str(OTHER_GUILD)])
    finally:
        await stop_haven(second)
        await stop_haven(first)
