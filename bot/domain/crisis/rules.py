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
from dataclasses import dataclass, field, replace
from enum import IntEnum
from typing import Any

from bot.domain.crisis.phrases import PhraseIndex, Vocabulary
from bot.domain.crisis.text import HARD, SOFT, fold, squeeze

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
DISTANCE = ("media", "support", "others", "past", "ordinary", "joke", "safe", "recovered", "quote")
WHOLE_MESSAGE = frozenset({"safe", "recovered"})  # distance that holds for every sentence
YEAR = re.compile(r"^(19[5-9]\d|20[0-2]\d)$")  # "back in 2019": a year is the past
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
    present_with: bool = False  # a present cue shares the first statement's clause

    def apart(self, *labels: str) -> Reading:
        """The same reading with more distance (a quote; the whole message's safety)."""
        return replace(self, distance=(*self.distance, *labels))

    @property
    def kinds(self) -> frozenset[str]:
        return frozenset(self.cues)

    def finding(self) -> Finding:
        if self.statements:
            label = self.statements[0]
            kind = label.split(":", 1)[0]
            if distance := self._distance_for(kind):
                return Finding(Level.POINTER, kind, f"{label} / {distance}")
            return Finding(Level.FULL, kind, label)
        if self._strong_cues():
            return Finding(Level.FULL, "cues", " + ".join(sorted(self.cues.values())))
        if self.topic is not None or self.negated:
            return Finding(Level.POINTER, "topic", self.topic or self.negated[0])
        return Finding.nothing()

    def _distance_for(self, kind: str) -> str | None:
        """The distance marker that sets a statement of this kind apart from the writer now, if
        any. A first-person present cue ("i am", "tonight", "again") overrides news, study,
        someone else and the past; laughter and hyperbole only soften wishes and complaints,
        never an act, a plan or harm."""
        present = self.present_with and "self" in self.kinds
        for label in self.distance:
            name = label.split(":", 1)[0]
            if name == "ordinary" or (
                name == "others" and ("subject" in self.kinds or kind == "others_danger")
            ):
                continue  # ordinary use only tempers cues; "I" or "me" keeps it the writer's
            if name == "joke" and kind not in {"ideation", "passive", "burden"}:
                continue
            if name in {"safe", "quote"} or not present:
                return label
        return None

    def _strong_cues(self) -> bool:
        """Cue combinations that are a crisis without any statement, when nothing sets the
        sentence apart: pills taken in a quantity or now ("took the whole packet"), standing at
        a height or the tracks now, a weapon or rope acquired or decided on, a farewell with
        an act and a time ("wrote my note, going now")."""
        kinds = self.kinds
        ordinary = any(d.startswith("ordinary") for d in self.distance)
        if "self" not in kinds or ordinary or self._distance_for("plan"):
            return False
        timed = bool(kinds & TIMES) or "present" in kinds
        if kinds & {"pills", "substance"} and "ingest" in kinds:
            return bool({"quantity", "now"} & kinds)
        if kinds & {"height", "rail", "water"} and "position" in kinds and timed:
            return True
        if kinds & {"weapon", "rope", "blade"} and kinds & {"acquire", "decided", "do_it"}:
            return timed
        if kinds & {"pills", "substance"} and "acquire" in kinds:
            return bool({"quantity", "now"} & kinds)
        if kinds & MEANS and "decided" in kinds and kinds & TIMES:
            return bool(kinds & {"death", "hopeless", "do_it", "farewell", "after_me", "wish"})
        return bool(kinds & FINAL and "do_it" in kinds and kinds & TIMES)

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
    """One language's phrase lists, idioms, negation and the words that mark the language.

    Every list lives in one index, its labels prefixed by what it is ("s." a statement, "c."
    a cue, "d." distance, "t." topic, "a." an allowed idiom), so a sentence is read in one pass.
    """

    language: str
    vocab: Vocabulary
    index: PhraseIndex
    known: frozenset[str]  # the words of statements, cues and topic ("s*icide" -> "suicide")
    negation_cues: tuple[tuple[str, ...], ...]
    not_negations: tuple[tuple[str, ...], ...]
    between: frozenset[str]
    window: int
    markers: frozenset[str] = field(default_factory=frozenset)
    dropped_g: bool = False  # English chat drops the g of -ing
    after: tuple[tuple[str, ...], ...] = ()  # negation after the phrase ("ich ritze mich nicht")
    cross_commas: bool = False  # statements may run across a comma ("ich wünschte, ich wäre tot")

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
        if not any(doc.get("statements", {}).values()):
            raise ValueError(f"the crisis rules for {language} have no statements")
        tables: dict[str, Iterable[str]] = {}
        for prefix, key in (
            ("s", "statements"),
            ("c", "cues"),
            ("d", "distance"),
            ("a", "allowed"),
        ):
            tables |= {f"{prefix}.{name}": v for name, v in doc.get(key, {}).items()}
        tables["t.topic"] = doc.get(TOPIC, ())
        index = PhraseIndex.build(
            tables, vocab, groups, inside=lambda k: k[0] == "s", knows=lambda k: k[0] in "sct"
        )
        negation = doc.get("negation", {})
        cues = (tuple(tuple(vocab.words(c)) for c in negation.get(k, ())) for k in CUE_KEYS)
        between = frozenset(w for b in negation.get("between", ()) for w in vocab.words(b))
        return cls(
            language,
            vocab,
            index,
            index.known,
            *cues,
            between,
            max(0, int(negation.get("window", 3))),
            frozenset(w for m in doc.get("markers", ()) for w in squeeze(fold(m)).split()),
            bool(doc.get("dropped_g", False)),
            tuple(tuple(vocab.words(c)) for c in negation.get("after", ())),
            bool(doc.get("cross_commas", False)),
        )

    def read(self, found: list[tuple[str, int]]) -> Reading:
        """What one sentence's tokens (text.tokens) hold, in this language's terms."""
        if self.dropped_g:  # "thinkin", "cuttin": the word the rules know, with its g
            known = self.known
            found = [(w + "g" if w.endswith("in") and w + "g" in known else w, b) for w, b in found]
        words, breaks = self.vocab.finish(found)
        if not words:
            return Reading()
        spans: dict[str, list[tuple[int, int, str]]] = {"s": [], "c": [], "d": [], "t": [], "a": []}
        for start, end, label in self.index.spans(words, breaks):
            spans[label[0]].append((start, end, label))
        covered = [0] * (len(words) + 1)  # then: the furthest end of an idiom starting <= i
        if spans["a"]:
            for a, b, _ in spans["a"]:
                covered[a] = max(covered[a], b)
            covered = list(itertools.accumulate(covered, max))
        limit = HARD if self.cross_commas else SOFT
        statements, negated, where = [], [], None
        for start, end, label in spans["s"]:
            label = label[2:]
            if covered[start] >= end or max(breaks[start + 1 : end], default=0) >= limit:
                continue  # inside an idiom, or across a clause break ("used to, now ...")
            if self._negated(words, breaks, start) or self._negated_after(words, breaks, end):
                negated.append(label)
            else:
                statements.append(label)
                where = where or (start, end)
        cues = {label[2:].split(":", 1)[0]: label[2:] for _, _, label in spans["c"]}
        numbers = [w for w in words if NUMBER.match(w)]
        if any(int(w) >= MIN_QUANTITY and not YEAR.match(w) for w in numbers):
            cues.setdefault("quantity", "quantity: a number")
        distance = [
            label[2:]
            for start, _, label in spans["d"]
            if not (
                label[2:].split(":", 1)[0] in WHOLE_MESSAGE and self._negated(words, breaks, start)
            )
        ]  # "I'm not safe" is no word of safety
        if any(YEAR.match(w) for w in numbers):
            distance.append("past: a year")
        present_with = False
        if where is not None:  # a present cue in the statement's own clause
            first, last = _clause(breaks, where[0]), _clause(breaks, where[1] - 1)
            present_with = any(
                label[2:].startswith(("present:", "now:")) and first[0] <= start < last[1]
                for start, _, label in spans["c"]
            )
        return Reading(
            tuple(statements),
            tuple(negated),
            cues,
            tuple(distance),
            next((label[2:] for _, _, label in spans["t"]), None),
            present_with,
        )

    def judge(self, found: list[tuple[str, int]]) -> Finding:
        return self.read(found).finding()

    def _negated_after(self, words: list[str], breaks: list[int], end: int) -> bool:
        """A cue right after the phrase, in the same clause ("ich ritze mich nicht mehr")."""
        for cue in self.after:
            stop = end + len(cue)
            if tuple(words[end:stop]) == cue and not any(breaks[end:stop]):
                return True
        return False

    def _negated(self, words: list[str], breaks: list[int], start: int) -> bool:
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


def _clause(breaks: list[int], at: int) -> tuple[int, int]:
    """The [start, end) word positions of the clause holding word `at`."""
    start = at
    while start > 0 and not breaks[start]:
        start -= 1
    end = at + 1
    while end < len(breaks) - 1 and not breaks[end]:
        end += 1
    return start, end
