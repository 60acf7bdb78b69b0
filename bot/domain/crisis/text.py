"""How the crisis screen reads a text: folded, disguises undone, cut into sentences and words.

Every step is linear in the text and the text is cut to `MAX_CHARS` first (the longest message
any platform delivers), so no message, however hostile, can hold the event loop.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from unicodedata import category, normalize

MAX_CHARS = 4096  # Telegram's longest message; Discord's is shorter
LETTER = r"[^\W\d_]"
DROP = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Mn", "Me"})  # invisible, or marks on letters
HIDDEN = frozenset("\u115f\u1160\u3164\uffa0\u2800'’‘ʼʻ`")  # blank letters; "don't" is "dont"
ASCII_HIDDEN = str.maketrans(
    "", "", "'`" + "".join(map(chr, (*range(0, 9), 11, 12, *range(14, 32), 127)))
)
LOOKALIKES = "аеорсухіјѕԁӏкмтнвαεικνορτυı"
HOMOGLYPHS = str.maketrans(LOOKALIKES, "aeopcyxijsdlkmthbaeikvoptui")
LOOKALIKE = re.compile(f"[{LOOKALIKES}]")
# Emoji members use for words the rules know; read as those words (in English, which every text
# is also read in).
EMOJI = str.maketrans(
    {
        "💊": " pill ",
        "🔫": " gun ",
        "🪢": " rope ",
        "🔪": " knife ",
        "🗡": " knife ",
        "🌉": " bridge ",
        "🚆": " train ",
        "🚂": " train ",
        "🚄": " train ",
        "🚇": " train ",
        "🚌": " bus ",
        "🚗": " car ",
        "☠": " dead ",
        "💀": " dead ",
        "🪦": " grave ",
        "⚰": " coffin ",
        "🔚": " end ",
        "🩸": " blood ",
        "🩹": " bandage ",
        "👊": " punch ",
        "😴": " sleep ",
        "⏰": " alarm ",
        "🫡": " salute ",
        "👋": " bye ",
        "📝": " note ",
        "✉": " letter ",
        "💨": " poof ",
        "☄": " meteor ",
        "🌊": " water ",
        "🏢": " building ",
        "🧗": " climb ",
        "🪜": " ladder ",
        "⬇": " down ",
        "🍷": " wine ",
        "🍺": " beer ",
    }
)
LEET = dict(zip("@$!|013457", "asiloieast", strict=True))
LEETSPEAK = re.compile(rf"(?<={LETTER})([!|](?={LETTER})|[@$013457])|[@$013457](?={LETTER})")
MAX_UNMASKED = 64  # masked words read in one text: a hostile text of asterisks stays cheap
SPELLED_OUT = re.compile(rf"\b{LETTER}(?:[^\w\n]{{1,3}}{LETTER}\b){{2,}}")  # "k m s", "d.i.e"
MASKED = re.compile(rf"\b\w*{LETTER}[*#_]+{LETTER}\w*\b|\b{LETTER}+[*#_]+(?!\w)")  # "s*icide"
SENTENCE = re.compile(r"(?<=[.!?…])\s+|\n+|(?<=[.!?])(?=[A-ZÀ-Þ])")
# Ends a clause ("end.my.life" is one): a hard break (a full stop, a dash, a new line) or a
# soft one (a comma). Negation never reaches across either; a statement may be allowed to run
# across commas in a language whose grammar puts them inside one thought (German).
BREAK = re.compile(r"([.!?;:…]+(?=\s|$)|\n|\s[-–—]\s)|(,+)(?=\s|$)")
HARD, SOFT = 2, 1
WORD = re.compile(r"[^\W_]+")
REPEATS = re.compile(rf"({LETTER})\1+")


def fold(text: str) -> str:
    """NFKC and case folding, then marks, zero-width and bidi controls removed: styled letters
    ("𝐝𝐢𝐞", "ｄｉｅ"), marks ("d̶i̶e̶") and hidden characters are common ways to dodge a list.
    Accents go too, so "é" and "e", "ü" and "u" read alike (members often leave them out)."""
    if text.isascii():  # the common case, without a pass over every character in Python
        return text.lower().translate(ASCII_HIDDEN)
    folded = normalize("NFKD", normalize("NFKC", text).casefold().translate(EMOJI))
    return normalize("NFKC", folded.translate(_KEPT)).replace("ß", "ss")


class _Kept(dict[int, int | None]):
    """A translate table that drops invisible characters and marks: each character is looked
    at once (then str.translate finds it in C), so folding stays fast on long texts."""

    def __missing__(self, code: int) -> int | None:
        char = chr(code)
        drop = not char.isspace() and (char in HIDDEN or category(char) in DROP)
        if len(self) < 100_000:
            self[code] = None if drop else code
        return None if drop else code


_KEPT = _Kept()


def squeeze(text: str) -> str:
    """Repeated letters become one, so "diiie", "kill" and "kil" all read alike."""
    return REPEATS.sub(r"\1", text)


def normalise(text: str) -> str:
    """The text as the screen reads it: folded, letters squeezed, whitespace collapsed."""
    return " ".join(squeeze(fold(text)).split())


def decode(folded: str, unmask: Callable[[str], str] | None = None) -> str:
    """The folded text with its disguises undone: leetspeak and lookalike letters decoded,
    masked words ("s*icide") read as the known word they hide (`unmask`), spelled-out letters
    joined. Each check is a quick search first, so plain text costs almost nothing."""
    decoded = folded
    if not decoded.isascii() and LOOKALIKE.search(decoded):
        decoded = decoded.translate(HOMOGLYPHS)
    if LEETSPEAK.search(decoded):
        decoded = LEETSPEAK.sub(lambda m: LEET[m[0]], decoded)
    if unmask is not None and ("*" in decoded or "#" in decoded or "_" in decoded):
        decoded = MASKED.sub(lambda m: unmask(m[0]), decoded, count=MAX_UNMASKED)
    if SPELLED_OUT.search(decoded):
        decoded = SPELLED_OUT.sub(lambda m: re.sub(r"\W", "", m[0]), decoded)
    return decoded


def forms(folded: str, unmask: Callable[[str], str] | None = None) -> Iterator[str]:
    """The folded text, and its decoded reading when that differs."""
    yield folded
    if (decoded := decode(folded, unmask)) != folded:
        yield decoded


def sentences(text: str) -> list[str]:
    """Sentences (and lines), so a crisis line buried in a long message is judged on its own."""
    return [s for s in SENTENCE.split(text) if s.strip()]


def tokens(sentence: str) -> list[tuple[str, int]]:
    """Words, each with the break that comes right before it: HARD, SOFT (a comma) or 0."""
    parts = BREAK.split(squeeze(sentence))
    found: list[tuple[str, int]] = []
    kind = HARD  # a sentence starts as after a hard break
    for at in range(0, len(parts), 3):
        for i, word in enumerate(WORD.findall(parts[at])):
            found.append((word, kind if i == 0 else 0))
        if at + 2 < len(parts):
            kind = HARD if parts[at + 1] else SOFT
    return found
