"""What a community is for (`/community focus grief`), and what that changes: which resource
topic comes first, which coping exercises and prompts are offered first, and a line in the
welcome. A group for grief and a group for burnout should not meet the same front page.

The focus is stored as its English word (a value, like a feeling) and shown in the reader's
language."""

from __future__ import annotations

from typing import TypeVar

from bot.i18n import NC_, pgettext, words_for

T = TypeVar("T")

GENERAL = "general"
# Every focus a lead may choose, with how it is shown (pgettext "focus").
FOCUSES: dict[str, str] = {
    GENERAL: NC_("focus", "general peer support"),
    "anxiety": NC_("focus", "anxiety"),
    "depression": NC_("focus", "depression"),
    "grief": NC_("focus", "grief and loss"),
    "burnout": NC_("focus", "burnout"),
    "stress": NC_("focus", "stress"),
    "loneliness": NC_("focus", "loneliness"),
    "recovery": NC_("focus", "recovery"),
    "trauma": NC_("focus", "trauma"),
    "self-care": NC_("focus", "self-care"),
}
# The resource topic (data/resources/<topic>.toml) each focus puts first.
TOPIC = {
    "anxiety": "anxiety",
    "depression": "depression",
    "grief": "grief",
    "burnout": "burnout",
    "stress": "stress",
    "loneliness": "loneliness",
    "recovery": "substance-use",
    "trauma": "trauma",
    "self-care": "self-care",
}
# The feelings whose coping exercises a focus offers first when a member names none.
FEELINGS = {
    "anxiety": ("anxious",),
    "depression": ("sad", "numb"),
    "grief": ("sad",),
    "burnout": ("tired", "overwhelmed"),
    "stress": ("stressed",),
    "loneliness": ("lonely",),
    "recovery": ("restless",),
    "trauma": ("overwhelmed", "anxious"),
    "self-care": ("tired",),
}


def focus_words() -> dict[str, str]:
    """Every catalogue's one-word name of a focus ("ansiedad", "Trauer") to the focus."""
    key_of = {shown: key for key, shown in FOCUSES.items()}
    return {form: key_of[shown] for form, shown in words_for("focus", FOCUSES.values()).items()}


def focus_shown(focus: str | None) -> str:
    """A focus in the reader's language ("duelo y pérdida")."""
    return pgettext("focus", FOCUSES.get(focus or GENERAL, FOCUSES[GENERAL]))


def first_by_focus(items: list[T], fits: list[bool]) -> list[T]:
    """`items` with those that fit the focus first, each group in its own order."""
    return [i for i, f in zip(items, fits, strict=True) if f] + [
        i for i, f in zip(items, fits, strict=True) if not f
    ]
