"""A community's ground rules, kept in order by a dense `position` (1, 2, 3, ...)."""

from __future__ import annotations

from bot.storage.store import Engine


class RuleRepo:
    def __init__(self, db: Engine) -> None:
        self.db = db

    async def list(self, community_id: int) -> list[str]:
        rows = await self.db.fetchall(
            "SELECT text FROM rules WHERE community_id = ? ORDER BY position", (community_id,)
        )
        return [r[0] for r in rows]

    async def replace(self, community_id: int, rules: list[str]) -> None:
        """Every edit rewrites the list in one transaction, so positions never have gaps."""
        async with self.db.transaction() as conn:
            await conn.execute("DELETE FROM rules WHERE community_id = ?", (community_id,))
            await conn.executemany(
                "INSERT INTO rules (community_id, position, text) VALUES (?, ?, ?)",
                [(community_id, i, text) for i, text in enumerate(rules, start=1)],
            )
