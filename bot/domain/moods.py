"""The mood scale and feeling words members pick from when they check in.

Kept in one place so the keyboards, summaries and storage validation all agree
on what a valid check-in looks like.
"""

from __future__ import annotations

from dataclasses import dataclass

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
    word: str
    emoji: str


MOODS: dict[int, Mood] = {
    mood.value: mood
    for mood in (
        Mood(1, "awful", "😞"),
        Mood(2, "low", "🙁"),
        Mood(3, "okay", "😐"),
        Mood(4, "good", "🙂"),
        Mood(5, "great", "😄"),
    )
}

# Ordered from harder to easier feelings so buttons read naturally; a member may pick several.
FEELINGS: tuple[str, ...] = (
    "anxious",
    "stressed",
    "overwhelmed",
    "sad",
    "lonely",
    "angry",
    "tired",
    "numb",
    "restless",
    "hopeful",
    "calm",
    "grateful",
    "content",
    "proud",
)
