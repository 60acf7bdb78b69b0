"""Ground rules: read, edited by leads, shown on join, and agreed to by members."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from bot.core.messages import Access, Actor, Change, Place
from bot.i18n import _, ngettext
from bot.storage.people import CommunityRepo, CommunityRow
from bot.storage.rules import RuleRepo

MAX_RULES = 20
MAX_RULE_CHARS = 300
MAX_ROLE_CHARS = 100  # Discord's limit for a role name
RESTRICT = "restrict"
ROLE = "role:"
# Which gate each platform can open; the console shows both, so either can be tried there.
GATES = {"discord": {"role"}, "telegram": {"restrict"}, "console": {"role", "restrict"}}


@dataclass(frozen=True)
class Gate:
    """What agreeing to a group's rules opens: a Discord role given, or a Telegram newcomer's
    read-only restriction lifted. Stored in one column as "restrict" or "role:<name>"."""

    kind: str  # "role" or "restrict"
    role: str | None = None

    @staticmethod
    def of(community: CommunityRow) -> Gate | None:
        stored = community.rules_gate
        if stored == RESTRICT:
            return Gate("restrict")
        if stored and stored.startswith(ROLE):
            return Gate("role", stored[len(ROLE) :])
        return None

    @property
    def stored(self) -> str:
        return RESTRICT if self.kind == "restrict" else f"{ROLE}{self.role}"


def role_name(text: str) -> str:
    """A role as a lead types it: "Members", "@Members" or Discord's mention "<@&123>" (kept as
    the id, which the Discord adapter also accepts)."""
    name = " ".join(text.split()).removeprefix("@")
    if name.startswith("<@&") and name.endswith(">"):
        name = name[3:-1]
    if not name:
        raise ValueError(_("name the role to give, like /rules gate role Members"))
    if len(name) > MAX_ROLE_CHARS:
        raise ValueError(
            ngettext(
                "a role name is at most {n} character",
                "a role name is at most {n} characters",
                MAX_ROLE_CHARS,
            ).format(n=MAX_ROLE_CHARS)
        )
    if name.casefold() in {"everyone", "here"}:
        raise ValueError(_("everyone has that role already; name a role members get on agreeing"))
    return name


class RuleService:
    def __init__(
        self,
        repo: RuleRepo,
        communities: CommunityRepo,
        defaults: Callable[[str | None], tuple[str, ...]],
    ) -> None:
        self.repo = repo
        self.communities = communities
        self.defaults = defaults

    async def list(self, community_id: int) -> list[str]:
        return await self.repo.list(community_id)

    async def add(self, community_id: int, text: str) -> int:
        rules = await self.repo.list(community_id)
        if len(rules) >= MAX_RULES:
            raise ValueError(
                ngettext(
                    "a community can have at most {n} rule",
                    "a community can have at most {n} rules",
                    MAX_RULES,
                ).format(n=MAX_RULES)
            )
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

    async def follow_language(self, community_id: int, before: str, after: str) -> bool:
        """When a group's language changes from `before` to `after`: its rules, if they are
        still Haven's defaults in `before` exactly, become the defaults in `after`. True when
        they did."""
        if before == after:
            return False
        if await self.repo.list(community_id) != list(self.defaults(before)):
            return False
        await self.repo.replace(community_id, list(self.defaults(after)))
        return True

    async def reset(self, community_id: int, language: str) -> None:
        """Haven's default rules, in `language` (the group's: they are posted to everyone)."""
        await self.repo.replace(community_id, list(self.defaults(language)))

    async def agree(self, community_id: int, member_id: int, now: datetime) -> bool:
        return await self.communities.agree(community_id, member_id, now)

    async def set_gate(self, community: CommunityRow, gate: Gate | None) -> None:
        """Raises ValueError for a gate this platform cannot open."""
        if gate is not None and gate.kind not in GATES.get(community.platform, set()):
            where = "Discord" if gate.kind == "role" else "Telegram"
            raise ValueError(
                _("{gate} works on {platform} groups only").format(gate=gate.kind, platform=where)
            )
        await self.communities.update(
            community.id, rules_gate=gate.stored if gate is not None else None
        )

    @staticmethod
    def on_join(community: CommunityRow, actor: Actor) -> Access | None:
        """A newcomer to a group that gates writing on the rules is restricted until they
        agree (Telegram); a role gate needs nothing at joining (the role is simply missing)."""
        gate = Gate.of(community)
        if gate is None or gate.kind != "restrict":
            return None
        return Access(Change.RESTRICT, actor, _group(community))

    @staticmethod
    def on_agree(community: CommunityRow, actor: Actor) -> Access | None:
        """What agreeing opens; made again on a repeated agreement, so a member whose role went
        missing (or whose first try failed) can simply agree again."""
        gate = Gate.of(community)
        if gate is None:
            return None
        if gate.kind == "role":
            return Access(Change.GIVE_ROLE, actor, _group(community), role=gate.role)
        return Access(Change.LIFT, actor, _group(community))

    @staticmethod
    def _check(number: int, rules: list[str]) -> None:
        if not rules:
            raise ValueError(
                _("there are no rules yet; add one with {usage}").format(usage="/rules add <text>")
            )
        if not 1 <= number <= len(rules):
            raise ValueError(
                _("rule number must be from 1 to {last}, not {number}").format(
                    last=len(rules), number=number
                )
            )


def _group(community: CommunityRow) -> Place:
    """The group itself, wherever the member asked from (agreeing works in a direct chat too):
    its chat (Telegram's restriction is per chat) and its key (a Discord guild's id)."""
    return Place(community.platform, community.chat_id, False, community.key, community.title)


def _same(text: str) -> str:
    """A rule as compared for repeats: case, spacing and closing punctuation do not count."""
    return " ".join(text.casefold().split()).rstrip(".!;:,")


def _refuse_repeat(others: list[str], text: str, numbered: list[str] | None = None) -> None:
    numbered = numbered if numbered is not None else others
    for rule in others:
        if _same(rule) == _same(text):
            raise ValueError(
                _("rule {number} already says that").format(number=numbered.index(rule) + 1)
            )
