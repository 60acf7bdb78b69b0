"""Ground rules: read, edited by leads, shown on join, and agreed to by members."""

from __future__ import annotations

from datetime import datetime

from bot.storage.people import CommunityRepo
from bot.storage.rules import RuleRepo

MAX_RULES = 20
MAX_RULE_CHARS = 300


class RuleService:
    def __init__(
        self, repo: RuleRepo, communities: CommunityRepo, defaults: tuple[str, ...]
    ) -> None:
        self.repo = repo
        self.communities = communities
        self.defaults = defaults

    async def list(self, community_id: int) -> list[str]:
        return await self.repo.list(community_id)

    async def add(self, community_id: int, text: str) -> int:
        rules = await self.repo.list(community_id)
        if len(rules) >= MAX_RULES:
            raise ValueError(f"a community can have at most {MAX_RULES} rules")
        _refuse_repeat(rules, text)
        rules.append(text)
        await self.repo.replace(community_id, rules)
        return len(rules)

    async def remove(self, community_id: int, number: int) -> str:
        rules = await self.repo.list(community_id)
        self._check(number, rules)
        removed = rules.pop(number - 1)
        await self.repo.replace(community_id, rules)
        return removed

    async def edit(self, community_id: int, number: int, text: str) -> None:
        rules = await self.repo.list(community_id)
        self._check(number, rules)
        _refuse_repeat(rules[: number - 1] + rules[number:], text, rules)
        rules[number - 1] = text
        await self.repo.replace(community_id, rules)

    async def move(self, community_id: int, number: int, to: int) -> None:
        rules = await self.repo.list(community_id)
        self._check(number, rules)
        self._check(to, rules)
        rules.insert(to - 1, rules.pop(number - 1))
        await self.repo.replace(community_id, rules)

    async def reset(self, community_id: int) -> None:
        await self.repo.replace(community_id, list(self.defaults))

    async def agree(self, community_id: int, member_id: int, now: datetime) -> bool:
        return await self.communities.agree(community_id, member_id, now)

    @staticmethod
    def _check(number: int, rules: list[str]) -> None:
        if not rules:
            raise ValueError("there are no rules yet; add one with /rules add <text>")
        if not 1 <= number <= len(rules):
            raise ValueError(f"rule number must be from 1 to {len(rules)}, not {number}")


def _same(text: str) -> str:
    """A rule as compared for repeats: case, spacing and closing punctuation do not count."""
    return " ".join(text.casefold().split()).rstrip(".!;:,")


def _refuse_repeat(others: list[str], text: str, numbered: list[str] | None = None) -> None:
    numbered = numbered if numbered is not None else others
    for rule in others:
        if _same(rule) == _same(text):
            raise ValueError(f"rule {numbered.index(rule) + 1} already says that")
