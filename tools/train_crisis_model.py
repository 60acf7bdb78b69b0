"""Train the crisis screen's learned signal from the development corpus, reproducibly.

    pip install -e ".[train]"
    python tools/train_crisis_model.py            # writes data/crisis/model.json
    python tools/train_crisis_model.py --check    # cross-validation figures only

A logistic regression (scikit-learn, liblinear, fixed seed) over the character and word n-grams
of bot/domain/crisis/model.py and the rules' signals, trained on tests/data/crisis/dev.jsonl
only: the held-out set is never read here. The threshold is chosen by cross-validation of the
whole screen (rules and learned signal together, sentence by sentence, as it runs in the bot)
with folds by writer batch, so each fold is judged on writers the model never saw: the lowest
threshold whose out-of-fold false alarms stay within --max-false-alarms. The file records the
corpus hash, so a test fails when the corpus changes and the model was not retrained.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import sys
from collections import Counter
from pathlib import Path

import numpy as np
from scipy.sparse import csr_matrix
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.domain.crisis import Level, Screen  # noqa: E402
from bot.domain.crisis.model import NGRAMS, SIGNAL, NgramModel, features  # noqa: E402
from bot.domain.crisis.screen import MIN_LEARNED_WORDS  # noqa: E402
from bot.domain.crisis.text import MAX_CHARS, fold  # noqa: E402

DEV = ROOT / "tests" / "data" / "crisis" / "dev.jsonl"
RULES = Path(os.environ.get("HAVEN_CRISIS_RULES", ROOT / "data" / "crisis"))
OUT = ROOT / "data" / "crisis" / "model.json"
SEED = 20261202


Example = tuple[list[str], frozenset[str]]  # a message's words, and the rules' signals in it


def example(rules: Screen, text: str) -> Example:
    """The message whole, as the screen gives it to the learned signal: its words, and every
    signal the rules found in any sentence (Screen.learned_runs)."""
    folded = fold(text[:MAX_CHARS])
    whole = rules.learned_runs(folded, rules.runs(folded, stop_at_full=False))[0]
    return list(whole.words), whole.signals


def matrix(texts: list[Example], vocab: dict[str, int], grow: bool) -> csr_matrix:
    rows, cols, vals = [], [], []
    for i, (words, signals) in enumerate(texts):
        counts = Counter(features(words))
        total = sum(counts.values()) or 1
        scale = 1 / math.sqrt(total)
        for name in signals:
            counts[SIGNAL + name] = math.sqrt(total)  # signals are not scaled by length
        for feature, n in counts.items():
            j = vocab.get(feature)
            if j is None and grow:
                j = vocab[feature] = len(vocab)
            if j is not None:
                rows.append(i)
                cols.append(j)
                vals.append(n * scale)
    return csr_matrix((vals, (rows, cols)), shape=(len(texts), len(vocab)))


def fit(texts: list[Example], labels: list[int], c: float) -> tuple[float, dict[str, float]]:
    vocab: dict[str, int] = {}
    x = matrix(texts, vocab, grow=True)
    model = LogisticRegression(
        C=c, solver="liblinear", class_weight="balanced", max_iter=2000, random_state=SEED
    )
    model.fit(x, np.array(labels))
    coef = model.coef_[0]
    weights = {f: float(coef[j]) for f, j in vocab.items() if abs(coef[j]) >= 1e-4}
    return float(model.intercept_[0]), weights


def load() -> list[dict]:
    return [json.loads(line) for line in DEV.read_text(encoding="utf-8").splitlines() if line]


def cross_validate(rows: list[dict], c: float, folds: int) -> list[tuple[bool, Level, float]]:
    """Out-of-fold (crisis?, rules level, learned probability) for every row."""
    rules = Screen.from_folder(RULES, learned=False)
    texts = [example(rules, r["text"]) for r in rows]
    labels = [int(r["label"] == "crisis") for r in rows]
    found: list[tuple[bool, Level, float]] = [(False, Level.NONE, 0.0)] * len(rows)
    # Folds by writer batch: a model is judged on messages by writers it never saw, as it will
    # be on the held-out set and in the bot.
    groups = [r.get("batch", "") for r in rows]
    split = GroupKFold(n_splits=min(folds, len(set(groups))))
    for train, test in split.split(texts, labels, groups):
        bias, weights = fit([texts[i] for i in train], [labels[i] for i in train], c)
        screen = Screen(rules.rules, NgramModel(bias, weights, 2.0))  # threshold unused here
        for i in test:
            folded = fold(rows[i]["text"][:MAX_CHARS])
            level = rules.verdict(rows[i]["text"]).level
            runs = screen.learned_runs(folded, screen.runs(folded, stop_at_full=False))
            short = len(runs[0].words) < MIN_LEARNED_WORDS  # as Screen.verdict: rules alone
            found[i] = (bool(labels[i]), level, 0.0 if short else screen.learned_both(runs)[0])
    return found


def choose(found: list[tuple[bool, Level, float]], max_alarms: float) -> tuple[float, str]:
    """The lowest threshold whose whole-screen out-of-fold false alarms stay within bounds."""
    crisis = sum(1 for c, _, _ in found if c)
    other = len(found) - crisis
    best = (1.0, "")
    for t in [x / 100 for x in range(99, 4, -1)]:
        full = [c for c, level, p in found if level is Level.FULL or p >= t]
        caught = sum(full)
        alarms = len(full) - caught
        if alarms / other <= max_alarms:
            best = (
                t,
                f"threshold {t:.2f}: recall {caught / crisis:.3f}, alarms {alarms / other:.3f}",
            )
    return best


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Train the crisis screen's learned signal.")
    parser.add_argument("--c", type=float, default=4.0, help="inverse regularisation")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--max-false-alarms", type=float, default=0.08)
    parser.add_argument("--check", action="store_true", help="cross-validate, write nothing")
    args = parser.parse_args(argv)
    rows = load()
    found = cross_validate(rows, args.c, args.folds)
    print("out-of-fold, the whole screen (rules, or learned at or above the threshold):")
    crisis = sum(1 for c, _, _ in found if c)
    for t in (0.5, 0.6, 0.7, 0.8, 0.9, 0.95):
        full = [c for c, level, p in found if level is Level.FULL or p >= t]
        alarms = (len(full) - sum(full)) / (len(found) - crisis)
        print(f"  threshold {t:.2f}: recall {sum(full) / crisis:.3f}, false alarms {alarms:.3f}")
    threshold, summary = choose(found, args.max_false_alarms)
    print(f"cross-validated on {len(rows)} development messages: {summary}")
    if args.check:
        return 0
    rules = Screen.from_folder(RULES, learned=False)
    labels = [int(r["label"] == "crisis") for r in rows]
    bias, weights = fit([example(rules, r["text"]) for r in rows], labels, args.c)
    digest = hashlib.sha256(DEV.read_bytes()).hexdigest()
    doc = {
        "about": "Logistic regression over n-grams; tools/train_crisis_model.py writes it.",
        "trained_on": {"file": "tests/data/crisis/dev.jsonl", "sha256": digest, "rows": len(rows)},
        "c": args.c,
        "ngrams": list(NGRAMS),
        "threshold": threshold,
        "cross_validation": summary,
        "bias": round(bias, 6),
        "weights": {k: round(v, 5) for k, v in sorted(weights.items())},
    }
    OUT.write_text(json.dumps(doc, ensure_ascii=False, indent=0) + "\n", encoding="utf-8")
    print(f"wrote {OUT.relative_to(ROOT)}: {len(weights)} weights, threshold {threshold:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
