"""The outbox table: timed messages waiting to be sent, claimed, and settled.

Delivery is at most once, and nothing is lost that was never tried. A worker claims due rows
(`sending`, no attempt yet) and records an attempt (`attempted_at`, committed) just before each
request reaches the platform. After a crash, a claimed row never attempted goes back to
`pending` and is sent; one with an attempt is not resent, because the platform may already
have shown it, and a duplicate prompt is worse than one missing: a crash loses at most the
requests in flight at that instant.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import aiosqlite

from bot.core.messages import Actor, Attachment, Button, CalendarEntry, Place, Reply, Visibility
from bot.storage.database import stamp, unstamp
from bot.storage.store import Engine

CRISIS, NORMAL, BULK = 0, 1, 2


@dataclass(frozen=True)
class OutboxItem:
    key: str
    reply: Reply  # with `to` set: a Place or an Actor
    member_id: int | None = None
    priority: int = NORMAL
    # Told to someone once the message is settled: "sent", or "undelivered" (the recipient
    # could not be reached, or sending failed for good). A lead alert reports to the member.
    reports: dict[str, Reply] = field(default_factory=dict)


@dataclass(frozen=True)
class OutboxRow:
    id: int
    key: str
    reply: Reply
    member_id: int | None
    attempts: int
    reports: dict[str, Reply] = field(default_factory=dict)


def _encode_target(target: Place | Actor | None) -> str:
    if isinstance(target, Actor):
        return json.dumps({"actor": target.user_id, "name": target.name})
    if isinstance(target, Place):
        encoded: dict[str, object] = {
            "place": target.chat_id,
            "direct": target.is_direct,
            "community": target.community_id,
        }
        if target.thread_id is not None:
            encoded["thread"] = target.thread_id
        return json.dumps(encoded)
    raise ValueError("an outbox reply needs a target")


def _decode(
    platform: str, target: str, payload: str, file: tuple[str | None, str | None, bytes | None]
) -> Reply:
    t: dict[str, Any] = json.loads(target)
    p: dict[str, Any] = json.loads(payload)
    to: Place | Actor = (
        Actor(platform, t["actor"], t.get("name", ""))
        if "actor" in t
        else Place(
            platform,
            t["place"],
            bool(t.get("direct")),
            t.get("community"),
            thread_id=t.get("thread"),
        )
    )
    buttons = tuple(
        tuple(Button(b["label"], b.get("action"), b.get("url")) for b in row)
        for row in p.get("buttons", [])
    )
    name, mime, data = file
    attachment = (
        Attachment(name, data, mime or "application/octet-stream", p.get("alt", ""))
        if name and data
        else None
    )
    c = p.get("calendar")
    calendar = (
        CalendarEntry(
            c["key"],
            c["title"],
            datetime.fromisoformat(c["starts"]),
            datetime.fromisoformat(c["ends"]),
            c["where"],
            c.get("description", ""),
            bool(c.get("cancelled")),
        )
        if c
        else None
    )
    return Reply(
        p["text"],
        Visibility(p["visibility"]),
        to=to,
        buttons=buttons,
        attachment=attachment,
        idempotency_key=p.get("key"),
        keep=p.get("keep"),
        replaces=p.get("replaces"),
        pin=bool(p.get("pin")),
        calendar=calendar,
    )


def _payload(item: OutboxItem) -> str:
    r = item.reply
    return json.dumps(
        {
            "text": r.text,
            "visibility": r.visibility.value,
            "key": item.key,
            "alt": r.attachment.alt if r.attachment else "",
            "buttons": [
                [{"label": b.label, "action": b.action, "url": b.url} for b in row]
                for row in r.buttons
            ],
            "keep": r.keep,
            "replaces": r.replaces,
            "pin": r.pin,
            "calendar": _calendar(r.calendar),
            "reports": {
                outcome: {
                    "text": report.text,
                    "visibility": report.visibility.value,
                    "target": _encode_target(report.to),
                }
                for outcome, report in item.reports.items()
            },
        }
    )


def _calendar(entry: CalendarEntry | None) -> dict[str, object] | None:
    if entry is None:
        return None
    return {
        "key": entry.key,
        "title": entry.title,
        "starts": entry.starts_at.isoformat(),
        "ends": entry.ends_at.isoformat(),
        "where": entry.where,
        "description": entry.description,
        "cancelled": entry.cancelled,
    }


def _reports(platform: str, payload: str) -> dict[str, Reply]:
    found: dict[str, Any] = json.loads(payload).get("reports", {})
    return {
        outcome: _decode(platform, r["target"], json.dumps(r), (None, None, None))
        for outcome, r in found.items()
    }


def _file(attachment: Attachment | None) -> tuple[str | None, str | None, bytes | None]:
    if attachment is None:
        return None, None, None
    return attachment.name, attachment.mime, attachment.data


async def insert_items(conn: aiosqlite.Connection, items: list[OutboxItem], now: datetime) -> int:
    """Queue items inside the caller's transaction; a key already queued is left alone."""
    rows = [
        (
            i.key,
            i.reply.to.platform if i.reply.to else "",
            _encode_target(i.reply.to),
            i.member_id,
            _payload(i),
            i.priority,
            stamp(now),
            stamp(now),
            *_file(i.reply.attachment),
        )
        for i in items
    ]
    if getattr(conn, "dialect", "sqlite") == "postgresql":
        # One statement for the whole list; RETURNING counts what was new.
        columns = list(zip(*rows, strict=True)) if rows else [[] for _ in range(11)]
        async with conn.execute(
            "INSERT INTO outbox (key, platform, target, member_id, payload, priority, "
            "not_before, created_at, attachment_name, attachment_mime, attachment) "
            "SELECT * FROM unnest(?::text[], ?::text[], ?::text[], ?::bigint[], ?::text[], "
            "?::int[], ?::text[], ?::text[], ?::text[], ?::text[], ?::bytea[]) "
            "ON CONFLICT (key) DO NOTHING RETURNING 1",
            [list(c) for c in columns],
        ) as cursor:
            return len(await cursor.fetchall())
    before = conn.total_changes
    await conn.executemany(
        "INSERT INTO outbox (key, platform, target, member_id, payload, priority, not_before, "
        "created_at, attachment_name, attachment_mime, attachment) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (key) DO NOTHING",
        rows,
    )
    return conn.total_changes - before


class OutboxRepo:
    def __init__(self, db: Engine) -> None:
        self.db = db

    async def enqueue(self, items: list[OutboxItem], now: datetime) -> int:
        async with self.db.transaction() as conn:
            return await insert_items(conn, items, now)

    async def claim(self, platform: str, now: datetime, limit: int) -> list[OutboxRow]:
        """Take up to `limit` due rows, most urgent first, and mark them `sending`. On
        PostgreSQL two claims at once (two connections of the pool) never take the same row:
        the rows read are locked, and rows another claim holds are passed over."""
        lock = " FOR UPDATE SKIP LOCKED" if self.db.dialect == "postgresql" else ""
        async with self.db.transaction() as conn:
            async with conn.execute(
                "SELECT id, key, platform, target, payload, member_id, attempts, "
                "attachment_name, attachment_mime, attachment FROM outbox "
                "WHERE platform = ? AND state = 'pending' AND not_before <= ? "
                "ORDER BY priority, id LIMIT ?" + lock,
                (platform, stamp(now), limit),
            ) as cursor:
                found = list(await cursor.fetchall())
            await conn.executemany(
                "UPDATE outbox SET state = 'sending', attempted_at = NULL WHERE id = ?",
                [(r[0],) for r in found],
            )
        return [
            OutboxRow(
                r[0],
                r[1],
                _decode(r[2], r[3], r[4], (r[7], r[8], r[9])),
                r[5],
                r[6] + 1,
                _reports(r[2], r[4]),
            )
            for r in found
        ]

    async def attempt(self, row_id: int, now: datetime) -> None:
        """Just before the request: from now on a crash does not resend this row. Idempotent
        (a message in several parts records its first)."""
        await self.db.execute(
            "UPDATE outbox SET attempted_at = ?, attempts = attempts + 1 "
            "WHERE id = ? AND state = 'sending' AND attempted_at IS NULL",
            (stamp(now), row_id),
        )

    async def settle(
        self, row_id: int, state: str, now: datetime, error: str | None = None
    ) -> None:
        await self.db.execute(
            "UPDATE outbox SET state = ?, done_at = ?, error = ?, attachment = NULL WHERE id = ?",
            (state, stamp(now), error, row_id),
        )

    async def retry_later(self, row_id: int, when: datetime, error: str) -> None:
        await self.db.execute(
            "UPDATE outbox SET state = 'pending', attempted_at = NULL, not_before = ?, error = ? "
            "WHERE id = ?",
            (stamp(when), error, row_id),
        )

    async def interrupted(self, platform: str, now: datetime) -> tuple[int, int]:
        """What a crash left: rows claimed but never attempted go back to the queue; rows
        whose request was under way are settled as skipped (never sent twice). Returns
        (requeued, skipped)."""
        async with self.db.transaction() as conn:
            requeued = await conn.execute(
                "UPDATE outbox SET state = 'pending' "
                "WHERE platform = ? AND state = 'sending' AND attempted_at IS NULL",
                (platform,),
            )
            skipped = await conn.execute(
                "UPDATE outbox SET state = 'skipped', done_at = ?, attachment = NULL, "
                "error = 'in flight when the bot stopped; not resent' "
                "WHERE platform = ? AND state = 'sending'",
                (stamp(now), platform),
            )
            return requeued.rowcount, skipped.rowcount

    async def last_queued(self, key_prefix: str) -> datetime | None:
        """When the newest message whose key starts so was queued (say, a member's last lead
        alert), if one still is in the table."""
        row = await self.db.fetchone(
            "SELECT MAX(created_at) FROM outbox WHERE key >= ? AND key < ?",
            (key_prefix, key_prefix + "\uffff"),
        )
        return unstamp(row[0]) if row and row[0] else None

    async def next_due(self, platform: str) -> datetime | None:
        row = await self.db.fetchone(
            "SELECT MIN(not_before) FROM outbox WHERE platform = ? AND state = 'pending'",
            (platform,),
        )
        return unstamp(row[0]) if row and row[0] else None

    async def states(self, platform: str | None = None) -> dict[str, int]:
        rows = await self.db.fetchall(
            "SELECT state, COUNT(*) FROM outbox WHERE CAST(? AS TEXT) IS NULL OR platform = ? "
            "GROUP BY state",
            (platform, platform),
        )
        return {r[0]: r[1] for r in rows}

    async def purge_done(self, before: datetime) -> int:
        """Sent and settled rows hold message text; keep them only briefly."""
        rows = await self.db.write_returning(
            "DELETE FROM outbox WHERE state IN ('sent', 'failed', 'skipped') AND done_at < ? "
            "RETURNING id",
            (stamp(before),),
        )
        return len(rows)
