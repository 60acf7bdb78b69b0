"""The crisis screen: rules by meaning and a learned signal, sentence by sentence.

Every text addressed to Haven passes here before anything else, so it must never raise and must
stay fast on any input: the text is cut to the longest platform message first, and every step is
linear in it. It answers with a `Verdict`: NONE, a POINTER (talk about suicide or self-harm at a
distance: news, study, someone else, a past that is over; one gentle line) or FULL (a present,
first-person signal: the private crisis reply). Either signal, the rules or the learned model,
firing is enough for FULL: a gentle reply to a false alarm costs far less than silence.
"""

from __future__ import annotations

import re
import tomllib
from collections import Counter
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from bot.domain.crisis.model import NgramModel
from bot.domain.crisis.rules import WHOLE_MESSAGE, Finding, Level, Reading, Rules
from bot.domain.crisis.text import MAX_CHARS, WORD, decode, fold, sentences, squeeze, tokens

QUOTED = re.compile(r"[\"“”«»„][^\"“”«»„]{4,}[\"“”«»]")  # words in quotes: said, sung, read
SHORT_WORDS = 40  # a text this short is read with every language's rules
WHOLE_TEXT_CHARS = 1000  # the learned signal reads a text this short whole; longer, in windows
WINDOW = 3  # sentences in a row the learned signal reads in a long text
MIN_LEARNED_WORDS = 3  # shorter texts ("0", "ok thanks") are the rules' alone
POINTER_PROBABILITY = 0.5  # below the full reply's threshold, the learned signal earns the line


@dataclass(frozen=True)
class Run:
    """One sentence (or a short text whole) as the screen read it."""

    words: tuple[str, ...]
    signals: frozenset[str]
    finding: Finding
    lang: str | None
    apart: bool = False  # the writer said, somewhere in the message, that they are safe now


@dataclass(frozen=True)
class Verdict:
    level: Level
    kind: str  # the C-SSRS kind of the statement that decided it, "cues", "learned", "topic"
    lang: str | None  # the language the text appears to be in, when the screen could tell
    why: str  # for reviewers and tests; never shown to anyone, never stored
    rules: Level  # what the rules alone said
    learned: float  # the learned signal's highest probability over the text's sentences

    @property
    def full(self) -> bool:
        return self.level is Level.FULL


NOTHING = Verdict(Level.NONE, "", None, "", Level.NONE, 0.0)
NO_FINDING = Finding.nothing()


@dataclass(frozen=True, repr=False)
class Screen:
    rules: dict[str, Rules]
    model: NgramModel | None = None

    @classmethod
    def from_folder(cls, folder: Path, *, learned: bool = True) -> Screen:
        """data/crisis: one <language>.toml of rules each, and model.json (the learned signal)."""
        rules = {}
        for path in sorted(folder.glob("*.toml")):
            with path.open("rb") as handle:
                rules[path.stem] = Rules.build(path.stem, tomllib.load(handle))
        if not rules:
            raise ValueError(f"no crisis rules in {folder}")
        model_path = folder / "model.json"
        model = NgramModel.load(model_path) if learned and model_path.exists() else None
        return cls(rules, model)

    @cached_property
    def _markers(self) -> dict[str, tuple[str, ...]]:
        """Each marker word and the languages it marks: one lookup a word."""
        found: dict[str, tuple[str, ...]] = {}
        for lang, rules in self.rules.items():
            for word in rules.markers:
                found[word] = (*found.get(word, ()), lang)
        return found

    @cached_property
    def _known(self) -> tuple[dict[int, list[str]], list[str]]:
        """The rules' words by length, and their stems (longest first)."""
        known = sorted({w for r in self.rules.values() for w in r.known})
        by_length: dict[int, list[str]] = {}
        for word in (w for w in known if not w.endswith("*")):
            by_length.setdefault(len(word), []).append(word)
        stems = sorted((w[:-1] for w in known if w.endswith("*")), key=len, reverse=True)
        return by_length, stems

    def _unmask(self, masked: str) -> str:
        """ "s*icide" -> "suicide": the first word (or stem) the rules know with those letters
        around the hidden ones; the text as written when none fits."""
        if (hit := self._unmasked.get(masked)) is not None:
            return hit
        found = self._unmask_uncached(masked)
        if len(self._unmasked) < 10_000:
            self._unmasked[masked] = found
        return found

    @cached_property
    def _unmasked(self) -> dict[str, str]:
        return {}

    def _unmask_uncached(self, masked: str) -> str:
        plain = squeeze(masked)
        by_length, stems = self._known

        def fits(word: str) -> bool:
            return all(m in "*#_" or m == c for m, c in zip(plain, word, strict=False))

        for word in by_length.get(len(plain), ()):
            if fits(word):
                return word
        for stem in stems:
            if (
                len(stem) <= len(plain)
                and fits(stem)
                and any(c in "*#_" for c in plain[: len(stem)])
            ):
                return stem + plain[len(stem) :]
        return masked

    def _languages(self, folded: str) -> list[str]:
        """Languages to read the text in, the likeliest first (a tie between two languages'
        findings goes to the first): for a short text all of them; for a long one the language
        whose marker words it uses most, and English (its slang travels)."""
        words = WORD.findall(squeeze(folded[:2000]))
        marks = self._markers
        counts = Counter(lang for word in words for lang in marks.get(word, ()))
        ranked = [lang for lang, _ in counts.most_common() if lang in self.rules]
        english = ["en"] if "en" in self.rules else []
        if len(words) <= SHORT_WORDS:
            return list(dict.fromkeys([*ranked[:1], *english, *ranked, *self.rules]))
        return list(dict.fromkeys([*ranked[:1], *english]))

    def guess_language(self, folded: str) -> str | None:
        words = WORD.findall(squeeze(folded[:2000]))
        marks = self._markers
        counts = Counter(lang for word in words for lang in marks.get(word, ()))
        if not counts:
            return None
        (top, n), *rest = [*counts.most_common(2), ("", 0)]
        return top if n > rest[0][1] else None

    def runs(self, folded: str, *, stop_at_full: bool = True) -> list[Run]:
        """Each sentence of each reading of the text (the plain sentences first), as the rules
        read it in every candidate language.

        Some distance holds for the whole message ("I'm safe, I promise", "I'm doing well
        now"), so every sentence is read first and decided after."""
        languages = self._languages(folded)
        read: list[tuple[tuple[str, ...], dict[str, Reading]]] = []
        plain = sentences(folded)
        undone = decode(folded, self._unmask)
        seen = set(plain)
        decoded = [] if undone == folded else [d for d in sentences(undone) if d not in seen]
        for sentence in [*plain, *decoded]:
            if True:
                toks = tokens(sentence)
                readings = {name: self.rules[name].read(toks) for name in languages}
                if QUOTED.search(sentence):
                    readings = {n: r.apart("quote: quoted words") for n, r in readings.items()}
                read.append((tuple(w for w, _ in toks), readings))
        whole = tuple(
            dict.fromkeys(
                label
                for _, readings in read
                for r in readings.values()
                for label in r.distance
                if label.split(":", 1)[0] in WHOLE_MESSAGE
            )
        )
        found: list[Run] = []
        for words, readings in read:
            if whole:
                readings = {name: r.apart(*whole) for name, r in readings.items()}
            best, lang = Finding.nothing(), None
            for name, reading in readings.items():
                finding = reading.finding()
                if finding.level > best.level:
                    best, lang = finding, name
            if best.level is Level.FULL and stop_at_full:
                return [Run(words, frozenset(), best, lang)]  # the model is not needed
            signals = frozenset().union(*(r.signals() for r in readings.values()))
            found.append(Run(words, signals, best, lang, bool(whole)))
        return found

    def learned_runs(self, folded: str, runs: list[Run]) -> list[Run]:
        """What the learned signal scores: the whole message (its words, and every signal the
        rules found in any sentence), as it was trained; and for a long message also every
        three sentences in a row, so a crisis line buried in a long text is not diluted.
        tools/train_crisis_model.py trains on the first of these."""
        plain = runs[: len(sentences(folded))]
        apart = any(run.apart for run in runs)
        every = frozenset().union(*(run.signals for run in runs))
        whole = Run(tuple(w for run in plain for w in run.words), every, NO_FINDING, None, apart)
        if len(folded) <= WHOLE_TEXT_CHARS:
            return [whole]
        windows = [plain[i : i + WINDOW] for i in range(max(1, len(plain) - WINDOW + 1))]
        return [
            whole,
            *(
                Run(
                    tuple(w for run in window for w in run.words),
                    frozenset().union(*(run.signals for run in window)),
                    NO_FINDING,
                    None,
                    apart,
                )
                for window in windows
            ),
        ]

    def verdict(self, text: str) -> Verdict:
        """Never raises for any str; linear in the text (cut to MAX_CHARS first)."""
        folded = fold(text[:MAX_CHARS])
        if not folded.strip():
            return NOTHING
        runs = self.runs(folded)
        top = max(runs, key=lambda run: run.finding.level, default=None)
        if top is None:
            return NOTHING
        lang = top.lang or self.guess_language(folded)
        if top.finding.level is Level.FULL:
            return Verdict(Level.FULL, top.finding.kind, lang, top.finding.why, Level.FULL, 0.0)
        scored = self.learned_runs(folded, runs)
        if len(scored[0].words) < MIN_LEARNED_WORDS:  # "0", "ok": too little to learn from
            return Verdict(
                top.finding.level, top.finding.kind, lang, top.finding.why, top.finding.level, 0.0
            )
        learned, anywhere = self.learned_both(scored)
        finding = top.finding
        if self.model is not None and learned >= self.model.threshold:
            why = f"learned {learned:.2f}"
            return Verdict(Level.FULL, "learned", lang, why, finding.level, learned)
        if self.model is not None and anywhere >= POINTER_PROBABILITY and _supported(scored[0]):
            level = max(finding.level, Level.POINTER)
            why = finding.why or f"learned {anywhere:.2f}, below the full reply"
            return Verdict(level, finding.kind or "learned", lang, why, finding.level, learned)
        return Verdict(finding.level, finding.kind, lang, finding.why, finding.level, learned)

    def learned_both(self, runs: list[Run]) -> tuple[float, float]:
        """The learned signal's highest probability over the runs the writer did not set
        apart, and over all of them, in one pass."""
        if self.model is None:
            return 0.0, 0.0
        scorer = self.model.scorer()
        mine = anywhere = 0.0
        for run in runs:
            p = scorer.probability(list(run.words), run.signals)
            anywhere = max(anywhere, p)
            if not run.apart:
                mine = max(mine, p)
        return mine, anywhere

    def matches(self, text: str) -> bool:
        """True when the text gets the full crisis reply."""
        return self.verdict(text).full

    def explain(self, text: str) -> str | None:
        verdict = self.verdict(text)
        return verdict.why if verdict.full else None


GENERIC = frozenset({"self", "subject", "present", "now", "future", "aggressor", "quantity"})


def _supported(run: Run) -> bool:
    """Whether the rules saw something of meaning in the text (a statement, a topic, a cue
    beyond "I", "now" or a number): the learned signal's gentle line below its threshold needs
    that, so "add Be kind" gets no line for a quirk of its letters."""
    for name in run.signals:
        prefix, _, kind = name.partition(":")
        if prefix in {"s", "n", "t"} or (prefix == "c" and "&" not in kind and kind not in GENERIC):
            return True
    return False
