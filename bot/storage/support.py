"""Peer support's rows: modules of the supporter course passed, a group's supporters, the
conversations Haven relays (who, when, how long; never what was said), the leads on call and
the urgent alerts tried on them in order."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.storage.database import stamp, unstamp
from bot.storage.invalidation import SUPPORT
from bot.storage.store import Engine

SUPPORTER_COLUMNS = (
    "s.community_id, s.member_id, s.state, s.available, s.hours, s.days, s.max_open, "
    "s.last_matched_at, s.asked_at, s.approved_at, m.platform, m.user_id, m.name, m.timezone"
)
TALK_COLUMNS = (
    "t.id, t.community_id, t.member_id, t.supporter_id, t.topic, t.state, t.member_alias, "
    "t.supporter_alias, t.name_shared, t.asked_at, t.matched_at, t.last_at, t.quiet_asked_at, "
    "t.ended_at, t.ended_by, t.rating, t.helped, t.follow_up"
)
ALERT_COLUMNS = (
    "id, community_id, about_member_id, reason, talk_id, created_at, level, next_at, acked_by, "
    "acked_at"
)


def _when(value: object) -> datetime | None:
    return unstamp(value) if value else None  # type: ignore[arg-type]


@dataclass(frozen=True)
class SupporterRow:
    community_id: int
    member_id: int
    state: str  # pending, approved, paused, removed
    available: bool
    hours: str | None
    days: str | None
    max_open: int
    last_matched_at: datetime | None
    asked_at: datetime
    approved_at: datetime | None
    platform: str
    user_id: str
    name: str
    timezone: str | None


def _supporter(r: object) -> SupporterRow:
    x: tuple = r  # type: ignore[assignment]
    return SupporterRow(
        x[0], x[1], x[2], bool(x[3]), x[4], x[5], x[6], _when(x[7]), unstamp(x[8]),
        _when(x[9]), x[10], x[11], x[12], x[13],
    )  # fmt: skip


@dataclass(frozen=True)
class TalkRow:
    id: int
    community_id: int
    member_id: int | None
    supporter_id: int | None
    topic: str | None
    state: str  # waiting, open, ended, unanswered, withdrawn
    member_alias: str
    supporter_alias: str
    name_shared: bool
    asked_at: datetime
    matched_at: datetime | None
    last_at: datetime | None
    quiet_asked_at: datetime | None
    ended_at: datetime | None
    ended_by: str | None
    rating: int | None
    helped: bool | None
    follow_up: bool


def _talk(r: object) -> TalkRow:
    x: tuple = r  # type: ignore[assignment]
    return TalkRow(
        x[0], x[1], x[2], x[3], x[4], x[5], x[6], x[7], bool(x[8]), unstamp(x[9]), _when(x[10]),
        _when(x[11]), _when(x[12]), _when(x[13]), x[14], x[15],
        None if x[16] is None else bool(x[16]), bool(x[17]),
    )  # fmt: skip


@dataclass(frozen=True)
class AlertRow:
    id: int
    community_id: int
    about_member_id: int | None
    reason: str  # unanswered, supporter, crisis
    talk_id: int | None
    created_at: datetime
    level: int  # on-call leads tried so far
    next_at: datetime
    acked_by: int | None
    acked_at: datetime | None


def _alert(r: object) -> AlertRow:
    x: tuple = r  # type: ignore[assignment]
    return AlertRow(
        x[0], x[1], x[2], x[3], x[4], unstamp(x[5]), x[6], unstamp(x[7]), x[8], _when(x[9])
    )


@dataclass(frozen=True)
class Figures:
    """A group's conversations, for its leads: counts and times only."""

    requests: int
    matched: int
    matched_in_5: int
    waits: list[float]  # minutes from asking to a supporter accepting, for each matched
    ratings: list[int]


class SupportRepo:
    def __init__(self, db: Engine) -> None:
        self.db = db

    # -- the course ------------------------------------------------------------------------
    async def passed(self, member_id: int) -> set[str]:
        rows = await self.db.fetchall(
            "SELECT module FROM course_passed WHERE member_id = ?", (member_id,)
        )
        return {r[0] for r in rows}

    async def pass_module(self, member_id: int, module: str, now: datetime) -> None:
        await self.db.execute(
            "INSERT INTO course_passed (member_id, module, passed_at) VALUES (?, ?, ?) "
            "ON CONFLICT (member_id, module) DO NOTHING",
            (member_id, module, stamp(now)),
        )

    # -- supporters --------------------------------------------------------------------------
    async def supporter(self, community_id: int, member_id: int) -> SupporterRow | None:
        row = await self.db.fetchone(
            f"SELECT {SUPPORTER_COLUMNS} FROM supporters s JOIN members m ON m.id = s.member_id "
            "WHERE s.community_id = ? AND s.member_id = ?",
            (community_id, member_id),
        )
        return _supporter(row) if row is not None else None

    async def groups_of(self, member_id: int) -> list[SupporterRow]:
        """Every group a member asked to support (in the order they asked)."""
        rows = await self.db.fetchall(
            f"SELECT {SUPPORTER_COLUMNS} FROM supporters s JOIN members m ON m.id = s.member_id "
            "WHERE s.member_id = ? ORDER BY s.asked_at",
            (member_id,),
        )
        return [_supporter(r) for r in rows]

    async def ask(self, community_id: int, member_id: int, now: datetime) -> bool:
        """A member who passed the course asks to support the group: True when this made a
        new request (an earlier one, or a removal, stands until a lead changes it)."""
        rows = await self.db.write_returning(
            "INSERT INTO supporters (community_id, member_id, state, asked_at) "
            "VALUES (?, ?, 'pending', ?) ON CONFLICT (community_id, member_id) DO NOTHING "
            "RETURNING 1",
            (community_id, member_id, stamp(now)),
        )
        return bool(rows)

    async def set_state(self, community_id: int, member_id: int, state: str, now: datetime) -> None:
        approved = ", approved_at = ?" if state == "approved" else ""
        params: tuple[object, ...] = (state, stamp(now)) if approved else (state,)
        await self.db.execute(
            f"UPDATE supporters SET state = ?{approved}, available = "
            "CASE WHEN ? = 'approved' THEN available ELSE 0 END "
            "WHERE community_id = ? AND member_id = ?",
            (*params, state, community_id, member_id),
        )

    async def update(self, community_id: int, member_id: int, **values: object) -> None:
        allowed = {"available", "hours", "days", "max_open"}
        if not values or set(values) - allowed:
            raise ValueError(f"cannot change {sorted(set(values) - allowed)}")
        assignments = ", ".join(f"{key} = ?" for key in values)
        await self.db.execute(
            f"UPDATE supporters SET {assignments} WHERE community_id = ? AND member_id = ?",
            (*values.values(), community_id, member_id),
        )

    async def roster(self, community_id: int) -> list[SupporterRow]:
        rows = await self.db.fetchall(
            f"SELECT {SUPPORTER_COLUMNS} FROM supporters s JOIN members m ON m.id = s.member_id "
            "WHERE s.community_id = ? AND s.state <> 'removed' ORDER BY s.state, s.asked_at",
            (community_id,),
        )
        return [_supporter(r) for r in rows]

    async def candidates(self, community_id: int) -> list[tuple[SupporterRow, int]]:
        """Approved supporters who are on, with how many conversations each has open, the
        least recently matched first (never matched: first of all)."""
        rows = await self.db.fetchall(
            f"SELECT {SUPPORTER_COLUMNS}, (SELECT COUNT(*) FROM talks t WHERE t.supporter_id = "
            "s.member_id AND t.state = 'open') FROM supporters s JOIN members m ON "
            "m.id = s.member_id WHERE s.community_id = ? AND s.state = 'approved' AND "
            "s.available = 1 AND m.unreachable_at IS NULL "
            "ORDER BY s.last_matched_at IS NOT NULL, s.last_matched_at, s.asked_at",
            (community_id,),
        )
        return [(_supporter(r), int(r[14])) for r in rows]

    async def matched(self, community_id: int, member_id: int, now: datetime) -> None:
        await self.db.execute(
            "UPDATE supporters SET last_matched_at = ? WHERE community_id = ? AND member_id = ?",
            (stamp(now), community_id, member_id),
        )

    # -- conversations -------------------------------------------------------------------------
    async def create_talk(
        self,
        community_id: int,
        member_id: int,
        topic: str | None,
        aliases: tuple[str, str],
        now: datetime,
    ) -> int:
        talk_id = await self.db.execute(
            "INSERT INTO talks (community_id, member_id, topic, state, member_alias, "
            "supporter_alias, asked_at) VALUES (?, ?, ?, 'waiting', ?, ?, ?)",
            (community_id, member_id, topic, aliases[0], aliases[1], stamp(now)),
        )
        self.db.changed(SUPPORT, None)  # every process's job looks again
        return talk_id

    async def talk(self, talk_id: int) -> TalkRow | None:
        row = await self.db.fetchone(
            f"SELECT {TALK_COLUMNS} FROM talks t WHERE t.id = ?", (talk_id,)
        )
        return _talk(row) if row is not None else None

    async def current(self, member_id: int) -> list[TalkRow]:
        """A member's conversations still going, as the one asking or as the supporter:
        waiting (asked, not yet accepted) or open."""
        rows = await self.db.fetchall(
            f"SELECT {TALK_COLUMNS} FROM talks t WHERE t.state IN ('waiting', 'open') AND "
            "(t.member_id = ? OR (t.supporter_id = ? AND t.state = 'open')) ORDER BY t.id",
            (member_id, member_id),
        )
        return [_talk(r) for r in rows]

    async def offer(self, talk_id: int, supporter_ids: list[int]) -> None:
        async with self.db.transaction() as conn:
            await conn.executemany(
                "INSERT INTO talk_offers (talk_id, supporter_id) VALUES (?, ?) "
                "ON CONFLICT (talk_id, supporter_id) DO NOTHING",
                [(talk_id, s) for s in supporter_ids],
            )

    async def offered(self, talk_id: int) -> list[int]:
        rows = await self.db.fetchall(
            "SELECT supporter_id FROM talk_offers WHERE talk_id = ? ORDER BY supporter_id",
            (talk_id,),
        )
        return [r[0] for r in rows]

    async def accept(self, talk_id: int, supporter_id: int, now: datetime) -> bool:
        """True for the first to accept a waiting request; False when it was taken, ended or
        timed out meanwhile (two presses at once: one wins)."""
        rows = await self.db.write_returning(
            "UPDATE talks SET state = 'open', supporter_id = ?, matched_at = ?, last_at = ? "
            "WHERE id = ? AND state = 'waiting' RETURNING id",
            (supporter_id, stamp(now), stamp(now), talk_id),
        )
        return bool(rows)

    async def touch(self, talk_id: int, now: datetime) -> None:
        """A message went through: the silence starts again."""
        await self.db.execute(
            "UPDATE talks SET last_at = ?, quiet_asked_at = NULL WHERE id = ?",
            (stamp(now), talk_id),
        )

    async def share_name(self, talk_id: int) -> None:
        await self.db.execute("UPDATE talks SET name_shared = 1 WHERE id = ?", (talk_id,))

    async def end(self, talk_id: int, by: str, now: datetime) -> str | None:
        """End a waiting or open conversation; returns the state it ended in (withdrawn,
        unanswered or ended), or None when it had already ended."""
        rows = await self.db.write_returning(
            "UPDATE talks SET state = CASE WHEN state = 'open' THEN 'ended' WHEN ? = 'timeout' "
            "THEN 'unanswered' ELSE 'withdrawn' END, ended_at = ?, ended_by = ? "
            "WHERE id = ? AND state IN ('waiting', 'open') RETURNING state",
            (by, stamp(now), by, talk_id),
        )
        return rows[0][0] if rows else None

    async def rate(self, talk_id: int, stars: int | None, helped: bool | None) -> None:
        if stars is not None:
            await self.db.execute("UPDATE talks SET rating = ? WHERE id = ?", (stars, talk_id))
        if helped is not None:
            await self.db.execute(
                "UPDATE talks SET helped = ? WHERE id = ?", (int(helped), talk_id)
            )

    async def flag_follow_up(self, talk_id: int) -> None:
        await self.db.execute("UPDATE talks SET follow_up = 1 WHERE id = ?", (talk_id,))

    async def waiting_before(self, before: datetime) -> list[TalkRow]:
        """Requests still waiting that were made before `before` (each group's wait is
        checked by the caller)."""
        rows = await self.db.fetchall(
            f"SELECT {TALK_COLUMNS} FROM talks t WHERE t.state = 'waiting' AND t.asked_at < ? "
            "ORDER BY t.id",
            (stamp(before),),
        )
        return [_talk(r) for r in rows]

    async def quiet_since(self, before: datetime) -> list[TalkRow]:
        """Open conversations silent since before `before`, not yet asked whether to end."""
        rows = await self.db.fetchall(
            f"SELECT {TALK_COLUMNS} FROM talks t WHERE t.state = 'open' AND t.last_at < ? "
            "AND t.quiet_asked_at IS NULL ORDER BY t.id",
            (stamp(before),),
        )
        return [_talk(r) for r in rows]

    async def asked_quiet(self, talk_id: int, now: datetime) -> None:
        await self.db.execute(
            "UPDATE talks SET quiet_asked_at = ? WHERE id = ?", (stamp(now), talk_id)
        )

    async def requests_since(self, member_id: int, since: datetime) -> int:
        row = await self.db.fetchone(
            "SELECT COUNT(*) FROM talks WHERE member_id = ? AND asked_at >= ?",
            (member_id, stamp(since)),
        )
        return int(row[0]) if row is not None else 0

    async def talk_minutes(self, community_id: int) -> int:
        row = await self.db.fetchone(
            "SELECT talk_minutes FROM communities WHERE id = ?", (community_id,)
        )
        return int(row[0]) if row is not None else 10

    async def set_talk_minutes(self, community_id: int, minutes: int) -> None:
        await self.db.execute(
            "UPDATE communities SET talk_minutes = ? WHERE id = ?", (minutes, community_id)
        )

    async def figures(self, community_id: int) -> Figures:
        rows = await self.db.fetchall(
            "SELECT asked_at, matched_at, rating FROM talks WHERE community_id = ?",
            (community_id,),
        )
        waits = [
            (unstamp(r[1]) - unstamp(r[0])).total_seconds() / 60 for r in rows if r[1] is not None
        ]
        return Figures(
            len(rows),
            len(waits),
            sum(1 for w in waits if w <= 5),
            sorted(waits),
            [r[2] for r in rows if r[2] is not None],
        )

    async def of_member(self, member_id: int) -> list[TalkRow]:
        """Conversations a member asked for or supported (for /mydata: times, never words)."""
        rows = await self.db.fetchall(
            f"SELECT {TALK_COLUMNS} FROM talks t WHERE t.member_id = ? OR t.supporter_id = ? "
            "ORDER BY t.id",
            (member_id, member_id),
        )
        return [_talk(r) for r in rows]

    # -- on call and urgent alerts ---------------------------------------------------------------
    async def set_oncall(self, community_id: int, member_ids: list[int]) -> None:
        async with self.db.transaction() as conn:
            await conn.execute("DELETE FROM oncall WHERE community_id = ?", (community_id,))
            await conn.executemany(
                "INSERT INTO oncall (community_id, position, member_id) VALUES (?, ?, ?)",
                [(community_id, n, m) for n, m in enumerate(member_ids)],
            )

    async def oncall(self, community_id: int) -> list[int]:
        rows = await self.db.fetchall(
            "SELECT member_id FROM oncall WHERE community_id = ? ORDER BY position",
            (community_id,),
        )
        return [r[0] for r in rows]

    async def raise_alert(
        self,
        community_id: int,
        about: int | None,
        reason: str,
        talk_id: int | None,
        now: datetime,
        next_at: datetime,
    ) -> int:
        alert_id = await self.db.execute(
            "INSERT INTO urgent_alerts (community_id, about_member_id, reason, talk_id, "
            "created_at, level, next_at) VALUES (?, ?, ?, ?, ?, 1, ?)",
            (community_id, about, reason, talk_id, stamp(now), stamp(next_at)),
        )
        self.db.changed(SUPPORT, None)
        return alert_id

    async def anything_live(self) -> bool:
        """Whether any request waits, any conversation is open or any urgent alert is not
        acknowledged: what the every-minute job has to look at."""
        row = await self.db.fetchone(
            "SELECT 1 WHERE EXISTS (SELECT 1 FROM talks WHERE state IN ('waiting', 'open')) "
            "OR EXISTS (SELECT 1 FROM urgent_alerts WHERE acked_at IS NULL)"
        )
        return row is not None

    async def alert(self, alert_id: int) -> AlertRow | None:
        row = await self.db.fetchone(
            f"SELECT {ALERT_COLUMNS} FROM urgent_alerts WHERE id = ?", (alert_id,)
        )
        return _alert(row) if row is not None else None

    async def alerts_due(self, now: datetime) -> list[AlertRow]:
        rows = await self.db.fetchall(
            f"SELECT {ALERT_COLUMNS} FROM urgent_alerts WHERE acked_at IS NULL AND next_at <= ? "
            "ORDER BY id",
            (stamp(now),),
        )
        return [_alert(r) for r in rows]

    async def escalate(self, alert_id: int, level: int, next_at: datetime) -> bool:
        """Move an unacknowledged alert to its next level (once: two processes, one wins)."""
        rows = await self.db.write_returning(
            "UPDATE urgent_alerts SET level = ?, next_at = ? WHERE id = ? AND level = ? "
            "AND acked_at IS NULL RETURNING id",
            (level, stamp(next_at), alert_id, level - 1),
        )
        return bool(rows)

    async def ack(self, alert_id: int, member_id: int, now: datetime) -> bool:
        """True for the first lead to say "I'm on it"."""
        rows = await self.db.write_returning(
            "UPDATE urgent_alerts SET acked_by = ?, acked_at = ? WHERE id = ? "
            "AND acked_at IS NULL RETURNING id",
            (member_id, stamp(now), alert_id),
        )
        return bool(rows)

    async def members_named(self, community_id: int, name: str) -> list[tuple[int, str]]:
        """Members of a group a lead names: by their name (case aside) or their platform id."""
        wanted = name.strip().lstrip("@").casefold()
        if wanted.startswith("<@") and wanted.endswith(">"):  # a Discord mention: <@id>, <@!id>
            wanted = wanted[2:-1].lstrip("!")
        rows = await self.db.fetchall(
            "SELECT m.id, m.name, m.user_id FROM community_members c JOIN members m "
            "ON m.id = c.member_id WHERE c.community_id = ?",
            (community_id,),
        )
        return [(r[0], r[1]) for r in rows if wanted in (r[1].casefold(), str(r[2]).casefold())]

    async def last_alert_about(self, member_id: int, community_id: int) -> datetime | None:
        row = await self.db.fetchone(
            "SELECT MAX(created_at) FROM urgent_alerts WHERE about_member_id = ? "
            "AND community_id = ?",
            (member_id, community_id),
        )
        return unstamp(row[0]) if row is not None and row[0] else None
