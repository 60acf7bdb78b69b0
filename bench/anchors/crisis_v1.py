"""The crisis screen: does a text addressed to the bot suggest someone may be in danger?

Every text passes here first, so it must never raise and must stay fast on any input. Words live
in data/crisis/lexicon.toml so reviewers can change them without touching code. It leans toward
answering (a gentle reply to a false alarm costs far less than silence): a negation only clears
a statement it clearly governs, and an idiom only hides a phrase lying wholly inside it."""

from __future__ import annotations

import itertools
import math
import re
import tomllib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from unicodedata import category, normalize

Phrases = Iterable[str] | Mapping[str, Iterable[str]]  # a list, or lists by category
Alternative = tuple[str, ...]  # normalised words; a lone word ending in "*" is a stem
Slot = dict[str, list[Alternative]]  # alternatives by first word; "*": stems, "": the empty one
Entry = tuple[str, tuple[Slot, ...]]  # "category: phrase as written", and its slots

LETTER = r"[^\W\d_]"
DROP = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Mn", "Me"})  # invisible, or marks on letters
HIDDEN = frozenset("\u115f\u1160\u3164\uffa0\u2800'’‘ʼʻ`")  # blank letters; "don't" is "dont"
HOMOGLYPHS = str.maketrans("аеорсухіјѕԁӏкмтнвαεικνορτυı", "aeopcyxijsdlkmthbaeikvoptui")
LEET = dict(zip("@$!|013457", "asiloieast", strict=True))
LEETSPEAK = re.compile(rf"(?<={LETTER})([!|](?={LETTER})|[@$013457])|[@$013457](?={LETTER})")
SPELLED_OUT = re.compile(rf"\b{LETTER}(?:[^\w\n]{{1,3}}{LETTER}\b){{2,}}")  # "k m s", "d.i.e"
BREAK = re.compile(r"[.!?;:,]+(?=\s|$)|\n")  # ends a clause; "end.my.life" is one clause
WORD = re.compile(r"[^\W_]+")
REPEATS = re.compile(rf"({LETTER})\1+")
GROUP = re.compile(r"\{(\w+)\}")
SLOT = re.compile(r"\(([^()]*)\)|([^\s()]+)")
MIN_INSIDE = (6, 8)  # shortest one-word / several-word phrase looked for inside a longer word
MAX_SPELLINGS = 64  # phrases with more spellings than this are not looked for inside words
CUE_KEYS = ("cues", "not_negations")  # [negation] lists of cues, each up to four words


def _fold(text: str) -> str:
    """NFKC and case folding, then marks, zero-width and bidi controls removed: styled letters
    ("𝐝𝐢𝐞", "ｄｉｅ"), marks ("d̶i̶e̶") and hidden characters are common ways to dodge a list."""
    folded = normalize("NFKD", normalize("NFKC", text).casefold())
    kept = (c for c in folded if c.isspace() or not (c in HIDDEN or category(c) in DROP))
    return normalize("NFKC", "".join(kept))


def squeeze(text: str) -> str:
    """Repeated letters become one, so "diiie", "kill" and "kil" all read alike."""
    return REPEATS.sub(r"\1", text)


def normalise(text: str) -> str:
    """The text as the screen reads it: folded, letters squeezed, whitespace collapsed."""
    return " ".join(squeeze(_fold(text)).split())


def _tokens(folded: str) -> list[tuple[str, bool]]:
    """Words, each flagged when it starts a clause (negation does not reach across clauses)."""
    clauses = (WORD.findall(clause) for clause in BREAK.split(folded))
    return [(word, i == 0) for words in clauses for i, word in enumerate(words)]


@dataclass(frozen=True, repr=False)  # tables too long to print in a test failure
class _Vocabulary:
    """Reads texts and phrases alike, so a reviewer's spelling and a member's always agree."""

    rewrites: Mapping[tuple[str, ...], tuple[str, ...]]
    skip: frozenset[str]
    leetspeak: bool

    @classmethod
    def build(cls, options: Mapping[str, Any]) -> _Vocabulary:
        plain = cls({}, frozenset(), False)
        pairs = [(tuple(plain.words(k)), v) for k, v in options.get("rewrites", {}).items()]
        if any(not 1 <= len(key) <= 2 for key, _ in pairs):
            raise ValueError("a rewrite must replace one or two words")
        table = {key: tuple(plain.words(value)) for key, value in pairs}
        skip = frozenset(w for s in options.get("skip", ()) for w in plain.words(s))
        return cls(table, skip, options.get("leetspeak", True))

    def words(self, text: str) -> list[str]:
        """A phrase's words (leetspeak and spelled-out letters only undo dodges in texts)."""
        return self._finish(_tokens(squeeze(_fold(text))))[0]

    def alternative(self, text: str) -> Alternative:
        """One alternative of a phrase slot: "" is the empty one, "stem*" a lone stem."""
        words, stem = self.words(text), text.strip().endswith("*")
        if text.strip() and not words:
            raise ValueError(f"{text!r} reads as nothing (skipped words?); use () for optional")
        if stem and (len(words) > 1 or len(words[0]) < 3):
            raise ValueError(f"a stem* is one word of three letters or more: {text!r}")
        return (words[0] + "*",) if stem else tuple(words)

    def variants(self, text: str) -> Iterator[tuple[list[str], list[bool]]]:
        """Each reading of a text: as written, spelled-out letters joined, leetspeak decoded."""
        folded = _fold(text)
        forms = [folded]
        if self.leetspeak:  # lookalike letters, and digits or symbols next to letters ("k1ll")
            forms.append(LEETSPEAK.sub(lambda m: LEET[m[0]], folded).translate(HOMOGLYPHS))
        forms += [SPELLED_OUT.sub(lambda m: re.sub(r"\W", "", m[0]), f) for f in forms]
        for form in dict.fromkeys(forms):
            yield self._finish(_tokens(squeeze(form)))

    def _finish(self, tokens: list[tuple[str, bool]]) -> tuple[list[str], list[bool]]:
        """Rewritten, skip words dropped; breaks[i] says a clause break comes before words[i]."""
        words: list[str] = []
        breaks: list[bool] = []
        pending, i = False, 0
        while i < len(tokens):
            pending = pending or tokens[i][1]
            pair = (tokens[i][0], tokens[i + 1][0]) if i + 1 < len(tokens) else ()
            key = pair if pair in self.rewrites else (tokens[i][0],)
            for word in self.rewrites.get(key, key):
                if word not in self.skip:
                    words.append(word)
                    breaks.append(pending)
                    pending = False
            i += len(key)
        breaks.append(pending)  # so breaks[len(words)] exists
        return words, breaks


def _fits(alternative: Alternative, words: list[str], at: int) -> bool:
    if alternative and alternative[0][-1] == "*":  # a stem is always a lone word
        return at < len(words) and words[at].startswith(alternative[0][:-1])
    return tuple(words[at : at + len(alternative)]) == alternative


def _ends(slots: tuple[Slot, ...], words: list[str], start: int) -> set[int]:
    """Where a phrase at `start` ends: a lookup per slot, not a scan of "{who}" and its 70."""
    here = {start}
    for slot in slots:
        here = {
            at + len(alt)
            for at in here
            for key in (words[at] if at < len(words) else "", "*", "")
            for alt in slot.get(key, ())
            if _fits(alt, words, at)
        }
    return here


def _expand(phrase: str, groups: Mapping[str, Iterable[str]], depth: int = 0) -> str:
    """Turns "{who}" into "(he|she|...)"; a group may list another group, as "{family}"."""

    def group(match: re.Match[str]) -> str:
        if match[1] not in groups or depth > 3:
            raise ValueError(f"unknown or circular group {match[0]} in {phrase!r}")
        entries = (_expand(e, groups, depth + 1).strip("()") for e in groups[match[1]])
        return "(" + "|".join(entries) + ")"

    return GROUP.sub(group, phrase)


def _keys(alt: Alternative, rest: tuple[tuple[Alternative, ...], ...]) -> set[Any]:
    """Index keys: (first, second word) pairs when known exactly, else the first word alone."""
    if len(alt) > 1:
        return {alt[:2]}
    seconds: set[str] = set()
    for slot in () if alt[0][-1] == "*" else rest:
        seconds |= {a[0] for a in slot if a}
        if all(slot):  # no empty alternative, so the second word is one of these
            stem = any(w[-1] == "*" for w in seconds)
            return {alt[0]} if stem else {(alt[0], w) for w in seconds}
    return {alt[0]}  # the phrase may end after its first word


@dataclass(frozen=True, repr=False)
class _Index:
    """Phrases by their first two words (or first word, or stem), so each word of a long text
    costs a few dictionary lookups and ordinary text rarely yields a candidate at all."""

    exact: dict[Any, list[Entry]]
    stems: dict[str, list[tuple[str, Entry]]]  # by the stem's first three letters
    inside: dict[str, Any]  # a letter trie of phrases written run together ("#killmyself")

    @classmethod
    def build(cls, entries: Phrases, vocab: _Vocabulary, groups: Mapping[str, Any]) -> _Index:
        index = cls({}, {}, {})
        labelled = entries.items() if isinstance(entries, Mapping) else [("", entries)]
        for kind, text in ((k, p) for k, phrases in labelled for p in phrases if p.strip()):
            expanded = _expand(text, groups)
            slots = tuple(
                tuple(vocab.alternative(alt) for alt in (group or word).split("|"))
                for group, word in SLOT.findall(expanded)
            )
            if SLOT.sub("", expanded).strip() or not all(slots[0]):
                raise ValueError(f"stray parentheses, or an optional first word, in {text!r}")
            entry = index._add(f"{kind}: {text}" if kind else text, slots)
            for key in {key for alt in slots[0] for key in _keys(alt, slots[1:])}:
                if isinstance(key, str) and key.endswith("*"):
                    index.stems.setdefault(key[:3], []).append((key[:-1], entry))
                else:
                    index.exact.setdefault(key, []).append(entry)
        return index

    def _add(self, label: str, slots: tuple[tuple[Alternative, ...], ...]) -> Entry:
        """The entry to index, and its run-together spellings in the letter trie."""
        tables: tuple[Slot, ...] = tuple({} for _ in slots)
        for table, slot in zip(tables, slots, strict=True):
            for alt in slot:
                key = "" if not alt else "*" if alt[0][-1] == "*" else alt[0]
                table.setdefault(key, []).append(alt)
        few = math.prod(map(len, slots)) <= MAX_SPELLINGS
        for choice in itertools.product(*slots) if few else ():
            words = [w.rstrip("*") for alt in choice for w in alt]
            if len(joined := squeeze("".join(words))) >= MIN_INSIDE[len(words) > 1]:
                node = self.inside
                for char in joined:
                    node = node.setdefault(char, {})
                node[""] = label
        return label, tables

    def spans(self, words: list[str]) -> Iterator[tuple[int, int, str]]:
        """(start, end, label) of every phrase in the words, including run-together ones."""
        for i, word in enumerate(words):
            pair = (word, words[i + 1] if i + 1 < len(words) else "")
            stems = (e for stem, e in self.stems.get(word[:3], ()) if word.startswith(stem))
            for label, slots in [*self.exact.get(word, ()), *self.exact.get(pair, ()), *stems]:
                for end in _ends(slots, words, i):
                    yield i, end, label
            for start in range(len(word)) if len(word) >= MIN_INSIDE[0] else ():
                node = self.inside
                for char in word[start:]:
                    if (node := node.get(char)) is None:
                        break
                    if "" in node:
                        yield i, i + 1, node[""]


@dataclass(frozen=True)
class Screen:
    """Phrases that get the private crisis reply, idioms that do not, and negation rules."""

    phrases: _Index
    allowed: _Index
    vocab: _Vocabulary
    cues: tuple[tuple[str, ...], ...]
    not_cues: tuple[tuple[str, ...], ...]
    between: frozenset[str]
    window: int

    @classmethod
    def build(
        cls,
        phrases: Phrases,
        allowed: Phrases = (),
        *,
        groups: Mapping[str, Iterable[str]] | None = None,
        negation: Mapping[str, Any] | None = None,
        normalisation: Mapping[str, Any] | None = None,
    ) -> Screen:
        """Tables as in lexicon.toml: [groups], [negation], [normalisation]. ValueError if bad."""
        negation = negation or {}
        vocab = _Vocabulary.build(normalisation or {})
        index, allow = (_Index.build(p, vocab, groups or {}) for p in (phrases, allowed))
        if not index.exact and not index.stems:
            raise ValueError("the crisis lexicon is empty")
        cues = (tuple(tuple(vocab.words(c)) for c in negation.get(k, ())) for k in CUE_KEYS)
        between = frozenset(w for b in negation.get("between", ()) for w in vocab.words(b))
        window = max(0, int(negation.get("window", 3)))  # a negative one would reach anywhere
        return cls(index, allow, vocab, *cues, between, window)

    @classmethod
    def from_toml(cls, path: str | Path) -> Screen:
        """The shipped layout: [phrases], [allowed], [groups], [negation], [normalisation]."""
        doc = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        tables = {key: doc.get(key) for key in ("groups", "negation", "normalisation")}
        return cls.build(doc["phrases"], doc.get("allowed", ()), **tables)

    def matches(self, text: str) -> bool:
        return self.explain(text) is not None

    def explain(self, text: str) -> str | None:
        """The first phrase that matched ("category: phrase"), for reviewers and tests."""
        for words, breaks in self.vocab.variants(text):
            covered = [0] * (len(words) + 1)  # then: the furthest end of an idiom starting <= i
            for a, b, _ in self.allowed.spans(words):
                covered[a] = max(covered[a], b)
            covered = list(itertools.accumulate(covered, max))
            for start, end, label in self.phrases.spans(words):
                if covered[start] < end and not self._negated(words, breaks, start):
                    return label
        return None

    def _negated(self, words: list[str], breaks: list[bool], start: int) -> bool:
        """A cue ("not", "never") in the same clause, at most `window` filler words before."""
        at, gap = start - 1, 0
        while at >= 0 and not breaks[at + 1]:
            tail = tuple(words[max(0, at - 3) : at + 1])  # cues are at most four words long
            if found := {c for c in (*self.cues, *self.not_cues) if c and tail[-len(c) :] == c}:
                return not found & set(self.not_cues)
            if words[at] not in self.between or gap == self.window:
                return False
            at, gap = at - 1, gap + 1
        return False
