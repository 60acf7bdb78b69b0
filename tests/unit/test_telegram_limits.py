"""The Telegram flood limiter on a virtual clock: limits kept, 429 honoured once."""

from __future__ import annotations

import asyncio
import itertools
from datetime import timedelta

import pytest
from telegram.error import RetryAfter

from adapters.telegram.limits import BULK, FloodLimiter


class VirtualTime:
    """A clock that only moves when someone sleeps, so limits are checked exactly and fast."""

    def __init__(self) -> None:
        self.now = 0.0

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += max(seconds, 0.0)
        await asyncio.sleep(0)


@pytest.fixture
def vt() -> VirtualTime:
    return VirtualTime()


def limiter(vt: VirtualTime) -> FloodLimiter:
    return FloodLimiter(clock=vt.clock, sleep=vt.sleep)


async def send_all(lim: FloodLimiter, vt: VirtualTime, chats: list[str]) -> list[float]:
    sent: list[float] = []

    async def call() -> bool:
        sent.append(vt.now)
        return True

    for chat in chats:
        await lim.process_request(call, (), {}, "sendMessage", {"chat_id": chat}, None)
    return sent


async def test_one_message_per_second_in_a_chat(vt: VirtualTime) -> None:
    times = await send_all(limiter(vt), vt, ["42"] * 5)
    gaps = [b - a for a, b in itertools.pairwise(times)]
    assert all(gap >= 1.0 for gap in gaps)
    assert times[-1] == pytest.approx(4.0)


async def test_at_most_thirty_per_second_overall(vt: VirtualTime) -> None:
    times = await send_all(limiter(vt), vt, [str(1000 + i) for i in range(95)])
    for start in times:
        in_window = [t for t in times if start <= t < start + 1.0]
        assert len(in_window) <= 30
    assert times[29] == 0.0 and times[30] >= 1.0  # not slower than needed either


async def test_twenty_per_minute_in_a_group(vt: VirtualTime) -> None:
    times = await send_all(limiter(vt), vt, ["-100500"] * 45)
    for start in times:
        assert len([t for t in times if start <= t < start + 60.0]) <= 20
    assert times[20] >= 60.0


async def test_processes_sharing_a_bot_each_keep_their_share(vt: VirtualTime) -> None:
    """Three processes on one database: each sends at a third of the bot's rate, so together
    they stay under Telegram's 30 a second and 20 a minute in a group."""
    lim = limiter(vt)
    lim.share = 3
    times = await send_all(lim, vt, [str(1000 + i) for i in range(25)])
    for start in times:
        assert len([t for t in times if start <= t < start + 1.0]) <= 10
    assert times[9] == 0.0 and times[10] >= 1.0
    group = await send_all(lim, vt, ["-100500"] * 8)
    assert group[6] - group[0] >= 60.0  # 20 a minute over three processes: 6 each


async def test_other_endpoints_are_not_limited(vt: VirtualTime) -> None:
    lim = limiter(vt)
    calls = 0

    async def call() -> bool:
        nonlocal calls
        calls += 1
        return True

    for _ in range(100):
        await lim.process_request(call, (), {}, "answerCallbackQuery", {}, None)
    assert calls == 100 and vt.now == 0.0


@pytest.mark.parametrize("after", [3, timedelta(seconds=3)])
async def test_retry_after_pauses_every_send_then_sends_once(vt: VirtualTime, after) -> None:
    lim = limiter(vt)
    attempts: list[float] = []

    async def flaky() -> bool:
        attempts.append(vt.now)
        if len(attempts) == 1:
            raise RetryAfter(after)
        return True

    assert await lim.process_request(flaky, (), {}, "sendMessage", {"chat_id": "7"}, None)
    assert len(attempts) == 2 and attempts[1] - attempts[0] >= 3.0
    other = await send_all(lim, vt, ["8"])  # another chat also waited out the pause
    assert other[0] >= 3.0


async def test_a_second_429_is_not_retried_again(vt: VirtualTime) -> None:
    lim = limiter(vt)

    async def always() -> bool:
        raise RetryAfter(1)

    with pytest.raises(RetryAfter):
        await lim.process_request(always, (), {}, "sendMessage", {"chat_id": "7"}, None)


async def test_bulk_leaves_a_place_for_live_answers(vt: VirtualTime) -> None:
    lim = limiter(vt)
    bulk_times: list[float] = []

    async def bulk() -> bool:
        bulk_times.append(vt.now)
        return True

    for i in range(29):
        await lim.process_request(bulk, (), {}, "sendMessage", {"chat_id": str(i)}, 2)
    assert bulk_times == [0.0] * 29  # 29 of 30 places in this second go to the fan-out
    live: list[float] = []

    async def answer() -> bool:
        live.append(vt.now)
        return True

    await lim.process_request(answer, (), {}, "sendMessage", {"chat_id": "live"}, None)
    assert live == [0.0]  # the reserved place: a member's answer goes out at once
    await lim.process_request(bulk, (), {}, "sendMessage", {"chat_id": "later"}, 2)
    assert bulk_times[-1] >= 1.0  # the next bulk send waits for the window


async def test_a_send_counts_from_its_answer_not_its_start(vt: VirtualTime) -> None:
    lim = limiter(vt)
    times: list[float] = []

    async def slow() -> bool:
        times.append(vt.now)
        await vt.sleep(0.4)  # the answer comes 0.4 s later
        return True

    await lim.process_request(slow, (), {}, "sendMessage", {"chat_id": "9"}, None)
    await lim.process_request(slow, (), {}, "sendMessage", {"chat_id": "9"}, None)
    assert times[1] - times[0] >= 1.4  # 1 s after the first one was answered


async def test_chats_no_window_remembers_are_forgotten(vt: VirtualTime) -> None:
    lim = limiter(vt)
    await send_all(lim, vt, [str(5000 + i) for i in range(1500)])  # 50 s at 30 a second
    vt.now += 120.0  # every window long past
    await send_all(lim, vt, [str(9000 + i) for i in range(1000)])
    remembered = set(lim._chat_last)
    assert remembered <= {str(9000 + i) for i in range(1000)}  # the old chats are gone
    assert len(lim._chat_locks) <= len(remembered) + 1000
    times = await send_all(lim, vt, ["9999", "9999"])  # limits still kept afterwards
    assert times[1] - times[0] >= 1.0


async def test_a_live_answer_never_waits_behind_a_fan_out_to_its_chat(vt: VirtualTime) -> None:
    lim = limiter(vt)
    sent: dict[str, float] = {}

    def call(key: str):  # type: ignore[no-untyped-def]
        async def run() -> bool:
            sent[key] = vt.now
            return True

        return run

    bulk = [
        asyncio.create_task(
            lim.process_request(call(f"bulk:{i}"), (), {}, "sendMessage", {"chat_id": str(i)}, BULK)
        )
        for i in range(100)
    ]
    await asyncio.sleep(0)
    await asyncio.sleep(0)  # the fan-out is queued and under way
    await lim.process_request(call("live:50"), (), {}, "sendMessage", {"chat_id": "50"}, None)
    await asyncio.gather(*bulk)
    before = [k for k, at in sent.items() if k.startswith("bulk:") and at < sent["live:50"]]
    assert len(before) <= 30  # within the first second's window, not after 50 bulk sends
    assert sent["live:50"] < sent["bulk:50"]
    assert sent["bulk:50"] - sent["live:50"] >= 1.0  # the chat's interval still kept
