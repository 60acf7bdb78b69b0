"""Consent, and the per-member erase and export of every table that holds member data.

`MEMBER_TABLES` names each table with a member column and how its rows are exported; a test
checks it against the schema, so a new table about members cannot be forgotten by /mydata or
/forgetme.
"""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Any

from bot.storage.database import stamp
from bot.storage.invalidation import Forget
from bot.storage.store import Engine

PURGE_BATCH = 500  # rows a retention transaction changes at most (tens of milliseconds)

# table -> (member column, columns exported)
MEMBER_TABLES: dict[str, tuple[str, tuple[str, ...]]] = {
    "members": (
        "id",
        (
            "platform",
            "user_id",
            "name",
            "timezone",
            "country",
            "celebrate_public",
            "created_at",
            "unreachable_at",
            "nudges_paused_until",
            "language",
        ),
    ),
    "consents": ("member_id", ("given_at",)),
    "checkins": ("member_id", ("mood", "tags", "note", "at", "community_id")),
    "member_streaks": ("member_id", ("timezone", "last_day", "current", "longest", "grace_day")),
    "checkin_counts": ("member_id", ("community_id", "checkins")),
    "community_members": ("member_id", ("community_id", "joined_at", "seen_at", "agreed_at")),
    "milestones": ("member_id", ("label", "start_date", "created_at")),
    "celebrations": ("member_id", ("key", "at")),
    "schedules": ("member_id", ("kind", "spec", "timezone", "created_at")),
    "rsvps": ("member_id", ("event_id", "answer", "at")),
    "event_ratings": ("member_id", ("event_id", "stars", "at")),
    "outbox": ("member_id", ("key", "state", "created_at")),
    "safety_plans": ("member_id", ("plan", "updated_at")),
    "resource_suggestions": (
        "member_id",
        ("community_id", "url", "title", "description", "state", "created_at"),
    ),
    "course_passed": ("member_id", ("module", "passed_at")),
    "supporters": (
        "member_id",
        ("community_id", "state", "available", "hours", "days", "max_open", "asked_at"),
    ),
    # A conversation the member asked for: when, how long, how it went; never its words.
    "talks": (
        "member_id",
        ("community_id", "topic", "state", "asked_at", "matched_at", "ended_at", "rating"),
    ),
    "talk_offers": ("supporter_id", ("talk_id",)),
    "oncall": ("member_id", ("community_id", "position")),
    "urgent_alerts": ("about_member_id", ("community_id", "reason", "created_at", "acked_at")),
    "shares": ("member_id", ("community_id", "text", "state", "created_at")),
    "share_responses": ("member_id", ("share_id", "kind", "at")),
    "feedback": ("member_id", ("community_id", "text", "created_at", "answered_at")),
    "poll_votes": ("member_id", ("poll_id", "choice", "at")),
    # Kudos the member received (who gave them is not theirs to export).
    "kudos": ("receiver_id", ("community_id", "public", "at")),
    "kudos_off": ("member_id", ("at",)),
    "report_reasons": ("member_id", ("report_id", "reason", "at")),
}
# Columns elsewhere that only point at a member (who added a resource, who made a schedule,
# who receives lead alerts): cleared on erasure, never exported as the member's own data.
MEMBER_REFERENCES: dict[str, str] = {
    "resources": "added_by",
    "schedules": "created_by",
    "communities": "alert_member_id",
    "events": "created_by",
    "talks": "supporter_id",  # who listened: cleared, the member's record of it stays
    "urgent_alerts": "acked_by",
    "polls": "created_by",
    "kudos": "giver_id",  # the thanks stays with who received it
    "reports": "handled_by",
    "feedback": "replying_by",
}


# What else a member did that lives in a row about someone else: exported as theirs, never
# erased with them (their column is cleared, by MEMBER_REFERENCES). name -> (table, column,
# columns exported).
ALSO_EXPORTED: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "kudos_given": ("kudos", "giver_id", ("community_id", "public", "at")),
}


CONSENT, MEMBER = "consent", "member"  # kinds of cached rows (bot/storage/invalidation.py)
# Rows in the order they were written: SQLite's rowid, PostgreSQL's physical order.
ORDER = {"sqlite": "rowid", "postgresql": "ctid"}


class PrivacyRepo:
    def __init__(self, db: Engine) -> None:
        self.db = db

    async def consent_given(self, member_id: int) -> str | None:
        row = await self.db.fetchone(
            "SELECT given_at FROM consents WHERE member_id = ?", (member_id,)
        )
        return row[0] if row else None

    async def give_consent(self, member_id: int, now: datetime) -> None:
        await self.db.execute(
            "INSERT INTO consents (member_id, given_at) VALUES (?, ?) "
            "ON CONFLICT (member_id) DO NOTHING",
            (member_id, stamp(now)),
        )

    async def withdraw_consent(self, member_id: int) -> None:
        await self.db.execute("DELETE FROM consents WHERE member_id = ?", (member_id,))
        self.db.changed(CONSENT, member_id)  # no process may go on storing for them

    def on_consent_change(self, forget: Forget) -> None:
        self.db.on_change(CONSENT, forget)

    async def export(self, member_id: int) -> dict[str, list[dict[str, Any]]]:
        found: dict[str, list[dict[str, Any]]] = {}
        for table, (column, columns) in MEMBER_TABLES.items():
            order = ORDER[self.db.dialect]
            rows = await self.db.fetchall(
                f"SELECT {', '.join(columns)} FROM {table} WHERE {column} = ? ORDER BY {order}",
                (member_id,),
            )
            found[table] = [dict(zip(columns, row, strict=True)) for row in rows]
        for name, (table, column, columns) in ALSO_EXPORTED.items():
            rows = await self.db.fetchall(
                f"SELECT {', '.join(columns)} FROM {table} WHERE {column} = ? ORDER BY at",
                (member_id,),
            )
            found[name] = [dict(zip(columns, row, strict=True)) for row in rows]
        return found

    async def counts(self, member_id: int) -> dict[str, int]:
        found = {}
        for table, (column, _) in MEMBER_TABLES.items():
            row = await self.db.fetchone(
                f"SELECT COUNT(*) FROM {table} WHERE {column} = ?", (member_id,)
            )
            found[table] = int(row[0]) if row else 0
        notes = await self.db.fetchone(
            "SELECT COUNT(*) FROM checkins WHERE member_id = ? AND note IS NOT NULL", (member_id,)
        )
        found["notes"] = int(notes[0]) if notes else 0
        return found

    async def erase(self, member_id: int) -> int:
        """Every row about the member, in one transaction; returns how many rows went."""
        removed = 0
        async with self.db.transaction() as conn:
            for table, column in MEMBER_REFERENCES.items():
                await conn.execute(
                    f"UPDATE {table} SET {column} = NULL WHERE {column} = ?", (member_id,)
                )
            for table, (column, _) in reversed(MEMBER_TABLES.items()):
                cursor = await conn.execute(f"DELETE FROM {table} WHERE {column} = ?", (member_id,))
                removed += max(cursor.rowcount, 0)
        self.db.changed(CONSENT, member_id)
        self.db.changed(MEMBER, member_id)  # every process's member and community caches
        return removed

    async def purge(
        self,
        notes_before: datetime,
        checkins_before: datetime,
        outbox_before: datetime,
        updates_before: datetime,
        posts_before: datetime,
    ) -> tuple[int, int, int, int, int]:
        """Retention: old notes blanked, old check-ins deleted, settled outbox rows, the
        ledger of old platform updates and where long-past posts went dropped, in
        transactions of at most PURGE_BATCH rows (found by index), yielding between them, so
        no batch holds the write lock for long and check-ins go in between."""
        notes = await self._in_batches(
            "UPDATE checkins SET note = NULL WHERE id IN (SELECT id FROM checkins "
            "WHERE note IS NOT NULL AND at < ? LIMIT ?)",
            stamp(notes_before),
        )
        checkins = await self._in_batches(
            "DELETE FROM checkins WHERE id IN (SELECT id FROM checkins WHERE at < ? LIMIT ?)",
            stamp(checkins_before),
        )
        outbox = await self._in_batches(
            "DELETE FROM outbox WHERE id IN (SELECT id FROM outbox "
            "WHERE state IN ('sent', 'failed', 'skipped') AND done_at < ? LIMIT ?)",
            stamp(outbox_before),
        )
        updates = await self._in_batches(
            "DELETE FROM inbound_updates WHERE (platform, update_id) IN (SELECT platform, "
            "update_id FROM inbound_updates WHERE seen_at < ? LIMIT ?)",
            stamp(updates_before),
        )
        posts = await self._in_batches(
            "DELETE FROM posts WHERE (platform, key) IN (SELECT platform, key FROM posts "
            "WHERE kept_at < ? LIMIT ?)",
            stamp(posts_before),
        )
        return notes, checkins, outbox, updates, posts

    async def _in_batches(self, sql: str, before: str) -> int:
        total = 0
        while True:
            async with self.db.transaction() as conn:
                cursor = await conn.execute(sql, (before, PURGE_BATCH))
                done = max(cursor.rowcount, 0)
            total += done
            if done < PURGE_BATCH:
                return total
            await asyncio.sleep(0)
