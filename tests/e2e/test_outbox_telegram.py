"""The outbox against the fake Bot API enforcing Telegram's limits: no 429 in normal
operation, an injected 429 and a 5xx are waited out, nothing is lost or sent twice."""

from __future__ import annotations

import time
from collections import Counter
from pathlib import Path

from fakes.haven_telegram import Haven
from fakes.telegram_api import FakeTelegram
from shared import connect

from bot.core.messages import Actor, Place, private, public
from bot.storage.outbox import BULK, OutboxItem

MEMBERS = [5000 + i for i in range(40)]
GROUPS = [-200100, -200200, -200300]


def prepare(fake: FakeTelegram) -> None:
    for user in MEMBERS:
        fake.add_user(user, f"Member {user}")
    for group in GROUPS:
        fake.add_group(group, f"Group {group}")


def items(round_: int) -> list[OutboxItem]:
    found = [
        OutboxItem(
            f"r{round_}:u{u}",
            private(f"nudge {round_}", to=Actor("telegram", str(u), "M")),
            None,
            BULK,
        )
        for u in MEMBERS
    ]
    found += [
        OutboxItem(
            f"r{round_}:g{g}",
            public(f"prompt {round_}", to=Place("telegram", str(g), False)),
            None,
            BULK,
        )
        for g in GROUPS
    ]
    return found


def outbox_states(haven: Haven) -> dict[str, int]:
    with connect(haven.database) as conn:
        return dict(conn.execute("SELECT state, COUNT(*) FROM outbox GROUP BY state").fetchall())


async def test_fan_out_keeps_the_limits_and_sends_each_once(
    fake: FakeTelegram, haven: Haven
) -> None:
    prepare(fake)
    started = time.monotonic()
    await haven.app.outbox.enqueue(items(1) + items(2))
    await haven.app.outbox.enqueue(items(1))  # queued again by mistake: same keys, no effect
    total = 2 * (len(MEMBERS) + len(GROUPS))
    await fake.wait_for(lambda: outbox_states(haven).get("sent", 0) == total, timeout=30)
    elapsed = time.monotonic() - started
    assert fake.rejected_for_limits == 0
    per_chat = Counter(
        m["chat"]["id"] for m in fake.sent if m.get("text", "").startswith(("nudge", "prompt"))
    )
    assert set(per_chat.values()) == {2} and len(per_chat) == len(MEMBERS) + len(GROUPS)
    assert elapsed >= (total - 30) / 30 - 0.2  # a sliding 1 s window of 30: no faster


async def test_an_injected_429_is_honoured(fake: FakeTelegram, haven: Haven) -> None:
    prepare(fake)
    fake.fail_next("sendMessage", 429, "Too Many Requests: retry after 1", retry_after=1)
    await haven.app.outbox.enqueue(items(1)[:1])
    await fake.wait_for(lambda: outbox_states(haven).get("sent", 0) == 1)
    calls = [c for c in fake.calls if c.method == "sendMessage"]
    assert [c.status for c in calls] == [429, 200]
    assert calls[1].at - calls[0].at >= 1.0


async def test_a_server_error_is_retried_later(fake: FakeTelegram, haven: Haven) -> None:
    prepare(fake)
    fake.fail_next("sendMessage", 502, "Bad Gateway")
    await haven.app.outbox.enqueue(items(1)[:1])
    await fake.wait_for(lambda: outbox_states(haven).get("sent", 0) == 1, timeout=15)
    with connect(haven.database) as conn:
        assert conn.execute("SELECT attempts FROM outbox").fetchone() == (2,)
    assert len(fake.messages_to(MEMBERS[0])) == 1


async def test_a_member_who_blocked_the_bot_is_skipped_and_marked(
    fake: FakeTelegram, haven: Haven, tmp_path: Path
) -> None:
    prepare(fake)
    fake.send_text(MEMBERS[0], "/settings")  # the member exists in Haven
    await fake.wait_for(lambda: len(fake.messages_to(MEMBERS[0])) == 1)
    fake.set_started(MEMBERS[0], False)  # then blocks the bot
    member = await haven.app.services.people.members.find("telegram", str(MEMBERS[0]))
    assert member is not None
    await haven.app.outbox.enqueue(
        [
            OutboxItem(
                "blocked",
                private("nudge", to=Actor("telegram", str(MEMBERS[0]), "M")),
                member.id,
                BULK,
            )
        ]
    )
    await fake.wait_for(lambda: outbox_states(haven).get("skipped", 0) == 1)
    with connect(haven.database) as conn:
        row = conn.execute(
            "SELECT unreachable_at IS NOT NULL FROM members WHERE id = ?", (member.id,)
        ).fetchone()
    assert row == (1,)
    assert [c.status for c in fake.calls if c.method == "sendMessage"][-1] == 403
