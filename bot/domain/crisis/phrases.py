"""Phrase lists as reviewers write them, found in a text's words with a few lookups a word.

Grammar (data/crisis/<language>.toml): "(a|b c)" is either alternative, "(a|)" an optional
word, "#" any number in digits (not as the first word), "{group}" any entry of a [groups]
list, a lone "stem*" any ending. Texts and phrases pass through the same `Vocabulary`, so a
reviewer's spelling and a member's agree.
"""

from __future__ import annotations

import functools
import itertools
import math
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from bot.domain.crisis.text import HARD, fold, squeeze, tokens

Alternative = tuple[str, ...]  # normalised words; a lone word ending in "*" is a stem
Table = dict[str, list[Alternative]]  # alternatives by first word; "*": stems, "": the empty one
Slot = tuple[Table, tuple[str, ...]]  # the table, and which of "*", "", "#" it holds
Entry = tuple[str, tuple[Slot, ...]]  # the label ("kind: phrase as written"), and its slots
Key = str | tuple[str, ...]

GROUP = re.compile(r"\{(\w+)\}")
SLOT = re.compile(r"\(([^()]*)\)|([^\s()]+)")
MIN_INSIDE = (6, 8)  # shortest one-word / several-word phrase looked for inside a longer word
NUMBER_SLOT = "#"  # an alternative that is any number written in digits ("when i was #")
CLAUSE_END = "$"  # an alternative that matches where the clause ends ("ich kann nicht mehr $")
SUFFIX = "~"  # the table key of "*suffix" alternatives
MAX_SPELLINGS = 16  # phrases with more spellings than this are not looked for inside words
WORD_CACHE = 50_000  # words remembered by a cache before it starts afresh


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
        if text.strip() in (NUMBER_SLOT, CLAUSE_END):
            return (text.strip(),)
        if NUMBER_SLOT in text or CLAUSE_END in text:
            raise ValueError(f"{NUMBER_SLOT!r} and {CLAUSE_END!r} stand alone in a slot: {text!r}")
        if text.strip().startswith("*"):  # "*brücke": any word ending so (German compounds)
            words = self.words(text.strip()[1:])
            if len(words) != 1 or len(words[0]) < 3:
                raise ValueError(f"a *suffix is one word of three letters or more: {text!r}")
            return ("*" + words[0],)
        words, stem = self.words(text), text.strip().endswith("*")
        if not words:  # empty, or only words the vocabulary skips (as texts skip them too)
            return ()
        if stem and (len(words) > 1 or len(words[0]) < 3):
            raise ValueError(f"a stem* is one word of three letters or more: {text!r}")
        return (words[0] + "*",) if stem else tuple(words)

    @functools.cached_property
    def _tables(self) -> tuple[dict[str, tuple[str, ...]], frozenset[str]]:
        """Each word's replacement with skip words already dropped (a skip word becomes ()),
        and the words that begin a two-word rewrite: one lookup a word on the hot path."""
        single = {k[0]: v for k, v in self.rewrites.items() if len(k) == 1}
        table = {w: tuple(x for x in single.get(w, (w,)) if x not in self.skip) for w in single}
        table |= {w: () for w in self.skip if w not in single}
        return table, frozenset(k[0] for k in self.rewrites if len(k) == 2)

    def finish(self, found: list[tuple[str, int]]) -> tuple[list[str], list[int]]:
        """Rewritten, skip words dropped; breaks[i] is the break (text.HARD, SOFT or 0) that
        comes before words[i]."""
        table, firsts = self._tables
        words: list[str] = []
        breaks: list[int] = []
        pending, i, size = 0, 0, len(found)
        while i < size:
            word, brk = found[i]
            if brk > pending:
                pending = brk
            if word in firsts and i + 1 < size and (word, found[i + 1][0]) in self.rewrites:
                replaced = tuple(
                    x for x in self.rewrites[(word, found[i + 1][0])] if x not in self.skip
                )
                i += 2
            else:
                replaced = table.get(word)
                i += 1
                if replaced is None:
                    words.append(word)
                    breaks.append(pending)
                    pending = 0
                    continue
            for x in replaced:
                words.append(x)
                breaks.append(pending)
                pending = 0
        breaks.append(max(pending, HARD))  # so breaks[len(words)] exists: the end
        return words, breaks


def _fits(alternative: Alternative, words: list[str], at: int) -> bool:
    if alternative and alternative[0][-1] == "*":  # a stem is always a lone word
        return at < len(words) and words[at].startswith(alternative[0][:-1])
    return tuple(words[at : at + len(alternative)]) == alternative


def _ends(
    slots: tuple[Slot, ...], words: list[str], start: int, breaks: list[int] | None = None
) -> set[int] | tuple[int, ...]:
    """Where a phrase at `start` ends: a lookup per slot, not a scan of "{who}" and its 70.
    (The hot path of the screen: plain loops, no comprehension objects, and only the special
    keys a slot has are looked up.)"""
    here: set[int] | tuple[int, ...] = (start,)
    size = len(words)
    for table, specials in slots:
        nxt: set[int] = set()
        for at in here:
            word = words[at] if at < size else ""
            for key in (word, *specials) if specials else (word,):
                alts = table.get(key)
                if alts is None:
                    continue
                if key == NUMBER_SLOT:
                    if word.isdigit():
                        nxt.add(at + 1)
                    continue
                if key == CLAUSE_END:
                    if at >= size or (breaks is not None and breaks[at]):
                        nxt.add(at)
                    continue
                for alt in alts:
                    if not alt:
                        nxt.add(at)
                    elif alt[0][0] == "*":
                        if at < size and word.endswith(alt[0][1:]):
                            nxt.add(at + 1)
                    elif alt[0][-1] == "*":
                        if at < size and word.startswith(alt[0][:-1]):
                            nxt.add(at + 1)
                    elif len(alt) == 1 or tuple(words[at : at + len(alt)]) == alt:
                        nxt.add(at + len(alt))
        if not nxt:
            return ()
        here = nxt
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
    """Index keys: the phrase's first three words when known exactly (so "i am ..." phrases are
    tried only where the text has their third word too), else two, else the first alone."""
    if "*" in (alt[0][0], alt[0][-1]) or alt[0] in (NUMBER_SLOT, CLAUSE_END):
        return {alt[0]}
    prefixes: set[tuple[str, ...]] = {alt}
    for slot in rest:
        special = any(
            "*" in (a[0][0], a[0][-1]) or a[0] in (NUMBER_SLOT, CLAUSE_END) for a in slot if a
        )
        if min(map(len, prefixes)) >= 3 or not all(slot) or special:
            break
        grown = {p + a for p in prefixes for a in slot}
        if len(grown) > 64:
            break
        prefixes = grown
    return {p[0] if len(p) == 1 else p[:3] for p in prefixes}


@dataclass(frozen=True, repr=False)
class PhraseIndex:
    """Phrases by their first two words (or first word, or stem), so each word of a long text
    costs a few dictionary lookups and ordinary text rarely yields a candidate at all."""

    exact: dict[Key, list[Entry]]  # by first word (by two or three while building: `follow`)
    stems: dict[str, list[tuple[str, Entry]]]  # by the stem's first three letters
    inside: dict[str, Any]  # a letter trie of phrases written run together ("#killmyself")
    known: frozenset[str]  # every word and stem* the phrases use, to read "s*icide" as "suicide"
    cache: dict[str, tuple[tuple[str, ...], tuple[Entry, ...]]] = field(default_factory=dict)
    follow: dict[str, dict[str, Any]] = field(default_factory=dict)  # the tuple keys as a tree
    suffixes: list[tuple[str, Entry]] = field(default_factory=list)  # "*brücke" first words

    @classmethod
    def build(
        cls,
        entries: Mapping[str, Iterable[str]],
        vocab: Vocabulary,
        groups: Mapping[str, Iterable[str]],
        inside: Callable[[str], bool] = lambda kind: True,
        knows: Callable[[str], bool] = lambda kind: True,
    ) -> PhraseIndex:
        """`inside(kind)`: whether that list's phrases are also looked for run together inside
        longer words ("#iwanttodie"); worth it for statements, not for every cue word.
        `knows(kind)`: whether that list's words count as known words (to unmask "s*icide")."""
        index = cls({}, {}, {}, frozenset())
        known: set[str] = set()
        alternative = functools.cache(vocab.alternative)  # group expansions repeat a lot
        for kind, text in ((k, p) for k, phrases in entries.items() for p in phrases):
            if not text.strip():
                continue
            expanded = expand(text, groups)
            try:
                slots = tuple(
                    tuple(alternative(alt) for alt in (group or word).split("|"))
                    for group, word in SLOT.findall(expanded)
                )
            except ValueError as error:
                raise ValueError(f"{kind}: {text!r}: {error}") from None
            slots = tuple(slot for slot in slots if any(slot))  # a lone skipped word
            if SLOT.sub("", expanded).strip() or not slots:
                raise ValueError(f"stray parentheses, or nothing to match, in {text!r}")
            if knows(kind):
                known |= {w for slot in slots for alt in slot for w in alt}
            label = f"{kind}: {text}"
            runs_together = inside(kind)
            while slots and not all(slots[0]):  # an optional first word: index both ways
                index._enter(label, (tuple(a for a in slots[0] if a), *slots[1:]), runs_together)
                slots = slots[1:]
            if slots:
                index._enter(label, slots, runs_together)
        follow: dict[str, dict[str, Any]] = {}
        for key, entries in index.exact.items():
            if isinstance(key, tuple):  # w0 -> w1 -> ([entries of w0 w1], {w2: entries})
                node = follow.setdefault(key[0], {}).setdefault(key[1], ([], {}))
                if len(key) == 2:
                    node[0].extend(entries)
                else:
                    node[1].setdefault(key[2], []).extend(entries)
        single = {key: found for key, found in index.exact.items() if isinstance(key, str)}
        return cls(single, index.stems, index.inside, frozenset(known), {}, follow, index.suffixes)

    def _enter(self, label: str, slots: tuple[tuple[Alternative, ...], ...], inside: bool) -> None:
        entry = self._add(label, slots, inside)
        for key in {key for alt in slots[0] for key in _keys(alt, slots[1:])}:
            if key in (NUMBER_SLOT, CLAUSE_END):
                raise ValueError(f"{label!r}: a phrase cannot start with {key!r}")
            if isinstance(key, str) and key.startswith("*"):
                self.suffixes.append((key[1:], entry))
            elif isinstance(key, str) and key.endswith("*"):
                self.stems.setdefault(key[:3], []).append((key[:-1], entry))
            else:
                self.exact.setdefault(key, []).append(entry)

    def _add(self, label: str, slots: tuple[tuple[Alternative, ...], ...], inside: bool) -> Entry:
        """The entry to index, and its run-together spellings in the letter trie."""
        tables: tuple[Table, ...] = tuple({} for _ in slots)
        for table, slot in zip(tables, slots, strict=True):
            for alt in slot:
                if not alt:
                    key = ""
                elif alt[0][0] == "*" and len(alt[0]) > 1:
                    key = SUFFIX
                elif alt[0][-1] == "*":
                    key = "*"
                else:
                    key = alt[0]
                table.setdefault(key, []).append(alt)
        specials = ("*", "", NUMBER_SLOT, CLAUSE_END, SUFFIX)
        special = tuple(tuple(k for k in specials if k in t) for t in tables)
        plain = all(not a or a[0] not in (NUMBER_SLOT, CLAUSE_END) for slot in slots for a in slot)
        few = inside and plain and math.prod(map(len, slots)) <= MAX_SPELLINGS
        for choice in itertools.product(*slots) if few else ():
            words = [w.strip("*") for alt in choice for w in alt]
            if len(joined := squeeze("".join(words))) >= MIN_INSIDE[len(words) > 1]:
                node = self.inside
                for char in joined:
                    node = node.setdefault(char, {})
                node[""] = label
        return label, tuple(zip(tables, special, strict=True))

    @property
    def empty(self) -> bool:
        return not (self.exact or self.follow or self.stems or self.suffixes)

    def spans(
        self, words: list[str], breaks: list[int] | None = None
    ) -> list[tuple[int, int, str]]:
        """(start, end, label) of every phrase in the words, including run-together ones.
        (The screen's hot path: a cache hit per word gives the labels the word is by itself,
        and a slot-by-slot walk happens only where a longer phrase may start.)"""
        cache, follow, size = self.cache, self.follow, len(words)
        found: list[tuple[int, int, str]] = []
        add = found.append
        for i, word in enumerate(words):
            hit = cache.get(word)
            alone, longer = hit if hit is not None else self._word(word)
            for label in alone:
                add((i, i + 1, label))
            if i + 1 < size and (seconds := follow.get(word)) is not None:
                node = seconds.get(words[i + 1])
                if node is not None:
                    longer = (*longer, *node[0])
                    if i + 2 < size and (thirds := node[1].get(words[i + 2])):
                        longer = (*longer, *thirds)
            for label, slots in longer:
                for end in _ends(slots, words, i, breaks):
                    add((i, end, label))
        return found

    def _word(self, word: str) -> tuple[tuple[str, ...], tuple[Entry, ...]]:
        """What a word is by itself (the labels of one-word phrases it matches, and of phrases
        run together inside it), and the longer phrases it may start; remembered per word
        (bounded), as words repeat."""
        cache = self.cache
        if (hit := cache.get(word)) is not None:
            return hit
        entries = list(self.exact.get(word, ()))
        entries += [e for stem, e in self.stems.get(word[:3], ()) if word.startswith(stem)]
        entries += [e for suffix, e in self.suffixes if word.endswith(suffix)]
        alone: list[str] = []
        longer: list[Entry] = []
        for label, slots in entries:
            table, special = slots[0]
            if len(slots) == 1 and not special and all(len(a) == 1 for a in table.get(word, ())):
                alone.append(label)  # keyed by this word, so one word long: it matches
            else:
                longer.append((label, slots))
        for start in range(len(word)) if len(word) >= MIN_INSIDE[0] else ():
            node = self.inside
            for char in word[start:]:
                if (node := node.get(char)) is None:
                    break
                if "" in node:
                    alone.append(node[""])
        if len(cache) >= WORD_CACHE:
            cache.clear()
        hit = cache[word] = (tuple(dict.fromkeys(alone)), tuple(longer))
        return hit
