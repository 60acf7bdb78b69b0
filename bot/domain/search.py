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
    "germany": "DE",
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


# What a resource is, and how a list names one and several. One word each, so `/resources add`
# takes it.
KINDS: dict[str, tuple[str, str]] = {
    "article": ("article", "articles"),
    "book": ("book", "books"),
    "podcast": ("podcast", "podcasts"),
    "app": ("app", "apps"),
    "helpline": ("helpline", "helplines"),
    "course": ("course", "courses"),
    "directory": ("therapist directory", "therapist directories"),
    "group": ("support group", "support groups"),
    "video": ("video", "videos"),
}
# Words that ask for a kind rather than a subject: `/resources books`, `/resources sleep apps`.
KIND_WORDS: dict[str, str] = {
    **{kind: kind for kind in KINDS},
    **{f"{kind}s": kind for kind in KINDS if kind not in ("directory",)},
    "reading": "book",
    "workbook": "book",
    "workbooks": "book",
    "audio": "podcast",
    "hotline": "helpline",
    "hotlines": "helpline",
    "directories": "directory",
    "therapist": "directory",
    "therapists": "directory",
    "counsellor": "directory",
    "counsellors": "directory",
    "counselor": "directory",
    "counselors": "directory",
    "programme": "course",
    "programmes": "course",
    "program": "course",
    "programs": "course",
    "meetings": "group",
}


_KIND_TYPO_CHARS = 6  # shorter near misses are other words ("curse" is no "course")


# Words that carry no subject in a request ("find me a therapist near me"): never searched.
STOPWORDS = frozenset(
    [
        "an",
        "and",
        "any",
        "for",
        "find",
        "in",
        "looking",
        "me",
        "my",
        "near",
        "need",
        "of",
        "on",
        "or",
        "please",
        "some",
        "the",
        "to",
        "want",
        "with",
    ]
)


def asked_kinds(terms: Sequence[str]) -> tuple[set[str], list[str]]:
    """The kinds a search asks for (a near miss of a longer kind word too: "podcst"), and the
    terms left to search the subject with (without STOPWORDS)."""
    kinds: set[str] = set()
    rest: list[str] = []
    for term in terms:
        word = term
        if word not in KIND_WORDS and len(word) >= _KIND_TYPO_CHARS:
            near = difflib.get_close_matches(word, KIND_WORDS, n=1, cutoff=0.85)
            word = near[0] if near else word
        if word in KIND_WORDS:
            kinds.add(KIND_WORDS[word])
        elif term not in STOPWORDS:
            rest.append(term)
    return kinds, rest


# Words members search with that the entries say otherwise: each also searches its kin (words
# for a kind, "books" or "apps", choose the kind instead: KIND_WORDS).
SYNONYMS: dict[str, tuple[str, ...]] = {
    "mindfulness": ("meditation", "relaxation", "calm", "breathing"),
    "meditation": ("mindfulness", "relaxation", "calm", "breathing"),
    "breathing": ("relaxation", "calm"),
    "relax": ("relaxation", "calm"),
    "therapy": ("therapist", "therapists", "counselling", "counseling", "treatment"),
    "counseling": ("counselling", "therapy"),
    "counselling": ("counseling", "therapy"),
}


def with_synonyms(terms: Sequence[str]) -> list[str]:
    """The terms and their kin, each once, the member's own first."""
    return list(dict.fromkeys([*terms, *(k for t in terms for k in SYNONYMS.get(t, ()))]))
