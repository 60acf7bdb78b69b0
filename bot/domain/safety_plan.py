"""A member's safety plan: the steps of the Stanley–Brown Safety Planning Intervention.

Stanley, B. & Brown, G. K. (2012), "Safety Planning Intervention: A Brief Intervention to
Mitigate Suicide Risk", Cognitive and Behavioral Practice 19(2): 256–264. The plan is a short
list in the member's own words, written when they are calm, that they can read when things get
hard. Its texts (questions, headings) live in data/texts/safety/<language>.toml beside the
crisis replies, because a crisis reply shows the plan first. Pure rules, no I/O.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from bot.domain.quotes import quoted
from bot.i18n import _, ngettext

# In the model's order; "reasons" is the template's closing line ("the one thing that is most
# important to me"), asked last and optional like every step.
STEPS = ("signs", "coping", "distractions", "people", "professionals", "safer", "reasons")
MAX_ITEMS = 8  # per step
MAX_ITEM = 200  # characters per item
EXCERPT_ITEMS = 3  # per step, inside a crisis reply
EXCERPT_ITEM = 80
SPLIT = re.compile(r"[\n;•·]+|(?:^|\s)-\s")


class PlanError(ValueError):
    """What is wrong with an answer, in words for the member."""


def _visible(text: str) -> str:
    """The text with invisible characters removed, so a note of only zero-width spaces is
    recognised as empty."""
    kept = (c for c in text if unicodedata.category(c) not in {"Cc", "Cf", "Zl", "Zp"})
    return " ".join("".join(kept).split())


def parse_items(text: str) -> list[str]:
    """One or more items, separated by new lines, ';' or bullets. Raises PlanError."""
    items = [_visible(part) for part in SPLIT.split(text)]
    items = [item for item in items if item.strip(" .,-")]
    if not items:
        raise PlanError(_("that answer was empty; write a few words, or press Skip"))
    if len(items) > MAX_ITEMS:
        raise PlanError(
            ngettext(
                "at most {n} item a step; keep the one that helps most",
                "at most {n} items a step; keep the ones that help most",
                MAX_ITEMS,
            ).format(n=MAX_ITEMS)
        )
    if too_long := next((i for i in items if len(i) > MAX_ITEM), None):
        raise PlanError(
            ngettext(
                "each item can be up to {n} character ({given} given); split it with ';'",
                "each item can be up to {n} characters ({given} given); split it with ';'",
                MAX_ITEM,
            ).format(n=MAX_ITEM, given=len(too_long))
        )
    return list(dict.fromkeys(items))


def step_of(name: str) -> str:
    """A step's key from what a member typed: its key or its number (1-7)."""
    key = name.strip().casefold()
    if key.isdigit() and 1 <= int(key) <= len(STEPS):
        return STEPS[int(key) - 1]
    if key not in STEPS:
        raise PlanError(
            _("unknown step {step}; the steps are {steps}").format(
                step=quoted(name, 20), steps=", ".join(STEPS)
            )
        )
    return key


def next_step(after: str | None) -> str | None:
    """The step that follows (None after the last); None as `after` means the first."""
    if after is None:
        return STEPS[0]
    at = STEPS.index(after) + 1
    return STEPS[at] if at < len(STEPS) else None


@dataclass(frozen=True)
class SafetyPlan:
    """Items by step; a step never answered is absent, a skipped one is absent too."""

    items: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    @classmethod
    def of(cls, data: Mapping[str, Iterable[str]]) -> SafetyPlan:
        return cls({k: tuple(v) for k, v in data.items() if k in STEPS and v})

    def with_step(self, step: str, items: Iterable[str]) -> SafetyPlan:
        updated = {**self.items, step: tuple(items)}
        return SafetyPlan({k: v for k in STEPS if (v := updated.get(k, ()))})

    def as_dict(self) -> dict[str, list[str]]:
        return {k: list(self.items[k]) for k in STEPS if k in self.items}

    @property
    def empty(self) -> bool:
        return not self.items

    def render(self, titles: Mapping[str, str], heading: str, *, excerpt: bool = False) -> str:
        """The plan under its heading, step by step. An excerpt (inside a crisis reply) keeps
        each step to a few short items so the reply stays within every platform's limit."""
        lines = [heading]
        for number, step in enumerate(STEPS, 1):
            items = self.items.get(step, ())
            if not items:
                continue
            shown = items[:EXCERPT_ITEMS] if excerpt else items
            if excerpt:
                shown = tuple(_cut(item, EXCERPT_ITEM) for item in shown)
            more = " …" if excerpt and len(items) > EXCERPT_ITEMS else ""
            lines.append(f"{number}. {titles[step]}: {'; '.join(shown)}{more}")
        return "\n".join(lines)


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
