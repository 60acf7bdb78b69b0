"""The mood scale and feeling words members pick from when they check in.

Kept in one place so the keyboards, summaries and storage validation all agree
on what a valid check-in looks like.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.i18n import NC_, pgettext, words_for

MIN_MOOD = 1
MAX_MOOD = 5
# Long enough for a real reflection, short enough to fit one chat message.
MAX_NOTE_CHARS = 1000


@dataclass(frozen=True)
class Mood:
    """One point on the scale, with the gentle word and emoji shown to the member.

    Words are deliberately plain ("low", not "depressed"): a check-in is not a diagnosis.
    """

    value: int
    word: str  # English, as stored and parsed; `shown` is the member's language
    emoji: str

    @property
    def shown(self) -> str:
        return pgettext("mood", self.word)


MOODS: dict[int, Mood] = {
    mood.value: mood
    for mood in (
        Mood(1, NC_("mood", "awful"), "😞"),
        Mood(2, NC_("mood", "low"), "🙁"),
        Mood(3, NC_("mood", "okay"), "😐"),
        Mood(4, NC_("mood", "good"), "🙂"),
        Mood(5, NC_("mood", "great"), "😄"),
    )
}

# Ordered from harder to easier feelings so buttons read naturally; a member may pick several.
FEELINGS: tuple[str, ...] = (
    NC_("feeling", "anxious"),
    NC_("feeling", "stressed"),
    NC_("feeling", "overwhelmed"),
    NC_("feeling", "sad"),
    NC_("feeling", "lonely"),
    NC_("feeling", "angry"),
    NC_("feeling", "tired"),
    NC_("feeling", "numb"),
    NC_("feeling", "restless"),
    NC_("feeling", "hopeful"),
    NC_("feeling", "calm"),
    NC_("feeling", "grateful"),
    NC_("feeling", "content"),
    NC_("feeling", "proud"),
)


def feeling_shown(feeling: str) -> str:
    """A feeling (kept in English) in the member's language."""
    return pgettext("feeling", feeling)


def feeling_words() -> dict[str, str]:
    """Every catalogue's word for each feeling (with or without accents) to the feeling."""
    return words_for("feeling", FEELINGS)
