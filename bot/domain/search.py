"""Text normalisation and typo-forgiving term matching for resource search.

People searching for help are often typing on a phone while upset; a search
that returns nothing for "anxeity" fails them at the worst moment, so queries
are normalised and misspelt terms are nudged toward words we actually index.
"""

from __future__ import annotations

import difflib
import functools
import unicodedata
from collections.abc import Collection, Sequence

from bot.i18n import NC_, words_for

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
    # The resources in other languages are tagged with their country's ISO code.
    "es": "ES",
    "mx": "MX",
    "ar": "AR",
    "co": "CO",
    "cl": "CL",
    "de": "DE",
    "at": "AT",
    "ch": "CH",
    "fr": "FR",
    "be": "BE",
    "ca": "CA",
    "québec": "CA",
    "br": "BR",
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


# What a resource is (one word each, so `/resources add` takes it), and how a list names one
# and several, in English: shown with pgettext("resource kind", one) and
# pgettext("resource kinds", several), in the reader's language.
KINDS: dict[str, tuple[str, str]] = {
    "article": (NC_("resource kind", "article"), NC_("resource kinds", "articles")),
    "book": (NC_("resource kind", "book"), NC_("resource kinds", "books")),
    "podcast": (NC_("resource kind", "podcast"), NC_("resource kinds", "podcasts")),
    "app": (NC_("resource kind", "app"), NC_("resource kinds", "apps")),
    "helpline": (NC_("resource kind", "helpline"), NC_("resource kinds", "helplines")),
    "course": (NC_("resource kind", "course"), NC_("resource kinds", "courses")),
    "directory": (
        NC_("resource kind", "therapist directory"),
        NC_("resource kinds", "therapist directories"),
    ),
    "group": (NC_("resource kind", "support group"), NC_("resource kinds", "support groups")),
    "video": (NC_("resource kind", "video"), NC_("resource kinds", "videos")),
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


@functools.cache
def kind_words() -> dict[str, str]:
    """KIND_WORDS and every catalogue's words for the kinds ("libros", "Bücher", "livres",
    "aplicativos"), accents optional: what a member types in their language asks for a kind."""
    english = {one: kind for kind, (one, _several) in KINDS.items()}
    english |= {several: kind for kind, (_one, several) in KINDS.items()}
    found = {
        form: english[word]
        for context in ("resource kind", "resource kinds")
        for form, word in words_for(context, english).items()
    }
    return {**found, **KIND_WORDS}


def asked_kinds(terms: Sequence[str]) -> tuple[set[str], list[str]]:
    """The kinds a search asks for (a near miss of a longer kind word too: "podcst"), in any
    language Haven has, and the terms left to search the subject with (without STOPWORDS)."""
    kinds: set[str] = set()
    rest: list[str] = []
    known = kind_words()
    for term in terms:
        word = term
        if word not in known and len(word) >= _KIND_TYPO_CHARS:
            near = difflib.get_close_matches(word, known, n=1, cutoff=0.85)
            word = near[0] if near else word
        if word in known:
            kinds.add(known[word])
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
