"""Text normalisation and typo-forgiving term matching for resource search.

People searching for help are often typing on a phone while upset; a search
that returns nothing for "anxeity" fails them at the worst moment, so queries
are normalised and misspelt terms are nudged toward words we actually index.
"""

from __future__ import annotations

import difflib
import unicodedata
from collections.abc import Collection, Sequence

_MIN_TOKEN_CHARS = 2
_MIN_PREFIX_CHARS = 3  # shorter prefixes ("an") match too much to be meaningful
_CLOSE_MATCH_CUTOFF = 0.75


def normalise(text: str) -> str:
    """Fold text so that width, case, compatibility forms and spacing never matter.

    NFKC turns full-width and ligature forms into plain letters, and casefold
    handles cases that ``lower`` misses (German "ß" matches "ss").
    """
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def _is_word_char(char: str) -> bool:
    """Letters, digits and combining marks, so scripts such as Devanagari stay whole words."""
    return unicodedata.category(char)[0] in "LNM"


def tokenize(text: str) -> list[str]:
    """Split into normalised words, dropping one-character fragments that only add noise."""
    tokens: list[str] = []
    current: list[str] = []
    for char in normalise(text) + " ":
        if _is_word_char(char):
            current.append(char)
            continue
        if len(current) >= _MIN_TOKEN_CHARS:
            tokens.append("".join(current))
        current = []
    return tokens


def correct_terms(terms: Sequence[str], vocabulary: Collection[str]) -> list[str]:
    """Replace likely typos with the closest known word; keep everything else as typed.

    Known words and prefixes of known words are kept so that someone still
    typing ("sle") is not "corrected" away from what they meant. Unknown words
    with no close match are kept too: they may still match free text elsewhere.
    """
    known = set(vocabulary)
    # Sorted so ties between equally close words resolve the same way every run.
    candidates = sorted(known)
    corrected: list[str] = []
    for term in terms:
        if term in known or _is_known_prefix(term, candidates):
            corrected.append(term)
            continue
        matches = difflib.get_close_matches(term, candidates, n=1, cutoff=_CLOSE_MATCH_CUTOFF)
        corrected.append(matches[0] if matches else term)
    return corrected


def _is_known_prefix(term: str, candidates: Sequence[str]) -> bool:
    return len(term) >= _MIN_PREFIX_CHARS and any(word.startswith(term) for word in candidates)


# Country words in the shipped entries' tags, so a list can put the reader's country first.
COUNTRY_TAGS = {
    "uk": "GB",
    "nhs": "GB",
    "us": "US",
    "usa": "US",
    "canada": "CA",
    "australia": "AU",
    "ireland": "IE",
    "new-zealand": "NZ",
    "nz": "NZ",
    "india": "IN",
}


def tag_countries(tags: Sequence[str]) -> frozenset[str]:
    """The countries an entry is for, from its tags; empty for an entry for everyone."""
    return frozenset(COUNTRY_TAGS[t] for t in tags if t in COUNTRY_TAGS)


def by_country(countries: Sequence[frozenset[str]], country: str | None) -> list[int]:
    """Positions in the order to show them: entries for `country` first, then those for
    everyone, then those for other countries; otherwise as given (best match first). With no
    country known, as given."""
    if country is None:
        return list(range(len(countries)))

    def rank(i: int) -> tuple[int, int]:
        found = countries[i]
        if country in found:
            return (0, i)
        return (1, i) if not found else (2, i)

    return sorted(range(len(countries)), key=rank)


# Words members search with that the entries say otherwise: each also searches its kin.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "mindfulness": ("meditation", "relaxation", "calm", "breathing"),
    "meditation": ("mindfulness", "relaxation", "calm", "breathing"),
    "breathing": ("relaxation", "calm"),
    "relax": ("relaxation", "calm"),
    "podcast": ("audio", "podcasts"),
    "podcasts": ("audio", "podcast"),
    "audio": ("podcast", "podcasts"),
    "book": ("books", "reading"),
    "books": ("book", "reading"),
    "app": ("apps",),
    "apps": ("app",),
    "hotline": ("helpline", "helplines", "phone"),
    "helpline": ("hotline", "helplines", "phone"),
    "therapy": ("therapist", "therapists", "counselling", "counseling", "treatment"),
    "therapist": ("therapy", "counselling", "counseling"),
    "counseling": ("counselling", "therapy"),
    "counselling": ("counseling", "therapy"),
    "course": ("courses", "skills", "programme", "program"),
    "video": ("videos",),
    "videos": ("video",),
}


def with_synonyms(terms: Sequence[str]) -> list[str]:
    """The terms and their kin, each once, the member's own first."""
    return list(dict.fromkeys([*terms, *(k for t in terms for k in SYNONYMS.get(t, ()))]))
