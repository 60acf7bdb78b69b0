"""Charts through the real discord.py against the fake REST API and gateway: `/mood chart` and
`/summary` answer ephemerally with the PNG attached, and a scheduled summary's chart reaches
the lead's DM through the outbox (or, DMs closed, their next interaction), its bytes then
dropped from the database."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from fakes.charts import CHART_SIZE, LAST_WEEK, check_ins, outbox_rows, png_size
from fakes.discord_api import FakeDiscord, Interaction, Response
from fakes.discord_slash import opt, sub
from fakes.haven_discord import (
    ALICE,
    BOB,
    GENERAL,
    GUILD,
    KIM,
    LEAD,
    Haven,
    start_haven,
    stop_haven,
)
from shared import Databases

from bot.core.messages import Place

GUILD_PLACE = Place("discord", str(GENERAL), False, str(GUILD), "Calm Corner")
OTHERS = {920000000000000001: "ana", 920000000000000002: "ben"}
FIVE = {ALICE: "alice", BOB: "bob", KIM: "kim", **OTHERS}
EPHEMERAL = 1 << 6
DEFERRED = 5


async def answered(fake: FakeDiscord, interaction: Interaction, count: int = 1) -> list[Response]:
    """The interaction's answers; a first chart may take long enough to be deferred, then the
    deferral is followed by the real answer."""
    responses = await fake.wait_responses(interaction, count)
    if responses[0].type == DEFERRED:
        responses = await fake.wait_responses(interaction, count + 1, timeout=30)
    await asyncio.sleep(0.2)  # anything more would have arrived by now
    return list(interaction.responses)


def ephemeral(responses: list[Response]) -> bool:
    flags = int(responses[0].payload.get("data", {}).get("flags") or 0)
    return bool(flags & EPHEMERAL) and all(r.ephemeral for r in responses)


def nothing_public(fake: FakeDiscord) -> bool:
    return [m for m in fake.channel_messages(GENERAL) if not m.get("ephemeral")] == []


async def test_mood_chart_is_an_ephemeral_png(fake: FakeDiscord, haven: Haven) -> None:
    days_ago = (timedelta(days=1), timedelta(days=3), timedelta(days=12))
    await check_ins(haven.app, "discord", {ALICE: "alice"}, days_ago, moods=(4,))
    chart = await answered(
        fake, await fake.slash(ALICE, "mood", sub("chart", opt("days", "30")), guild_id=GUILD)
    )
    assert ephemeral(chart)
    (with_file,) = [r for r in chart if r.files]
    (file,) = with_file.files
    assert file["filename"].startswith("mood-30-days-") and file["filename"].endswith(".png")
    assert png_size(file["data"]) == CHART_SIZE
    # Alice began 12 days ago: the chart starts there, not 17 empty days earlier.
    assert file["description"].startswith("Chart of your mood over the last 13 days")  # alt text
    assert with_file.content is not None
    assert with_file.content.startswith("Your mood chart, last 13 days (you asked for 30;")
    assert "In words: 3 check-ins on 3 of 13 days" in with_file.content
    assert nothing_public(fake) and fake.dm_messages(ALICE) == []

    shown = await answered(fake, await fake.slash(ALICE, "mood", sub("show"), guild_id=GUILD))
    assert ephemeral(shown) and not any(r.files for r in shown)
    assert "Last 30 days" in (shown[-1].content or "")


async def test_mood_chart_without_checkins_is_words_only(fake: FakeDiscord, haven: Haven) -> None:
    reply = await answered(
        fake, await fake.slash(BOB, "mood", sub("chart", opt("days", "7")), guild_id=GUILD)
    )
    assert ephemeral(reply) and not any(r.files for r in reply)
    assert "nothing to draw" in (reply[-1].content or "")


async def test_summary_for_a_lead_is_an_ephemeral_chart(fake: FakeDiscord, haven: Haven) -> None:
    await check_ins(haven.app, "discord", FIVE, (LAST_WEEK,), place=GUILD_PLACE)
    summary = await answered(fake, await fake.slash(LEAD, "summary", guild_id=GUILD))
    assert ephemeral(summary)
    (with_file,) = [r for r in summary if r.files]
    (file,) = with_file.files
    assert file["filename"].startswith("community-mood-")
    assert png_size(file["data"]) == CHART_SIZE
    assert ": 5 members, 5 check-ins, average 3.0" in (with_file.content or "")
    assert "No chart this time" not in (with_file.content or "")
    assert nothing_public(fake)


async def test_summary_below_five_members_has_no_chart(fake: FakeDiscord, haven: Haven) -> None:
    four = dict(list(FIVE.items())[:4])
    await check_ins(haven.app, "discord", four, (LAST_WEEK,), place=GUILD_PLACE)
    summary = await answered(fake, await fake.slash(LEAD, "summary", guild_id=GUILD))
    assert ephemeral(summary) and not any(r.files for r in summary)
    assert "No chart this time" in (summary[-1].content or "")
    assert nothing_public(fake)


async def schedule_summary(fake: FakeDiscord, haven: Haven) -> None:
    await check_ins(haven.app, "discord", FIVE, (LAST_WEEK,), place=GUILD_PLACE)
    created = await answered(
        fake,
        await fake.slash(
            LEAD, "schedule", sub("summary", opt("when", "weekly mon 09:00")), guild_id=GUILD
        ),
    )
    assert "Schedule #1" in (created[-1].content or "")
    (row,) = await haven.app.services.schedules.active()
    assert await haven.app.schedules.fire(row, haven.app.services.clock.now())


async def test_scheduled_summary_reaches_the_leads_dm_with_its_chart(
    fake: FakeDiscord, haven: Haven
) -> None:
    await schedule_summary(fake, haven)
    await fake.wait_for(lambda: bool(fake.dm_messages(LEAD)))
    await fake.wait_for(lambda: [r[0] for r in outbox_rows(haven.database)] == ["sent"])
    (message,) = fake.dm_messages(LEAD)
    assert message["content"].startswith("Anonymous weekly summary")
    (attachment,) = message["attachments"]
    assert attachment["filename"].startswith("community-mood-")
    assert png_size(fake.attachment_data(attachment)) == CHART_SIZE
    assert attachment["description"].startswith("Chart of the group's anonymous mood by week")
    ((_, name, bytes_kept),) = outbox_rows(haven.database)
    assert name == attachment["filename"] and not bytes_kept
    assert nothing_public(fake)


async def test_scheduled_summary_waits_for_a_lead_whose_dms_are_closed(
    fake: FakeDiscord, haven: Haven
) -> None:
    fake.set_dms_open(LEAD, False)
    await schedule_summary(fake, haven)
    await fake.wait_for(lambda: haven.adapter.holding(str(LEAD)) == 1)
    await fake.wait_for(lambda: [r[0] for r in outbox_rows(haven.database)] == ["skipped"])
    assert not outbox_rows(haven.database)[0][2]  # settled: the bytes are gone from the database
    assert fake.dm_messages(LEAD) == [] and nothing_public(fake)

    later = await answered(fake, await fake.slash(LEAD, "help", guild_id=GUILD), count=2)
    assert all(r.ephemeral for r in later)
    (with_file,) = [r for r in later if r.files]
    assert "Anonymous weekly summary" in (with_file.content or "")
    assert png_size(with_file.files[0]["data"]) == CHART_SIZE
    assert nothing_public(fake)


async def test_a_deferred_chart_keeps_its_file_and_stays_ephemeral(
    fake: FakeDiscord, database: Databases
) -> None:
    running = await start_haven(fake, database("slow.db"), defer_after=0.0)
    try:
        await check_ins(running.app, "discord", {ALICE: "alice"}, (timedelta(days=1),))
        interaction = await fake.slash(
            ALICE, "mood", sub("chart", opt("days", "7")), guild_id=GUILD
        )
        deferred, final = await fake.wait_responses(interaction, 2, timeout=30)
        assert deferred.type == DEFERRED and ephemeral([deferred])
        assert final.kind == "edit_original" and final.ephemeral
        (file,) = final.files
        assert png_size(file["data"]) == CHART_SIZE
        assert "only you can see it" in (final.content or "")
        assert nothing_public(fake)
    finally:
        await stop_haven(running)
