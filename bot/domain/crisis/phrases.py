"""Phrase lists as reviewers write them, found in a text's words with a few lookups a word.

Grammar (data/crisis/<language>.toml): "(a|b c)" is either alternative, "(a|)" an optional
word (not the first), "{group}" any entry of a [groups] list, a lone "stem*" any ending. Texts
and phrases pass through the same `Vocabulary`, so a reviewer's spelling and a member's agree.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from bot.domain.crisis.text import fold, squeeze, tokens

Alternative = tuple[str, ...]  # normalised words; a lone word ending in "*" is a stem
Slot = dict[str, list[Alternative]]  # alternatives by first word; "*": stems, "": the empty one
Entry = tuple[str, tuple[Slot, ...]]  # the label ("kind: phrase as written"), and its slots
Key = str | tuple[str, str]

GROUP = re.compile(r"\{(\w+)\}")
SLOT = re.compile(r"\(([^()]*)\)|([^\s()]+)")
MIN_INSIDE = (6, 8)  # shortest one-word / several-word phrase looked for inside a longer word
MAX_SPELLINGS = 64  # phrases with more spellings than this are not looked for inside words


@dataclass(frozen=True, repr=False)  # tables too long to print in a test failure
class Vocabulary:
    """One language's rewrites ("don't" -> "do not") and words that carry nothing ("just")."""

    rewrites: Mapping[tuple[str, ...], tuple[str, ...]]
    skip: frozenset[str]

    @classmethod
    def build(cls, options: Mapping[str, Any]) -> Vocabulary:
        plain = cls({}, frozenset())
        pairs = [(tuple(plain.words(k)), v) for k, v in options.get("rewrites", {}).items()]
        if any(not 1 <= len(key) <= 2 for key, _ in pairs):
            raise ValueError("a rewrite must replace one or two words")
        table = {key: tuple(plain.words(value)) for key, value in pairs}
        skip = frozenset(w for s in options.get("skip", ()) for w in plain.words(s))
        return cls(table, skip)

    def words(self, text: str) -> list[str]:
        return self.finish(tokens(fold(text)))[0]

    def alternative(self, text: str) -> Alternative:
        """One alternative of a phrase slot: "" is the empty one, "stem*" a lone stem."""
        words, stem = self.words(text), text.strip().endswith("*")
        if not words:  # empty, or only words the vocabulary skips (as texts skip them too)
            return ()
        if stem and (len(words) > 1 or len(words[0]) < 3):
            raise ValueError(f"a stem* is one word of three letters or more: {text!r}")
        return (words[0] + "*",) if stem else tuple(words)

    def finish(self, found: list[tuple[str, bool]]) -> tuple[list[str], list[bool]]:
        """Rewritten, skip words dropped; breaks[i] says a clause break comes before words[i]."""
        words: list[str] = []
        breaks: list[bool] = []
        pending, i = False, 0
        while i < len(found):
            pending = pending or found[i][1]
            pair = (found[i][0], found[i + 1][0]) if i + 1 < len(found) else ()
            key = pair if pair in self.rewrites else (found[i][0],)
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
        if not here:
            break
    return here


def expand(phrase: str, groups: Mapping[str, Iterable[str]], depth: int = 0) -> str:
    """Turns "{who}" into "(he|she|...)"; a group may list another group, as "{family}"."""

    def group(match: re.Match[str]) -> str:
        if match[1] not in groups or depth > 3:
            raise ValueError(f"unknown or circular group {match[0]} in {phrase!r}")
        entries = (expand(e, groups, depth + 1).strip("()") for e in groups[match[1]])
        return "(" + "|".join(entries) + ")"

    return GROUP.sub(group, phrase)


def _keys(alt: Alternative, rest: tuple[tuple[Alternative, ...], ...]) -> set[Key]:
    """Index keys: (first, second word) pairs when known exactly, else the first word alone."""
    if len(alt) > 1:
        return {(alt[0], alt[1])}
    seconds: set[str] = set()
    for slot in () if alt[0][-1] == "*" else rest:
        seconds |= {a[0] for a in slot if a}
        if all(slot):  # no empty alternative, so the second word is one of these
            stem = any(w[-1] == "*" for w in seconds)
            return {alt[0]} if stem else {(alt[0], w) for w in seconds}
    return {alt[0]}  # the phrase may end after its first word


@dataclass(frozen=True, repr=False)
class PhraseIndex:
    """Phrases by their first two words (or first word, or stem), so each word of a long text
    costs a few dictionary lookups and ordinary text rarely yields a candidate at all."""

    exact: dict[Key, list[Entry]]
    stems: dict[str, list[tuple[str, Entry]]]  # by the stem's first three letters
    inside: dict[str, Any]  # a letter trie of phrases written run together ("#killmyself")
    known: frozenset[str]  # every word and stem* the phrases use, to read "s*icide" as "suicide"

    @classmethod
    def build(
        cls,
        entries: Mapping[str, Iterable[str]],
        vocab: Vocabulary,
        groups: Mapping[str, Iterable[str]],
    ) -> PhraseIndex:
        index = cls({}, {}, {}, frozenset())
        known: set[str] = set()
        for kind, text in ((k, p) for k, phrases in entries.items() for p in phrases):
            if not text.strip():
                continue
            expanded = expand(text, groups)
            try:
                slots = tuple(
                    tuple(vocab.alternative(alt) for alt in (group or word).split("|"))
                    for group, word in SLOT.findall(expanded)
                )
            except ValueError as error:
                raise ValueError(f"{kind}: {text!r}: {error}") from None
            slots = tuple(slot for slot in slots if any(slot))  # a lone skipped word
            if SLOT.sub("", expanded).strip() or not all(slots[0]):
                raise ValueError(f"stray parentheses, or an optional first word, in {text!r}")
            known |= {w for slot in slots for alt in slot for w in alt}
            entry = index._add(f"{kind}: {text}", slots)
            for key in {key for alt in slots[0] for key in _keys(alt, slots[1:])}:
                if isinstance(key, str) and key.endswith("*"):
                    index.stems.setdefault(key[:3], []).append((key[:-1], entry))
                else:
                    index.exact.setdefault(key, []).append(entry)
        return cls(index.exact, index.stems, index.inside, frozenset(known))

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

    @property
    def empty(self) -> bool:
        return not self.exact and not self.stems

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
