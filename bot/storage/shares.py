"""Anonymous shares and the responses to them. The author's id is read only for the author
(their own deletion, /mydata) and never with a share's text for anyone else."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.storage.database import stamp, unstamp
from bot.storage.store import Engine

KINDS = ("relate", "support", "thanks")


@dataclass(frozen=True)
class ShareRow:
    """A share as a lead or the group may see it: no author."""

    id: int
    community_id: int
    text: str
    state: str  # pending, approved, declined, deleted
    content_note: bool
    created_at: datetime
    held: bool = False  # pending, but held back after the crisis screen until the author chooses


def _share(r: object) -> ShareRow:
    x: tuple = r  # type: ignore[assignment]
    return ShareRow(x[0], x[1], x[2], x[3], bool(x[4]), unstamp(x[5]), bool(x[6]))


COLUMNS = "id, community_id, text, state, content_note, created_at, held"


class ShareRepo:
    def __init__(self, db: Engine) -> None:
        self.db = db

    async def create(
        self, community_id: int, member_id: int, text: str, now: datetime, held: bool
    ) -> int:
        return await self.db.execute(
            "INSERT INTO shares (community_id, member_id, text, state, held, created_at) "
            "VALUES (?, ?, ?, 'pending', ?, ?)",
            (community_id, member_id, text, int(held), stamp(now)),
        )

    async def release(self, share_id: int, member_id: int) -> bool:
        """A share held back after the crisis screen, sent on for review because its author
        chose to; True when it was theirs and still held."""
        rows = await self.db.write_returning(
            "UPDATE shares SET held = 0 WHERE id = ? AND member_id = ? AND held = 1 "
            "AND state = 'pending' RETURNING id",
            (share_id, member_id),
        )
        return bool(rows)

    async def get(self, share_id: int) -> ShareRow | None:
        row = await self.db.fetchone(f"SELECT {COLUMNS} FROM shares WHERE id = ?", (share_id,))
        return _share(row) if row is not None else None

    async def by_author(self, share_id: int, member_id: int) -> ShareRow | None:
        """The share only when `member_id` wrote it (the one check of authorship)."""
        row = await self.db.fetchone(
            f"SELECT {COLUMNS} FROM shares WHERE id = ? AND member_id = ?", (share_id, member_id)
        )
        return _share(row) if row is not None else None

    async def posted_by(self, member_id: int) -> list[ShareRow]:
        """The member's shares standing in a group (for their erasure to clear the posts)."""
        rows = await self.db.fetchall(
            f"SELECT {COLUMNS} FROM shares WHERE member_id = ? AND state = 'approved'",
            (member_id,),
        )
        return [_share(r) for r in rows]

    async def author(self, share_id: int) -> int | None:
        """Who to tell of a decision or of responses: used only to address the author."""
        row = await self.db.fetchone("SELECT member_id FROM shares WHERE id = ?", (share_id,))
        return row[0] if row is not None else None

    async def since(self, member_id: int, since: datetime) -> int:
        row = await self.db.fetchone(
            "SELECT COUNT(*) FROM shares WHERE member_id = ? AND created_at >= ?",
            (member_id, stamp(since)),
        )
        return int(row[0]) if row is not None else 0

    async def decide(self, share_id: int, state: str, content_note: bool, now: datetime) -> bool:
        """A pending share approved or declined, once (two leads at once: one wins)."""
        rows = await self.db.write_returning(
            "UPDATE shares SET state = ?, content_note = ?, decided_at = ? "
            "WHERE id = ? AND state = 'pending' AND held = 0 RETURNING id",
            (state, int(content_note), stamp(now), share_id),
        )
        return bool(rows)

    async def delete(self, share_id: int) -> None:
        """The author removes it: the text goes, the row stays so its post can say so."""
        await self.db.execute(
            "UPDATE shares SET state = 'deleted', text = '' WHERE id = ?", (share_id,)
        )

    async def respond(self, share_id: int, member_id: int, kind: str, now: datetime) -> bool:
        """True when this is the member's first response of this kind."""
        rows = await self.db.write_returning(
            "INSERT INTO share_responses (share_id, member_id, kind, at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (share_id, member_id, kind) DO NOTHING RETURNING 1",
            (share_id, member_id, kind, stamp(now)),
        )
        return bool(rows)

    async def counts(self, share_id: int) -> dict[str, int]:
        rows = await self.db.fetchall(
            "SELECT kind, COUNT(*) FROM share_responses WHERE share_id = ? GROUP BY kind",
            (share_id,),
        )
        found = {r[0]: int(r[1]) for r in rows}
        return {kind: found.get(kind, 0) for kind in KINDS}

    # -- anonymous feedback to the leads ---------------------------------------------------
    async def add_feedback(
        self, community_id: int, member_id: int, text: str, now: datetime
    ) -> int:
        return await self.db.execute(
            "INSERT INTO feedback (community_id, member_id, text, created_at) VALUES (?, ?, ?, ?)",
            (community_id, member_id, text, stamp(now)),
        )

    async def feedback_since(self, member_id: int, since: datetime) -> int:
        row = await self.db.fetchone(
            "SELECT COUNT(*) FROM feedback WHERE member_id = ? AND created_at >= ?",
            (member_id, stamp(since)),
        )
        return int(row[0]) if row is not None else 0

    async def feedback(self, feedback_id: int) -> tuple[int, int | None] | None:
        """(community, author) of a feedback: the author only to send an answer back."""
        row = await self.db.fetchone(
            "SELECT community_id, member_id FROM feedback WHERE id = ?", (feedback_id,)
        )
        return (row[0], row[1]) if row is not None else None

    async def answered(self, feedback_id: int, now: datetime) -> None:
        await self.db.execute(
            "UPDATE feedback SET answered_at = ?, replying_by = NULL, replying_at = NULL "
            "WHERE id = ?",
            (stamp(now), feedback_id),
        )

    async def start_reply(self, feedback_id: int, lead_id: int, now: datetime) -> None:
        """The lead's next words in their direct chat answer this feedback (one at a time)."""
        async with self.db.transaction() as conn:
            await conn.execute(
                "UPDATE feedback SET replying_by = NULL, replying_at = NULL WHERE replying_by = ?",
                (lead_id,),
            )
            await conn.execute(
                "UPDATE feedback SET replying_by = ?, replying_at = ? WHERE id = ?",
                (lead_id, stamp(now), feedback_id),
            )

    async def replying(self, lead_id: int, since: datetime) -> int | None:
        """The feedback the lead is answering, pressed since then."""
        row = await self.db.fetchone(
            "SELECT id FROM feedback WHERE replying_by = ? AND replying_at >= ? "
            "ORDER BY replying_at DESC LIMIT 1",
            (lead_id, stamp(since)),
        )
        return int(row[0]) if row is not None else None
