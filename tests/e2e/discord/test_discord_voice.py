"""Members' voice on Discord end to end (the real discord.py against the fake gateway and REST
API): an anonymous /share, answered ephemerally, reviewed by the lead on call in a direct
message with buttons, posted in the channel as "A member shared:" with response buttons whose
counts change in that same message; the message command "Report to leads" (synced beside the
slash commands, type 3) on a member's message, which tells the lead the message, its writer and
a link to it, never who reported, and merges a second member's report."""

from __future__ import annotations

from fakes.discord_api import FakeDiscord, Interaction
from fakes.discord_slash import opt, sub
from fakes.haven_discord import (
    ALICE,
    BOB,
    GENERAL,
    GUILD,
    KIM,
    LEAD,
    MEMBER_PERMISSIONS,
    Haven,
)

SHARED = "Today I asked my doctor for help for the first time. I was scared but I did it."
SPAM = "buy cheap followers at example.com, only today"
REPORT = "Report to leads"


async def dm(fake: FakeDiscord, user_id: int, needle: str) -> dict:
    def found() -> list[dict]:
        return [m for m in fake.dm_messages(user_id) if needle in m.get("content", "")]

    await fake.wait_for(lambda: bool(found()), timeout=10)
    return found()[-1]


async def reason_box(fake: FakeDiscord, interaction: Interaction) -> dict:
    """The modal a message command opened (callback type 9): its form."""
    (first, *_rest) = await fake.wait_responses(interaction, 1)
    assert first.type == 9, first
    return first.payload["data"]


async def answer(fake: FakeDiscord, interaction: Interaction) -> str:
    (first, *_rest) = await fake.wait_responses(interaction, 1)
    assert first.ephemeral, first
    return first.content or ""


def buttons(message: dict) -> list[dict]:
    return [c for row in message["components"] for c in row["components"]]


def labels(message: dict) -> list[str]:
    return [b["label"] for b in buttons(message)]


def custom_id(message: dict, label: str) -> str:
    return next(b["custom_id"] for b in buttons(message) if b["label"] == label)


def shown(message: dict) -> str:
    """What a member sees of a message: its words and its buttons (labels, links, ids)."""
    return (message.get("content") or "") + str(message.get("components") or "")


async def lead_on_call(fake: FakeDiscord) -> None:
    """The group known to Haven and lee (Manage Server) on call, set by lee in the server."""
    fake.add_member(GUILD, KIM, permissions=MEMBER_PERMISSIONS)
    await fake.wait_responses(await fake.slash(LEAD, "rules", sub("show"), guild_id=GUILD), 1)
    oncall = await fake.slash(
        LEAD, "community", sub("oncall", opt("members", "lee")), guild_id=GUILD
    )
    assert "On call, in this order: lee" in await answer(fake, oncall)


async def test_an_approved_share_is_posted_and_its_counts_change_in_place(
    fake: FakeDiscord, haven: Haven
) -> None:
    await lead_on_call(fake)
    asked = await fake.slash(ALICE, "share", [opt("text", SHARED)], guild_id=GUILD)
    assert "Your share #1 waits for a lead of Calm Corner" in await answer(fake, asked)
    review = await dm(fake, LEAD, "A share for Calm Corner waits for your review")
    assert SHARED in review["content"] and "You won't learn who wrote it" in review["content"]
    assert labels(review) == ["Approve", "Decline", "Approve with a content note"]

    approved = await fake.press(LEAD, custom_id(review, "Approve"), review)
    assert "Posted, without a name" in await answer(fake, approved)

    def posts() -> list[dict]:
        return [m for m in fake.channel_messages(GENERAL) if "A member shared" in m["content"]]

    await fake.wait_for(lambda: len(posts()) == 1)
    (post,) = posts()
    assert post["content"] == f"A member shared:\n{SHARED}" and not post["interaction"]
    assert labels(post) == ["I relate · 0", "Sending support · 0", "Thank you for sharing · 0"]
    await dm(fake, ALICE, "Your share #1 is posted in Calm Corner, without your name")

    pressed = await fake.press(KIM, custom_id(post, "I relate · 0"), post, guild_id=GUILD)
    assert "the member who shared sees the count, not your name" in await answer(fake, pressed)
    await fake.wait_for(lambda: labels(posts()[0])[0] == "I relate · 1")
    (changed,) = posts()  # the same message, changed in place (PATCH), never posted again
    assert changed["id"] == post["id"] and changed["content"] == post["content"]
    assert labels(changed) == ["I relate · 1", "Sending support · 0", "Thank you for sharing · 0"]
    edits = fake.requests_to("PATCH", f"/channels/{GENERAL}/messages/")
    assert edits and {r.path for r in edits} == {f"/channels/{GENERAL}/messages/{post['id']}"}
    await dm(fake, ALICE, "1 member responded to your share #1.")

    # Nothing the lead or the channel got names the author or carries their id.
    for message in [*fake.dm_messages(LEAD), *fake.channel_messages(GENERAL)]:
        seen = shown(message)
        assert "alice" not in seen.casefold() and str(ALICE) not in seen, seen


async def test_report_to_leads_on_a_message_reaches_the_lead_without_the_reporter(
    fake: FakeDiscord, haven: Haven
) -> None:
    (menu,) = [c for c in fake.commands["global"] if c["name"] == REPORT]
    assert menu["type"] == 3 and "options" not in menu and not menu.get("description")
    assert menu["name_localizations"]  # the menu's name in each language Haven speaks
    assert all(1 <= len(n) <= 32 for n in menu["name_localizations"].values())
    synced = [c for c in fake.registered["global"] if c["type"] == 3]
    assert [c["name"] for c in synced] == [REPORT]

    await lead_on_call(fake)
    written = await fake.send_message(BOB, GENERAL, SPAM, guild_id=GUILD)
    reported = await fake.message_command(ALICE, REPORT, written["id"])
    data = reported.payload["data"]
    assert (data["type"], data["target_id"], data["id"]) == (3, written["id"], synced[0]["id"])
    box = await reason_box(fake, reported)  # what happened, optional
    assert box["title"] == "Report to leads"
    (field,) = [c for row in box["components"] for c in row["components"]]
    assert field["label"] == "What happened (optional)" and field["required"] is False
    submitted = await fake.submit_modal(reported, {field["custom_id"]: "selling followers"})
    said = await answer(fake, submitted)
    assert said == "Thank you. The leads of Calm Corner have your report, without your name."

    alert = await dm(fake, LEAD, "Report #1 in Calm Corner")
    assert alert["content"].startswith("Report #1 in Calm Corner: a message by bob was reported.")
    assert f"The message: {SPAM}" in alert["content"]
    assert "Reason: selling followers" in alert["content"]
    assert labels(alert) == ["Mark handled", "Open the message"]
    handled, link = buttons(alert)
    assert handled["custom_id"] == "h:report handled 1"
    url = f"https://discord.com/channels/{GUILD}/{GENERAL}/{written['id']}"
    assert (link["style"], link["url"]) == (5, url) and "custom_id" not in link

    again = await fake.message_command(KIM, REPORT, written["id"])
    await reason_box(fake, again)
    submitted = await fake.submit_modal(again, {})  # no reason given
    assert "have your report, without your name" in await answer(fake, submitted)
    merged = await dm(fake, LEAD, "reported again, by 2 members now")
    assert merged["content"].startswith("Report #1 in Calm Corner: reported again")
    assert "The message:" not in merged["content"]

    for message in fake.dm_messages(LEAD):
        seen = shown(message)
        for name, user_id in (("alice", ALICE), ("kim", KIM)):
            assert name not in seen.casefold() and str(user_id) not in seen, seen
    channel = [m["content"] for m in fake.channel_messages(GENERAL)]
    assert channel[channel.index(SPAM) :] == [SPAM]  # nothing public since

    done = await fake.press(LEAD, "h:report handled 1", alert)
    assert "Report #1 is marked handled" in await answer(fake, done)
