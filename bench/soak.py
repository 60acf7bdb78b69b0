"""Soak: minutes of mixed traffic from 200 members over both platforms at once, through one
`haven run` process that is SIGKILLed and started again every minute, against the fake Bot
API and the fake Discord gateway and REST API (127.0.0.1) answering 1% of requests with a 500,
a 502 or a 429. What it measures is whether every member gets their answer exactly once when
the process dies under them and the platforms misbehave: replies owed, delivered, lost and
duplicated, and the process's peak memory over the run.

The members (half on Telegram, half on Discord, all consented, all in one group or guild) each
wait a random moment, send one input and wait for its answer (or `--reply-timeout`) before the
next, so the traffic is steady at about `--rate` inputs a second. The inputs: `/checkin <mood>
<feelings> <note>`, `/sos`, `/helpline GB`, `/resources sleep`, `/mood show`, a press of
"Grounding exercise" under an earlier /sos or crisis reply, a press of "7 days" under an
earlier /mood (a chart from the chart worker), `/rules` in the group, and a crisis text: "I want
to end my life" as a direct message on Telegram, as a check-in note on Discord (the screen reads
both). Shortly before each kill, reminders to every member are queued in Haven's outbox (in its
SQLite file, as a scheduled fan-out would be), so some kills land in the middle of a fan-out.
A process that exits on its own is started again at once, as a service manager would, and
counted.

What counts:
- An input is owed one reply when the platform accepted it from the member: every Telegram
  update the fake queued (Haven fetches it whenever it runs), and every Discord interaction the
  fake dispatched to a connected gateway session (while no Haven is connected, Discord has
  nobody to dispatch to; those inputs are counted as "not sent" and the member goes on).
- The reply is the first message of its kind, recognised by its text: on Telegram in the
  member's direct chat (in the group for /rules) with the check-in's mood and feelings for a
  check-in; on Discord an answer to that very interaction, or for /sos and a crisis, the
  direct message Haven sends when the interaction could not be answered. Replies are matched
  to the latest input of the same kind (and check-in values) sent before them.
- Delivered: exactly one message with the reply; duplicated: two or more distinct messages
  (the same text sent again as an edit of the message already shown is counted apart, as
  it is no second message); lost: none after the drain at the end.
- In flight at a kill: a lost input Haven had taken (a getUpdates answer held the update;
  the gateway dispatched the interaction) at most W seconds before a kill, or after the kill
  and before the next process took input (its first getUpdates, its gateway IDENTIFY). W is
  measured in the same run: the longest any answer took from Haven taking its input to the
  reply with no stop in between (at least 1 s; `--in-flight-window` sets it instead). So an
  input counts as in flight only when, going by this run, its answer could still have been
  under way at the kill. Lost inputs outside every window are the unexplained losses; both
  counts are printed, and how long before the kill the in-flight ones were taken.
- Reminders are owed once each; one the outbox had already attempted when the process was
  killed is settled as skipped at the next start and never resent (by design, so it is never
  sent twice), and counts as in flight when it did not arrive.
- Memory: every second, the resident memory (VmRSS) of every process in Haven's process group
  (the bot and its chart worker) is summed; the peak of that sum is printed, and the peak of
  the bot's main process alone (VmHWM, read just before each kill and at the end).
"""

from __future__ import annotations

import argparse
import asyncio
import bisect
import contextlib
import logging
import os
import random
import re
import signal
import sqlite3
import statistics
import sys
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from fakes.discord_api import FakeDiscord, Interaction
from fakes.discord_slash import opt, sub
from fakes.members import consent_all
from fakes.telegram_api import FakeTelegram

from bot.app import App, build
from bot.core.messages import Actor, private
from bot.settings import Settings
from bot.storage.outbox import BULK, OutboxItem

TG_USERS = 5_100_000
TG_LEAD = 5_099_999
TG_GROUP = -1_005_100_000
DC_USERS = 930_000_000_000_000_000
DC_LEAD = 929_999_999_999_999_999
DC_GUILD = 830_000_000_000_000_001
DC_CHANNEL = 830_000_000_000_000_010
CRISIS_TEXT = "I want to end my life"
FEELINGS = ("anxious", "stressed", "tired", "sad", "lonely", "calm", "hopeful", "grateful")
# Everyday notes the crisis screen leaves alone with every mood and pair of these feelings
# (a made-up marker such as "soak note 57" can read to its learned signal as a crisis).
NOTES = (
    "long day at work",
    "slept badly",
    "nice walk today",
    "busy but fine",
    "met a friend for coffee",
    "rainy day, stayed in",
    "cooked dinner",
    "read a book",
)
# input kind -> weight in the mix; a press falls back to the command whose reply it presses
MIX = {
    "checkin": 28,
    "mood": 12,
    "helpline": 10,
    "resources": 10,
    "sos": 8,
    "cope": 8,
    "crisis": 6,
    "rules": 4,
    "chart": 3,
}
FALLBACK = {"cope": "sos", "chart": "mood"}
GROUNDING = "Grounding exercise"
SEVEN_DAYS = "📈 7 days"
CHECKIN_REPLY = re.compile(r"Recorded privately: \S+ (\d) \(\w+\)\. Feelings: ([a-z, ]+)\.")
REMINDER = re.compile(r"Soak reminder (\d+)\b")


def classify(text: str | None) -> tuple[str, str] | None:
    """(kind, values) of a message Haven sent, by its text; None for anything else."""
    text = text or ""
    if text.startswith("Recorded privately:"):
        found = CHECKIN_REPLY.match(text)
        return ("checkin", f"{found.group(1)}:{found.group(2)}" if found else "?")
    if text.startswith("Thank you for telling me"):
        return ("crisis", "")
    if text.startswith("You're not alone"):
        return ("sos", "")
    if text.startswith("Helplines in United Kingdom"):
        return ("helpline", "")
    if text.startswith("Sleep:"):
        return ("resources", "")
    if text.startswith(("Your mood (only you", "No check-ins in the last 30 days")):
        return ("mood", "")
    if text.startswith(("Your mood chart, last 7 days", "No check-ins in the last 7 days")):
        return ("chart", "")
    if "Go gently; stop if anything feels uncomfortable." in text:
        return ("cope", "")
    if text.startswith("Ground rules of"):
        return ("rules", "")
    found = REMINDER.match(text)
    if found:
        return ("reminder", found.group(1))
    return None


class Tally(logging.Handler):
    """Counts the fake servers' own error logs instead of printing them: a request whose
    client was SIGKILLed halfway through its body ends there with "Connection lost"."""

    def __init__(self) -> None:
        super().__init__()
        self.counts: Counter[str] = Counter()

    def emit(self, record: logging.LogRecord) -> None:
        kind = record.exc_info[0].__name__ if record.exc_info and record.exc_info[0] else ""
        self.counts[f"{record.getMessage()} {kind}".strip()] += 1

    def values(self) -> list[int]:
        return list(self.counts.values())


class Bell:
    """Wakes the member waiting on a key when something arrives for them."""

    def __init__(self) -> None:
        self._events: dict[object, asyncio.Event] = {}

    def ring(self, key: object) -> None:
        event = self._events.pop(key, None)
        if event is not None:
            event.set()

    async def wait(self, key: object, timeout: float) -> None:
        event = self._events.setdefault(key, asyncio.Event())
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(event.wait(), timeout)


@dataclass
class Seen:
    at: float
    kind: str
    values: str
    message: dict[str, Any]


class SoakTelegram(FakeTelegram):
    """The fake Bot API, also noting when each update was handed out and each message's time."""

    def __init__(self, bell: Bell) -> None:
        super().__init__()
        self.bell = bell
        self.handed_out: dict[int, list[float]] = defaultdict(list)
        self.log: dict[int, list[Seen]] = defaultdict(list)  # chat id -> messages, in order

    async def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        updates = await super()._get_updates(params)
        now = time.monotonic()
        for update in updates:
            self.handed_out[update["update_id"]].append(now)
        return updates

    def _record_sent(self, message: dict[str, Any]) -> dict[str, Any]:
        result = super()._record_sent(message)
        chat = message["chat"]["id"]
        kind, values = classify(message.get("text") or message.get("caption")) or ("", "")
        self.log[chat].append(Seen(time.monotonic(), kind, values, self.sent[-1]))
        self.bell.ring(("telegram", chat))
        return result


class SoakDiscord(FakeDiscord):
    """The fake Discord, also waking a member when their interaction is answered or a direct
    message reaches them, and noting when each gateway session identified."""

    def __init__(self, bell: Bell) -> None:
        super().__init__()
        self.bell = bell
        self.identified_at: list[float] = []
        self.dm_log: dict[int, list[Seen]] = defaultdict(list)
        self._by_token: dict[str, int] = {}

    async def _on_identify(self, conn: Any, data: Any) -> None:
        await super()._on_identify(conn, data)
        if conn.session is not None:
            self.identified_at.append(time.monotonic())

    async def _send_interaction(
        self, payload: dict[str, Any], *, message_id: int | None = None
    ) -> Interaction:
        self._by_token[payload["token"]] = _user_of(payload)
        return await super()._send_interaction(payload, message_id=message_id)

    async def _callback(self, req: Any) -> tuple[int, Any]:
        try:
            return await super()._callback(req)
        finally:
            self._ring(req.match["token"])

    async def _followup(self, req: Any) -> tuple[int, Any]:
        try:
            return await super()._followup(req)
        finally:
            self._ring(req.match["token"])

    async def _edit_webhook_message(self, req: Any) -> tuple[int, Any]:
        try:
            return await super()._edit_webhook_message(req)
        finally:
            self._ring(req.match["token"])

    def _ring(self, token: str) -> None:
        user = self._by_token.get(token)
        if user is not None:
            self.bell.ring(("discord", user))

    async def _create_message(
        self, channel_id: int, guild_id: int | None, data: dict[str, Any], **extra: Any
    ) -> dict[str, Any]:
        message = await super()._create_message(channel_id, guild_id, data, **extra)
        user = self._dm_user.get(channel_id)
        if user is not None and not message.get("interaction"):
            kind, values = classify(message.get("content")) or ("", "")
            self.dm_log[user].append(Seen(time.monotonic(), kind, values, message))
            self.bell.ring(("discord", user))
        return message


def _user_of(payload: dict[str, Any]) -> int:
    user = payload.get("user") or payload["member"]["user"]
    return int(user["id"])


@dataclass
class Member:
    platform: str
    user: int
    inputs: list[Input] = field(default_factory=list)


@dataclass
class Input:
    number: int
    member: Member
    kind: str
    values: str
    sent: float
    chat: int = 0  # Telegram: where the reply is due
    update_id: int | None = None
    interaction: Interaction | None = None
    replies: list[float] = field(default_factory=list)  # when each distinct message came
    shown: set[object] = field(default_factory=set)  # those messages' ids
    edits: int = 0  # the same text again as an edit of a message already counted
    answered_live: bool = False

    def reply(self, message_id: object, at: float) -> None:
        if message_id in self.shown:
            self.edits += 1
        else:
            self.shown.add(message_id)
            self.replies.append(at)


@dataclass
class Stop:
    """One end of a Haven process: a SIGKILL, or an exit it made on its own."""

    at: float
    how: str  # "kill" or "exit"
    next_spawn: float = float("inf")
    telegram_up: float = float("inf")  # the next process's first getUpdates
    discord_up: float = float("inf")  # the next process's gateway IDENTIFY


@dataclass
class Batch:
    number: int
    at: float
    keys: dict[str, tuple[str, int]]  # outbox key -> (platform, user)


def group_pids(pgid: int) -> list[int]:
    pids = []
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid:
            pids.append(int(entry.name))
    return pids


def status_kb(pid: int, key: str) -> int:
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith(key + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


class Soak:
    def __init__(self, args: argparse.Namespace, folder: Path) -> None:
        self.args = args
        self.folder = folder
        self.database = folder / "haven.db"
        self.log_path = folder / "haven.log"
        self.rng = random.Random(args.seed)
        self.bell = Bell()
        self.telegram = SoakTelegram(self.bell)
        self.discord = SoakDiscord(self.bell)
        half = args.members // 2
        self.members = [Member("telegram", TG_USERS + i) for i in range(args.members - half)]
        self.members += [Member("discord", DC_USERS + i) for i in range(half)]
        self.inputs: list[Input] = []
        self.not_sent: Counter[str] = Counter()
        self.rules_busy = False  # one /rules in the Telegram group at a time (20/min there)
        self.process: asyncio.subprocess.Process | None = None
        self.spawns: list[float] = []
        self.stops: list[Stop] = []
        self.exits: list[tuple[float, int | None]] = []
        self.batches: list[Batch] = []
        self.peak_tree_kb = 0
        self.peak_main_kb = 0
        self.peak_tree_hwm_kb = 0
        self.handle: App | None = None
        self.traffic_end = 0.0
        self.clean_exit: int | None = None
        self.window = 0.0  # seconds before a stop in which a lost input counts as in flight
        self.tally = Tally()

    # -- the world --------------------------------------------------------------------
    def populate(self) -> None:
        tg, dc = self.telegram, self.discord
        tg.add_user(TG_LEAD, "Lee")
        tg.add_group(TG_GROUP, "Calm Corner", admins=[TG_LEAD], creator=TG_LEAD)
        dc.add_user(DC_LEAD, "lee")
        dc.add_guild(
            DC_GUILD,
            "Calm Corner",
            owner_id=DC_LEAD,
            channels={DC_CHANNEL: "general"},
            system_channel_id=DC_CHANNEL,
        )
        for member in self.members:
            if member.platform == "telegram":
                tg.add_user(member.user, _name(member))
            else:
                dc.add_user(member.user, _name(member))
                dc.add_member(DC_GUILD, member.user)

    async def prepare_database(self) -> None:
        """Every member agreed to their check-ins being kept, as `/consent yes` records."""
        self.handle = build(Settings(bot={"database": self.database}))
        await self.handle.start()
        for platform in ("telegram", "discord"):
            names = {m.user: _name(m) for m in self.members if m.platform == platform}
            await consent_all(self.handle, platform, names)

    def environment(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("HAVEN_")}
        env.update(
            HAVEN_TELEGRAM__TOKEN=self.telegram.token,
            HAVEN_TELEGRAM__BASE_URL=self.telegram.base_url,
            HAVEN_TELEGRAM__BASE_FILE_URL=self.telegram.base_file_url,
            HAVEN_DISCORD__TOKEN=self.discord.token,
            HAVEN_DISCORD__API_BASE=self.discord.api_base,
            HAVEN_DISCORD__GATEWAY_URL=self.discord.gateway_url,
            HAVEN_BOT__DATABASE=str(self.database),
        )
        return env

    # -- the Haven process ------------------------------------------------------------
    async def spawn(self) -> None:
        log = self.log_path.open("ab")
        try:
            self.process = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "bot",
                "run",
                cwd=self.folder,
                env=self.environment(),
                stdin=asyncio.subprocess.DEVNULL,
                stdout=log,
                stderr=log,
                start_new_session=True,  # its own process group: the chart worker goes with it
            )
        finally:
            log.close()
        self.spawns.append(time.monotonic())

    def sample_memory(self) -> None:
        if self.process is None or self.process.returncode is not None:
            return
        pids = group_pids(self.process.pid)
        self.peak_tree_kb = max(self.peak_tree_kb, sum(status_kb(p, "VmRSS") for p in pids))

    def note_high_water(self) -> None:
        if self.process is None:
            return
        pids = group_pids(self.process.pid)
        self.peak_main_kb = max(self.peak_main_kb, status_kb(self.process.pid, "VmHWM"))
        self.peak_tree_hwm_kb = max(self.peak_tree_hwm_kb, sum(status_kb(p, "VmHWM") for p in pids))

    async def kill(self) -> None:
        assert self.process is not None
        self.sample_memory()
        self.note_high_water()
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.stops.append(Stop(time.monotonic(), "kill"))
        await self.process.wait()

    async def watch(self, until: float) -> None:
        """Sample memory every second until `until`; a process that ended on its own is
        started again at once (as a service manager would) and the exit is counted."""
        while time.monotonic() < until:
            await asyncio.sleep(min(1.0, max(0.0, until - time.monotonic())))
            if self.process is not None and self.process.returncode is not None:
                self.exits.append((time.monotonic(), self.process.returncode))
                self.stops.append(Stop(time.monotonic(), "exit"))
                await self.spawn()
            self.sample_memory()

    async def supervise(self, start: float) -> None:
        kill_at = start + self.args.kill_every
        while kill_at < self.traffic_end - 0.5:
            await self.watch(kill_at)
            await self.kill()
            await self.spawn()
            kill_at += self.args.kill_every

    async def wait_up(self, since: float, timeout: float = 90.0) -> None:
        """Until the process started at `since` polls Telegram and identified on Discord."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            polled = any(
                c.method == "getUpdates" and c.at >= since for c in self.telegram.calls[-50:]
            )
            identified = any(t >= since for t in self.discord.identified_at)
            if polled and identified and "global" in self.discord.commands:
                return
            if self.process is not None and self.process.returncode is not None:
                raise RuntimeError(f"Haven exited at start:\n{self.log_tail()}")
            await asyncio.sleep(0.1)
        raise RuntimeError(f"Haven did not come up within {timeout:.0f} s:\n{self.log_tail()}")

    def log_tail(self, lines: int = 20) -> str:
        text = self.log_path.read_text(errors="replace") if self.log_path.exists() else ""
        return "\n".join(text.splitlines()[-lines:])

    # -- reminders through the outbox -------------------------------------------------
    async def reminders(self, start: float) -> None:
        """A reminder to every member, queued a few seconds before each kill."""
        kill_at = start + self.args.kill_every
        number = 0
        while kill_at < self.traffic_end - 0.5:
            at = kill_at - self.rng.uniform(3.0, 8.0)
            await asyncio.sleep(max(0.0, at - time.monotonic()))
            number += 1
            await self.queue_reminders(number)
            kill_at += self.args.kill_every

    async def queue_reminders(self, number: int) -> None:
        assert self.handle is not None
        items, keys = [], {}
        for member in self.members:
            key = f"soak:{number}:{member.platform}:{member.user}"
            text = f"Soak reminder {number}: a moment for a check-in? /checkin"
            to = Actor(member.platform, str(member.user), "")
            items.append(OutboxItem(key, private(text, to=to), None, BULK))
            keys[key] = (member.platform, member.user)
        await self.handle.outbox.repo.enqueue(items, self.handle.services.clock.now())
        self.batches.append(Batch(number, time.monotonic(), keys))

    # -- members ----------------------------------------------------------------------
    async def member(self, member: Member, seed: int) -> None:
        rng = random.Random(seed)
        per_member = self.args.rate / len(self.members)
        while True:
            pause = rng.expovariate(per_member)
            await asyncio.sleep(min(pause, max(0.0, self.traffic_end - time.monotonic())))
            if time.monotonic() >= self.traffic_end:
                return
            sent = await self.send_one(member, rng)
            if sent is None:
                continue
            deadline = sent.sent + self.args.reply_timeout
            while not self.answered(sent) and time.monotonic() < deadline:
                await self.bell.wait((member.platform, sent.chat or member.user), 1.0)
            sent.answered_live = self.answered(sent)
            if sent.kind == "rules" and member.platform == "telegram":
                self.rules_busy = False

    def choose(self, member: Member, rng: random.Random) -> tuple[str, str]:
        waiting = {(i.kind, i.values) for i in member.inputs[-6:] if not self.answered(i)}
        last = member.inputs[-1].kind if member.inputs else ""
        kinds, weights = zip(*MIX.items(), strict=True)
        for _ in range(50):
            kind = rng.choices(kinds, weights)[0]
            if kind in FALLBACK and self.press_target(member, kind) is None:
                kind = FALLBACK[kind]
            if kind == "rules" and member.platform == "telegram" and self.rules_busy:
                continue
            values = ""
            if kind == "checkin":
                feelings = ", ".join(sorted(rng.sample(FEELINGS, 2)))
                values = f"{rng.randint(1, 5)}:{feelings}"
            if kind != last and (kind, values) not in waiting:
                return kind, values
        return "helpline", ""

    def press_target(self, member: Member, kind: str) -> Any:
        """The latest message of Haven's to `member` with the button a press of `kind` needs."""
        label = GROUNDING if kind == "cope" else SEVEN_DAYS
        if member.platform == "telegram":
            for seen in reversed(self.telegram.log.get(member.user, [])):
                for row in (seen.message.get("reply_markup") or {}).get("inline_keyboard", []):
                    for button in row:
                        if button.get("text") == label:
                            return seen.message, button["callback_data"]
            return None
        for earlier in reversed(member.inputs[-10:]):
            interaction = earlier.interaction
            for response in reversed(interaction.responses if interaction else []):
                for row in response.components:
                    for button in row.get("components", []):
                        if button.get("label") == label and response.message_id is not None:
                            return response.message_id, button["custom_id"]
        return None

    async def send_one(self, member: Member, rng: random.Random) -> Input | None:
        kind, values = self.choose(member, rng)
        number = len(self.inputs) + 1
        made = Input(number, member, kind, values, 0.0)
        try:
            if member.platform == "telegram":
                self.send_telegram(made)
            else:
                await self.send_discord(made)
        except (RuntimeError, KeyError, ValueError):
            self.not_sent[kind] += 1  # Discord: no session connected (Haven is down)
            return None
        member.inputs.append(made)
        self.inputs.append(made)
        return made

    def send_telegram(self, made: Input) -> None:
        fake, user = self.telegram, made.member.user
        made.chat = user
        made.sent = time.monotonic()
        if made.kind in FALLBACK:
            message, data = self.press_target(made.member, made.kind)
            update = fake.press(user, message, data)
        elif made.kind == "rules":
            self.rules_busy = True
            made.chat = TG_GROUP
            update = fake.send_text(user, "/rules", TG_GROUP)
        else:
            update = fake.send_text(user, self.telegram_text(made))
        made.update_id = update["update_id"]

    def telegram_text(self, made: Input) -> str:
        if made.kind == "checkin":
            mood, feelings = made.values.split(":")
            note = NOTES[made.number % len(NOTES)]
            return f"/checkin {mood} {feelings.replace(', ', ',')} {note}"
        return {
            "crisis": CRISIS_TEXT,
            "sos": "/sos",
            "helpline": "/helpline GB",
            "resources": "/resources sleep",
            "mood": "/mood show",
        }[made.kind]

    async def send_discord(self, made: Input) -> None:
        fake, user = self.discord, made.member.user
        made.sent = time.monotonic()
        if made.kind in FALLBACK:
            message_id, custom_id = self.press_target(made.member, made.kind)
            made.interaction = await fake.press(user, custom_id, fake.message(message_id))
            return
        if made.kind == "checkin":
            mood, feelings = made.values.split(":")
            options = [
                opt("mood", int(mood)),
                opt("feelings", feelings.replace(", ", ",")),
                opt("note", NOTES[made.number % len(NOTES)]),
            ]
            name = "checkin"
        elif made.kind == "crisis":
            name, options = "checkin", [opt("mood", 2), opt("note", CRISIS_TEXT)]
        else:
            name, options = {
                "sos": ("sos", []),
                "helpline": ("helpline", [opt("country", "GB")]),
                "resources": ("resources", sub("show", opt("query", "sleep"))),
                "mood": ("mood", sub("show")),
                "rules": ("rules", sub("show")),
            }[made.kind]
        made.interaction = await fake.slash(user, name, options, guild_id=DC_GUILD)

    def answered(self, made: Input) -> bool:
        if made.member.platform == "telegram":
            for seen in reversed(self.telegram.log.get(made.chat, [])):
                if seen.at < made.sent:
                    return False
                if (seen.kind, seen.values) == (made.kind, made.values):
                    return True
            return False
        assert made.interaction is not None
        if any(_kind(r.content) == made.kind for r in made.interaction.responses):
            return True
        return made.kind in ("sos", "crisis") and any(
            s.at >= made.sent and s.kind == made.kind
            for s in self.discord.dm_log.get(made.member.user, [])
        )

    # -- the run ----------------------------------------------------------------------
    async def run(self) -> None:
        args = self.args
        server_log = logging.getLogger("aiohttp.server")
        server_log.addHandler(self.tally)
        server_log.propagate = False
        self.populate()
        self.telegram.chaos(args.faults, seed=args.seed)
        self.discord.chaos(args.faults, seed=args.seed + 1)
        await self.telegram.start()
        await self.discord.start()
        try:
            await self.prepare_database()
            await self.spawn()
            await self.wait_up(self.spawns[-1])
            start = time.monotonic()
            self.traffic_end = start + args.minutes * 60
            crowd = [
                asyncio.create_task(self.member(m, self.rng.randrange(2**32))) for m in self.members
            ]
            background = [
                asyncio.create_task(self.supervise(start)),
                asyncio.create_task(self.reminders(start)),
            ]
            await asyncio.gather(*background)
            await self.watch(self.traffic_end)
            last_answers = asyncio.gather(*crowd)  # members wait for their last answers
            while not last_answers.done():
                await self.watch(time.monotonic() + 1.0)
            await last_answers
            await self.drain()
            self.note_high_water()
            await self.stop_haven()
        finally:
            if self.process is not None and self.process.returncode is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.process.pid, signal.SIGKILL)
                await self.process.wait()
            if self.handle is not None:
                await self.handle.close()
            await self.discord.stop()
            await self.telegram.stop()

    async def drain(self) -> None:
        """Let what is owed arrive: until nothing new came for `--quiet` seconds, the Bot API
        holds no update Haven has not confirmed, and no reminder waits in the outbox."""
        deadline = time.monotonic() + self.args.drain
        last_count, last_change = -1, time.monotonic()
        while time.monotonic() < deadline:
            await self.watch(time.monotonic() + 1.0)
            count = len(self.telegram.sent) + sum(
                len(i.responses) for i in self.discord.interactions.values()
            )
            count += sum(len(v) for v in self.discord.dm_log.values())
            if count != last_count:
                last_count, last_change = count, time.monotonic()
                continue
            quiet = time.monotonic() - last_change >= self.args.quiet
            if quiet and not self.telegram.pending_updates and not self.outbox_waiting():
                return

    def outbox_waiting(self) -> int:
        with contextlib.closing(sqlite3.connect(self.database, timeout=10)) as conn:
            (waiting,) = conn.execute(
                "SELECT COUNT(*) FROM outbox WHERE key LIKE 'soak:%' "
                "AND state IN ('pending', 'sending')"
            ).fetchone()
        return int(waiting)

    async def stop_haven(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGTERM)
        try:
            code = await asyncio.wait_for(self.process.wait(), 30)
        except TimeoutError:
            code = None
        self.clean_exit = code

    # -- accounting -------------------------------------------------------------------
    def settle_stops(self) -> None:
        """When the process after each stop began to take input, per platform."""
        polls = sorted(c.at for c in self.telegram.calls if c.method == "getUpdates")
        for stop in self.stops:
            later = [s for s in self.spawns if s >= stop.at]
            if not later:
                continue
            stop.next_spawn = later[0]
            at = bisect.bisect_left(polls, stop.next_spawn)
            stop.telegram_up = polls[at] if at < len(polls) else float("inf")
            identified = [t for t in self.discord.identified_at if t >= stop.next_spawn]
            stop.discord_up = identified[0] if identified else float("inf")

    def attribute(self) -> Counter[str]:
        """Every reply Haven sent, to the input it answers; returns replies matching none."""
        unmatched: Counter[str] = Counter()
        by_key: dict[tuple[str, int, str, str], list[Input]] = defaultdict(list)
        for made in self.inputs:
            key = (made.member.platform, made.chat or made.member.user, made.kind, made.values)
            by_key[key].append(made)
        for chat, log in self.telegram.log.items():
            for seen in log:
                if seen.kind and seen.kind != "reminder":
                    found = _latest(by_key.get(("telegram", chat, seen.kind, seen.values)), seen.at)
                    if found is None:
                        unmatched[seen.kind] += 1
                    else:
                        found.reply(seen.message["message_id"], seen.at)
        for made in self.inputs:
            for response in made.interaction.responses if made.interaction else []:
                if _kind(response.content) == made.kind:
                    made.reply(response.message_id or id(response), response.at)
        for user, log in self.discord.dm_log.items():
            for seen in log:
                if seen.kind in ("sos", "crisis"):
                    found = _latest(by_key.get(("discord", user, seen.kind, "")), seen.at)
                    if found is None:
                        unmatched[seen.kind] += 1
                    else:
                        found.reply(int(seen.message["id"]), seen.at)
                elif seen.kind and seen.kind != "reminder":
                    unmatched[seen.kind] += 1
        return unmatched

    def accepted(self, made: Input) -> list[float]:
        if made.update_id is not None:
            return self.telegram.handed_out.get(made.update_id, [])
        return [made.interaction.created] if made.interaction is not None else []

    def normal_latency(self) -> tuple[float, Input | None]:
        """The longest Haven took from taking an input to its first reply when no stop came
        in between (at least a second), and that input: what "in flight" may mean here."""
        worst, slowest = 1.0, None
        for made in self.inputs:
            if not made.replies:
                continue
            first = min(made.replies)
            taken = [t for t in self.accepted(made) if t <= first]
            if not taken or any(taken[-1] <= stop.at <= first for stop in self.stops):
                continue
            if first - taken[-1] > worst:
                worst, slowest = first - taken[-1], made
        return worst, slowest

    def in_flight(self, made: Input) -> tuple[Stop, float] | None:
        """The stop this lost input was in flight at, and how long before it Haven took it."""
        taken = self.accepted(made)
        for stop in self.stops:
            up = stop.telegram_up if made.member.platform == "telegram" else stop.discord_up
            for at in taken:
                if stop.at - self.window <= at <= up:
                    return stop, stop.at - at
        return None

    def report(self) -> None:
        args = self.args
        self.settle_stops()
        unmatched = self.attribute()
        self.window, slowest = self.normal_latency()
        if args.in_flight_window:
            self.window, slowest = args.in_flight_window, None
        with contextlib.closing(sqlite3.connect(self.database)) as conn:
            ledger = {
                int(u)
                for (u,) in conn.execute(
                    "SELECT update_id FROM inbound_updates WHERE platform = 'telegram'"
                )
            }
        rows: dict[str, Counter[str]] = {p: Counter() for p in ("telegram", "discord")}
        kinds: dict[str, Counter[str]] = defaultdict(Counter)
        ages: list[float] = []
        latency: list[float] = []
        unexplained: list[Input] = []
        duplicated: list[Input] = []
        for made in self.inputs:
            row = rows[made.member.platform]
            row["sent"] += 1
            row["edits"] += made.edits
            kinds[made.kind]["sent"] += 1
            if len(made.replies) == 1:
                row["once"] += 1
            elif len(made.replies) > 1:
                row["duplicated"] += 1
                row["extra"] += len(made.replies) - 1
                kinds[made.kind]["duplicated"] += 1
                duplicated.append(made)
            if made.replies:
                latency.append(min(made.replies) - made.sent)
                continue
            row["lost"] += 1
            kinds[made.kind]["lost"] += 1
            flight = self.in_flight(made)
            if made.update_id is not None and made.update_id in ledger:
                row["in the ledger"] += 1
            if flight is not None:
                row[f"lost at a {flight[0].how}"] += 1
                ages.append(flight[1])
            else:
                row["unexplained"] += 1
                if not self.accepted(made):
                    row["never taken"] += 1
                unexplained.append(made)
        rows["discord"]["not sent"] = sum(self.not_sent.values())
        total = rows["telegram"] + rows["discord"]
        kills = sum(s.how == "kill" for s in self.stops)
        print(
            f"soak: {args.minutes:g} min of mixed traffic from {args.members} members "
            f"({len(self.members) - args.members // 2} Telegram, {args.members // 2} Discord) "
            f"at ~{args.rate:g} inputs/s; fakes on 127.0.0.1 answering {args.faults:.0%} of "
            f"requests with 500/502/429; SIGKILL every {args.kill_every:g} s; seed {args.seed}"
        )
        print(
            f"  Haven: {len(self.spawns)} starts, {kills} SIGKILLs, "
            f"{len(self.exits)} exits on its own{_codes(self.exits)}; "
            f"SIGTERM at the end: exit {self.clean_exit}"
        )
        back = [
            f"{name} median {statistics.median(d):.1f} s, max {max(d):.1f} s"
            for name, d in (
                ("Telegram polling", [s.telegram_up - s.at for s in self.stops]),
                ("Discord gateway", [s.discord_up - s.at for s in self.stops]),
            )
            if d and max(d) < float("inf")
        ]
        if back:
            print(f"  back after each stop: {'; '.join(back)}")
        print(f"  {'':<50}{'telegram':>10}{'discord':>10}{'total':>10}")
        table = [
            ("inputs sent (= replies owed)", "sent"),
            ("delivered exactly once", "once"),
            ("lost", "lost"),
            (f"  in flight at a SIGKILL (taken <= {self.window:.1f} s before)", "lost at a kill"),
            ("  in flight at an exit on its own", "lost at a exit"),
            ("  not explained by a stop", "unexplained"),
            ("    of which never taken by Haven", "never taken"),
            ("  in Haven's ledger of handled updates", "in the ledger"),
            ("duplicated (inputs answered twice or more)", "duplicated"),
            ("  extra copies", "extra"),
            ("the answer again as an edit of its own message", "edits"),
            ("not sent (no Discord session: Haven down)", "not sent"),
        ]
        for label, key in table:
            values = [rows["telegram"][key], rows["discord"][key], total[key]]
            print(f"  {label:<50}" + "".join(f"{v:>10}" for v in values))
        if unmatched:
            print(f"  replies matching no input: {dict(unmatched)}")
        if latency:
            latency.sort()
            print(
                f"  first reply after the input: median {statistics.median(latency) * 1000:.0f}"
                f" ms, p95 {latency[int(len(latency) * 0.95) - 1] * 1000:.0f} ms, "
                f"p99 {latency[int(len(latency) * 0.99) - 1]:.1f} s, max {latency[-1]:.1f} s"
            )
        if slowest is not None:
            print(
                f"  in-flight window W = {self.window:.1f} s: the longest answer no stop "
                f"interrupted (#{slowest.number}, {slowest.member.platform} {slowest.kind})"
            )
        if ages:
            buckets = Counter(_bucket(a) for a in ages)
            print(
                "  lost in flight, by when Haven took them: "
                + ", ".join(f"{b} {buckets[b]}" for b in BUCKETS if buckets[b])
            )
        print(
            "  by kind (sent/lost/duplicated): "
            + ", ".join(
                f"{k} {c['sent']}/{c['lost']}/{c['duplicated']}" for k, c in sorted(kinds.items())
            )
        )
        self.report_reminders()
        self.report_faults()
        print(
            f"  peak memory: process group (bot + chart worker) {self.peak_tree_kb / 1024:.0f}"
            f" MiB (sum of VmRSS, sampled every second; the sum of their VmHWM, an upper "
            f"bound, {self.peak_tree_hwm_kb / 1024:.0f} MiB); bot process alone "
            f"{self.peak_main_kb / 1024:.0f} MiB (VmHWM, max over {len(self.spawns)} processes)"
        )
        logs = self.log_path.read_text(errors="replace")
        print(
            "  Haven's log: "
            f"{logs.count('an answer to a member was lost after its retries')} answers lost "
            f"after their retries, {logs.count('failed live')} crisis replies queued after "
            f"failing live, {logs.count('Traceback')} tracebacks"
        )
        cut = sum(self.tally.values())
        if cut:
            print(f"  requests the fakes saw cut off (a client killed mid-request): {cut}")
        for made in unexplained[: args.show]:
            self.explain(made)
        for made in duplicated[: args.show]:
            self.explain(made, "duplicated")

    def report_reminders(self) -> None:
        delivered: Counter[str] = Counter()
        for chat, log in self.telegram.log.items():
            for seen in log:
                if seen.kind == "reminder":
                    delivered[f"soak:{seen.values}:telegram:{chat}"] += 1
        for user, log in self.discord.dm_log.items():
            for seen in log:
                if seen.kind == "reminder":
                    delivered[f"soak:{seen.values}:discord:{user}"] += 1
        with contextlib.closing(sqlite3.connect(self.database, timeout=10)) as conn:
            states = dict(
                conn.execute(
                    "SELECT key, CASE WHEN state = 'skipped' AND attempted_at IS NOT NULL "
                    "THEN 'in flight' ELSE state END FROM outbox WHERE key LIKE 'soak:%'"
                ).fetchall()
            )
        queued = [k for b in self.batches for k in b.keys]
        once = sum(delivered[k] == 1 for k in queued)
        twice = sum(delivered[k] > 1 for k in queued)
        lost = [k for k in queued if not delivered[k]]
        flight = sum(states.get(k) == "in flight" for k in lost)
        print(
            f"  outbox reminders ({len(self.batches)} fan-outs queued 3-8 s before kills): "
            f"{len(queued)} owed, {once} delivered once, {len(lost)} lost ({flight} in flight "
            f"at a kill, settled as skipped), {twice} duplicated; final states "
            f"{dict(Counter(states.values()))}"
        )

    def report_faults(self) -> None:
        tg, dc = self.telegram, self.discord
        tg_calls = len(tg.calls)
        dc_calls = len(dc.requests)
        tg_by = Counter()
        for (_, status), n in tg.chaos_answers.items():
            tg_by[status] += n
        dc_by = Counter()
        for (_, status), n in dc.chaos_answers.items():
            dc_by[status] += n
        print(
            f"  faults injected: Bot API {sum(tg_by.values())} of {tg_calls} requests "
            f"{dict(sorted(tg_by.items()))}, plus {tg.rejected_for_limits} 429s for its flood "
            f"limits; Discord {sum(dc_by.values())} of {dc_calls} requests "
            f"{dict(sorted(dc_by.items()))}"
        )

    def explain(self, made: Input, what: str = "lost") -> None:
        """An unexplained loss or a duplicate, with its evidence (seconds since the first
        start)."""
        zero = self.spawns[0]
        taken = ", ".join(f"{t - zero:.1f}" for t in self.accepted(made)) or "never"
        after = [s for s in self.stops if s.at >= made.sent]
        stop = f"{after[0].how} at {after[0].at - zero:.1f}" if after else "none after it"
        until = after[0].at + 1.0 if after else float("inf")
        if made.member.platform == "telegram":
            chat = (made.chat, str(made.chat))
            requests = [
                f"{c.method} {c.status or 'unanswered'} at {c.at - zero:.1f}"
                f" ({_kind(c.params.get('text') or c.params.get('caption')) or 'other'})"
                for c in self.telegram.calls
                if made.sent <= c.at <= until and c.params.get("chat_id") in chat
            ]
            with contextlib.closing(sqlite3.connect(self.database)) as conn:
                seen = conn.execute(
                    "SELECT COUNT(*) FROM inbound_updates WHERE platform = 'telegram' "
                    "AND update_id = ?",
                    (str(made.update_id),),
                ).fetchone()[0]
            ledger = f"update {made.update_id} {'in' if seen else 'not in'} Haven's ledger"
        else:
            assert made.interaction is not None
            token = made.interaction.token
            requests = [
                f"{r.method} {r.path.split('/')[1]} {r.status or 'unanswered'} at {r.at - zero:.1f}"
                for r in self.discord.requests
                if made.sent <= r.at <= until and token in r.path
            ]
            ledger = "answers " + str(
                [
                    (r.kind, r.type, r.message_id, f"{r.at - zero:.1f}")
                    for r in made.interaction.responses
                ]
            )
        print(
            f"    {what} #{made.number}: {made.member.platform} {made.kind} from "
            f"{made.member.user},"
            f" sent at {made.sent - zero:.1f}, taken at {taken}; next stop: {stop}; {ledger}; "
            f"requests for it until then: {requests or 'none'}"
        )


BUCKETS = (
    "after the stop (sent to the dead process)",
    "<= 1 s before",
    "<= 5 s before",
    "<= 15 s before",
    "longer before",
)


def _bucket(age: float) -> str:
    if age < 0:
        return BUCKETS[0]
    for limit, name in zip((1, 5, 15), BUCKETS[1:], strict=False):
        if age <= limit:
            return name
    return BUCKETS[-1]


def _kind(text: str | None) -> str:
    found = classify(text)
    return found[0] if found else ""


def _latest(candidates: list[Input] | None, at: float) -> Input | None:
    """The latest of `candidates` sent before `at`."""
    before = [made for made in candidates or [] if made.sent <= at]
    return max(before, key=lambda made: made.sent) if before else None


def _name(member: Member) -> str:
    """The member's name as the platform gives it (Telegram's first name, Discord's user)."""
    if member.platform == "telegram":
        return f"Member {member.user - TG_USERS}"
    return f"member{member.user - DC_USERS}"


def _codes(exits: list[tuple[float, int | None]]) -> str:
    codes = Counter(code for _, code in exits)
    return f" (exit codes {dict(codes)})" if codes else ""


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=(__doc__ or "").split("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--minutes", type=float, help="minutes of traffic (default 10)")
    parser.add_argument("--short", action="store_true", help="2 minutes, a kill every 30 s")
    parser.add_argument("--kill-every", type=float, help="seconds between SIGKILLs (default 60)")
    parser.add_argument("--members", type=int, default=200, help="half on each platform")
    parser.add_argument("--rate", type=float, default=6.0, help="inputs a second, all members")
    parser.add_argument("--faults", type=float, default=0.01, help="share answered 5xx/429")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--reply-timeout", type=float, default=30.0, help="a member's wait")
    parser.add_argument(
        "--in-flight-window",
        type=float,
        help="seconds (default: the longest answer of the run that no stop interrupted)",
    )
    parser.add_argument("--drain", type=float, default=120.0, help="longest wait at the end")
    parser.add_argument("--quiet", type=float, default=10.0, help="drain ends after this calm")
    parser.add_argument("--show", type=int, default=10, help="unexplained losses to list")
    parser.add_argument("--keep", type=Path, help="keep the database and Haven's log here")
    args = parser.parse_args(argv)
    if args.minutes is None:
        args.minutes = 2.0 if args.short else 10.0
    if args.kill_every is None:
        args.kill_every = 30.0 if args.short else 60.0
    if args.members < 2:
        parser.error("--members: at least one on each platform")
    return args


async def main(argv: list[str] | None = None) -> None:
    args = _arguments(argv)
    with tempfile.TemporaryDirectory() as folder:
        soak = Soak(args, Path(folder))
        try:
            await soak.run()
        finally:
            if args.keep is not None:
                args.keep.mkdir(parents=True, exist_ok=True)
                for name in ("haven.db", "haven.log"):
                    if (Path(folder) / name).exists():
                        (args.keep / name).write_bytes((Path(folder) / name).read_bytes())
        soak.report()


if __name__ == "__main__":
    asyncio.run(main())
