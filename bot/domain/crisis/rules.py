"""The screen's rules: one language's signals, found sentence by sentence, combined by meaning.

A sentence is judged on what it holds, along the C-SSRS levels:

- a **statement** (a wish to be dead, thoughts of ending one's life, intent, a plan, preparatory
  acts, an act in progress, self-harm, harm from others, someone else in danger now) is a
  crisis on its own, unless a negation governs it ("I'm not suicidal") or an idiom holds it
  ("this exam is killing me");
- **cues** that say little alone (a means, an act, a number of pills, a time like "tonight", a
  farewell, a first-person present state) make a crisis together: a means with two more cues;
- **distance** (news, study, films, supporting someone else, a past that is over, ordinary
  use of a means such as cooking or a game) turns a statement into a gentle pointer instead of
  the full reply, unless the sentence also holds a first-person present state.

The phrase lists live in data/crisis/<language>.toml so reviewers can change them without code.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import IntEnum
from typing import Any

from bot.domain.crisis.phrases import PhraseIndex, Vocabulary

STATEMENTS = (
    "imminent",
    "plan",
    "preparatory",
    "ideation",
    "passive",
    "burden",
    "self_harm",
    "abuse",
    "others_danger",
)
# Cue categories by what they are; a language may have more categories than these.
MEANS = frozenset(
    {"pills", "height", "rail", "water", "weapon", "blade", "rope", "car", "substance"}
)
ACTS = frozenset({"ingest", "acquire", "position", "decided", "do_it"})
TIMES = frozenset({"now", "future"})
FINAL = frozenset({"farewell", "after_me", "giving", "secrecy"})
DISTANCE = ("media", "support", "others", "past", "ordinary")
TOPIC = "topic"
CUE_KEYS = ("cues", "not_negations")
NUMBER = re.compile(r"^\d{1,6}$")
MIN_QUANTITY = 10  # "40 pills" is a cue; "2 ibuprofen" is not


class Level(IntEnum):
    """What a text gets: nothing, the one-line pointer to /sos, or the full crisis reply."""

    NONE = 0
    POINTER = 1
    FULL = 2


@dataclass(frozen=True)
class Finding:
    level: Level
    kind: str  # a statement kind, "cues", "topic" or ""
    why: str  # the phrases that decided it, for reviewers and tests

    @classmethod
    def nothing(cls) -> Finding:
        return cls(Level.NONE, "", "")


@dataclass(frozen=True)
class Reading:
    """The signals one sentence holds; `finding` decides, `signals` feeds the learned model."""

    statements: tuple[str, ...] = ()  # labels "kind: phrase", not negated, not in an idiom
    negated: tuple[str, ...] = ()
    cues: Mapping[str, str] = field(default_factory=dict)  # cue name -> label
    distance: tuple[str, ...] = ()
    topic: str | None = None

    @property
    def kinds(self) -> frozenset[str]:
        return frozenset(self.cues)

    def finding(self) -> Finding:
        present = "present" in self.cues
        if self.statements:
            label = self.statements[0]
            kind = label.split(":", 1)[0]
            if self.distance and not present:
                return Finding(Level.POINTER, kind, f"{label} / {self.distance[0]}")
            return Finding(Level.FULL, kind, label)
        if self._strong_cues():
            return Finding(Level.FULL, "cues", " + ".join(sorted(self.cues.values())))
        if self.topic is not None or self.negated:
            return Finding(Level.POINTER, "topic", self.topic or self.negated[0])
        return Finding.nothing()

    def _strong_cues(self) -> bool:
        """A means with an act and a time or present state ("40 pills on my desk tonight"), or
        a means with an act and a quantity ("took the whole packet"), or a farewell with an act
        and a time ("wrote my note, going now"), when nothing sets the sentence at a distance."""
        kinds = self.kinds
        if self.distance and not ("present" in kinds and "self" in kinds):
            return False
        means, acts, final = kinds & MEANS, kinds & ACTS, kinds & FINAL
        timed = bool(kinds & TIMES) or "present" in kinds
        if means and acts and (timed or "quantity" in kinds):
            return True
        return bool(final and (acts or "death" in kinds) and timed and "self" in kinds)

    def signals(self) -> set[str]:
        """Names of what the sentence holds, and pairs of them, for the learned model: it
        weighs them against each other and against the words, from the corpus."""
        found = {"s:" + label.split(":", 1)[0] for label in self.statements}
        found |= {"n:" + label.split(":", 1)[0] for label in self.negated}
        distance = {label.split(":", 1)[0] for label in self.distance}
        found |= {"d:" + d for d in distance}
        if self.topic:
            found.add("t:topic")
        if self.statements:
            found.add("s:any")
        kinds = set(self.cues)
        if kinds & MEANS:
            kinds.add("means")
        if kinds & ACTS:
            kinds.add("act")
        if kinds & TIMES:
            kinds.add("time")
        if kinds & FINAL:
            kinds.add("final")
        found |= {"c:" + k for k in kinds}
        found |= {f"c:{a}&{b}" for a, b in itertools.combinations(sorted(kinds), 2)}
        found |= {f"d:{d}&{k}" for d in distance for k in kinds}
        if self._strong_cues():
            found.add("c:strong")
        return found


@dataclass(frozen=True, repr=False)
class Rules:
    """One language's phrase lists, idioms, negation and the words that mark the language."""

    language: str
    vocab: Vocabulary
    statements: PhraseIndex
    cues: PhraseIndex
    distance: PhraseIndex
    topic: PhraseIndex
    allowed: PhraseIndex
    negation_cues: tuple[tuple[str, ...], ...]
    not_negations: tuple[tuple[str, ...], ...]
    between: frozenset[str]
    window: int
    markers: frozenset[str] = field(default_factory=frozenset)

    @classmethod
    def build(cls, language: str, doc: Mapping[str, Any]) -> Rules:
        """From a data/crisis/<language>.toml document. ValueError if anything is malformed."""
        vocab = Vocabulary.build(doc.get("normalisation", {}))
        groups = doc.get("groups", {})
        unknown = (set(doc.get("statements", {})) - set(STATEMENTS)) | (
            set(doc.get("distance", {})) - set(DISTANCE)
        )
        if unknown:
            raise ValueError(f"unknown lists in the {language} rules: {sorted(unknown)}")

        def index(table: Mapping[str, Iterable[str]]) -> PhraseIndex:
            return PhraseIndex.build(table, vocab, groups)

        statements = index(doc.get("statements", {}))
        if statements.empty:
            raise ValueError(f"the crisis rules for {language} have no statements")
        negation = doc.get("negation", {})
        cues = (tuple(tuple(vocab.words(c)) for c in negation.get(k, ())) for k in CUE_KEYS)
        between = frozenset(w for b in negation.get("between", ()) for w in vocab.words(b))
        return cls(
            language,
            vocab,
            statements,
            index(doc.get("cues", {})),
            index(doc.get("distance", {})),
            index({TOPIC: doc.get(TOPIC, ())}),
            PhraseIndex.build(doc.get("allowed", {}), vocab, groups),
            *cues,
            between,
            max(0, int(negation.get("window", 3))),
            frozenset(w for m in doc.get("markers", ()) for w in vocab.words(m)),
        )

    @property
    def known(self) -> frozenset[str]:
        return self.statements.known | self.cues.known | self.topic.known

    def read(self, found: list[tuple[str, bool]]) -> Reading:
        """What one sentence's tokens (text.tokens) hold, in this language's terms."""
        words, breaks = self.vocab.finish(found)
        if not words:
            return Reading()
        covered = [0] * (len(words) + 1)  # then: the furthest end of an idiom starting <= i
        for a, b, _ in self.allowed.spans(words):
            covered[a] = max(covered[a], b)
        covered = list(itertools.accumulate(covered, max))
        statements, negated = [], []
        for start, end, label in self.statements.spans(words):
            if covered[start] >= end:
                continue
            (negated if self._negated(words, breaks, start) else statements).append(label)
        cues = {label.split(":", 1)[0]: label for _, _, label in self.cues.spans(words)}
        if any(NUMBER.match(w) and int(w) >= MIN_QUANTITY for w in words):
            cues.setdefault("quantity", "quantity: a number")
        return Reading(
            tuple(statements),
            tuple(negated),
            cues,
            tuple(label for _, _, label in self.distance.spans(words)),
            next((label for _, _, label in self.topic.spans(words)), None),
        )

    def judge(self, found: list[tuple[str, bool]]) -> Finding:
        return self.read(found).finding()

    def _negated(self, words: list[str], breaks: list[bool], start: int) -> bool:
        """A cue ("not", "never") in the same clause, at most `window` filler words before."""
        at, gap = start - 1, 0
        cues = (*self.negation_cues, *self.not_negations)
        while at >= 0 and not breaks[at + 1]:
            tail = tuple(words[max(0, at - 3) : at + 1])  # cues are at most four words long
            if found := {c for c in cues if c and tail[-len(c) :] == c}:
                return not found & set(self.not_negations)
            if words[at] not in self.between or gap == self.window:
                return False
            at, gap = at - 1, gap + 1
        return False
