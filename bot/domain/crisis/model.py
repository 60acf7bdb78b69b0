"""The learned signal: a logistic regression over character and word n-grams and the rules'
signals.

Trained by tools/train_crisis_model.py on the development corpus the project writes and ships
(tests/data/crisis/dev.jsonl); the weights are a plain JSON file, read at start, so the screen
runs on the CPU with no network and no model download. Character n-grams carry what a phrase
list cannot: misspellings, words it never listed, and other languages' forms of the same words.

A sentence's score is the bias, plus the weights of its distinct words' n-grams and distinct
word pairs scaled by one over the square root of their count (so a long sentence is not a
crisis for being long, nor a repeated one for repeating), plus the weights of the rules'
signals it holds (a statement, a means with a time, a distance marker...): the model learns
from the corpus how much each is worth beside the words. A word's n-gram weights are summed
once and remembered, as words repeat.
"""

from __future__ import annotations

import itertools
import json
import math
import sys
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

NGRAMS = (3, 4, 5)
WORD_CACHE = 50_000  # words remembered before the cache starts afresh
SIGNAL = "r "  # a feature naming one of the rules' signals (rules.Reading.signals)


def word_features(word: str, sizes: Iterable[int] = NGRAMS) -> Iterator[str]:
    """The word itself and its character n-grams, the word padded with spaces."""
    yield "w " + word
    padded = f" {word} "
    for n in sizes:
        for i in range(max(1, len(padded) - n + 1)):
            yield padded[i : i + n]


def features(words: list[str], sizes: Iterable[int] = NGRAMS) -> Iterator[str]:
    """Every feature of a run of words: each distinct word's features, each distinct pair.
    Distinct, so a text that repeats itself scores no higher than saying it once."""
    sizes = tuple(sizes)
    for word in dict.fromkeys(words):
        yield from word_features(word, sizes)
    for a, b in dict.fromkeys(itertools.pairwise(words)):
        yield f"b {a} {b}"


@dataclass(frozen=True, repr=False)
class NgramModel:
    bias: float
    weights: Mapping[str, float]
    threshold: float  # a probability at or above this is the learned signal firing
    sizes: tuple[int, ...] = NGRAMS
    cache: dict[str, tuple[float, int]] = field(default_factory=dict, compare=False)
    pairs: dict[tuple[str, str], float] = field(default_factory=dict, compare=False)
    signals: dict[str, float] = field(default_factory=dict, compare=False)

    def __post_init__(self) -> None:
        """Word pairs' weights keyed by the pair itself, and the rules' signals' weights by
        their names, so scoring builds no strings. They then leave `weights` (which keeps the
        words' features only), and a pair's words are shared with every other pair that has
        them: each Haven process holds the model, and these two halve what it costs."""
        words: dict[str, float] = {}
        for key, weight in self.weights.items():
            if key.startswith("b "):
                a, _, b = key[2:].partition(" ")
                self.pairs[(sys.intern(a), sys.intern(b))] = weight
            elif key.startswith(SIGNAL):
                self.signals[key[len(SIGNAL) :]] = weight
            else:
                words[key] = weight
        object.__setattr__(self, "weights", words)  # frozen: set once, here

    @classmethod
    def load(cls, path: Path) -> NgramModel:
        doc = json.loads(path.read_text(encoding="utf-8"))
        return cls(
            float(doc["bias"]),
            {k: float(v) for k, v in doc["weights"].items()},
            float(doc["threshold"]),
            tuple(doc.get("ngrams", NGRAMS)),
        )

    def scorer(self) -> Scorer:
        """A scorer: it remembers each distinct word's weight sum, across texts (bounded)."""
        return Scorer(self, self.cache)

    def probability(
        self, words: list[str], signals: frozenset[str] | set[str] = frozenset()
    ) -> float:
        return self.scorer().probability(words, signals)


class Scorer:
    def __init__(self, model: NgramModel, cache: dict[str, tuple[float, int]]) -> None:
        self.model = model
        self.cache = cache

    def _word(self, word: str) -> tuple[float, int]:
        if (hit := self.cache.get(word)) is None:
            weights = self.model.weights
            total = count = 0
            for feature in word_features(word, self.model.sizes):
                total += weights.get(feature, 0.0)
                count += 1
            if len(self.cache) >= WORD_CACHE:
                self.cache.clear()
            hit = self.cache[word] = (total, count)
        return hit

    def score(self, words: list[str], signals: frozenset[str] | set[str] = frozenset()) -> float:
        """The raw score (log-odds) of a run of words and the rules' signals in it: the same
        sum as the training matrix (tools/train_crisis_model.py), word by word."""
        if not words:
            return -math.inf
        pairs, cache = self.model.pairs, self.cache
        total, count = 0.0, 0
        for word in dict.fromkeys(words):
            part, n = cache.get(word) or self._word(word)
            total += part
            count += n
        for pair in dict.fromkeys(itertools.pairwise(words)):
            total += pairs.get(pair, 0.0)
            count += 1
        known = self.model.signals
        rules = sum(known[name] for name in known.keys() & signals)
        return self.model.bias + total / math.sqrt(count) + rules

    def probability(
        self, words: list[str], signals: frozenset[str] | set[str] = frozenset()
    ) -> float:
        score = self.score(words, signals)
        return 0.0 if score == -math.inf else 1.0 / (1.0 + math.exp(-max(-50.0, score)))
