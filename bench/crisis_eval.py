"""The crisis screen on the frozen held-out set, beside the screen it replaced, in one run.

    python -m bench.crisis_eval            # held-out figures: overall, per kind, language, style
    python -m bench.crisis_eval --dev      # the development corpus, with every miss and alarm

Recall is the share of crisis messages that get the full crisis reply; a false alarm is the full
reply to a message that is not a crisis (the one-line pointer is not an alarm). Intervals are
Wilson 95%. The held-out set was written blind to the screen and is never tuned on, so this
command prints no held-out message text. Times are per message, median and p99, at 280 and
4,096 characters, for each screen on the same texts in the same run.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from bench.anchors.crisis_v1 import Screen as ScreenV1
from bot.domain.crisis import Screen

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data" / "crisis"
HELDOUT = DATA / "heldout.jsonl"
# Brazilian Portuguese, added with its rules: written blind by another writer, frozen the same.
HELDOUT_PT = DATA / "heldout_pt.jsonl"
DEV = DATA / "dev.jsonl"
RULES = ROOT / "data" / "crisis"
V1_LEXICON = Path(__file__).resolve().parent / "anchors" / "crisis_v1_lexicon.toml"
Judge = Callable[[str], int]  # 0 none, 1 pointer, 2 full


@dataclass(frozen=True)
class Row:
    id: str
    text: str
    crisis: bool
    kind: str
    lang: str
    style: str
    batch: str


def load(path: Path) -> list[Row]:
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            r = json.loads(line)
            rows.append(
                Row(
                    r["id"],
                    r["text"],
                    r["label"] == "crisis",
                    r["kind"],
                    r["lang"],
                    r["style"],
                    r.get("batch", "heldout"),
                )
            )
    return rows


def wilson(k: int, n: int, z: float = 1.96) -> tuple[float, float]:
    if n == 0:
        return (math.nan, math.nan)
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return (max(0.0, centre - half), min(1.0, centre + half))


def rate(k: int, n: int) -> str:
    lo, hi = wilson(k, n)
    return f"{k:>4}/{n:<4} {k / n if n else math.nan:5.3f} [{lo:.3f}-{hi:.3f}]"


def screens(rules_dir: Path = RULES) -> dict[str, Judge]:
    """Today's screen (v1, kept in bench/anchors as it was), and the new one with and without
    its learned signal."""
    v1 = ScreenV1.from_toml(V1_LEXICON)
    full = Screen.from_folder(rules_dir)
    rules = Screen.from_folder(rules_dir, learned=False)
    return {
        "before (v1 lexicon)": lambda t: 2 if v1.matches(t) else 0,
        "rules only": lambda t: int(rules.verdict(t).level),
        "rules + learned": lambda t: int(full.verdict(t).level),
    }


def report(
    rows: list[Row],
    judges: dict[str, Judge],
    *,
    show: bool,
    why: Callable[[str], str] | None = None,
) -> dict[str, dict]:
    results = {name: [judge(r.text) for r in rows] for name, judge in judges.items()}
    names = list(judges)
    width = 34
    print(f"{'':<{width}}" + "".join(f"{n:>32}" for n in names))

    def line(label: str, pick: Iterable[int], crisis: bool) -> None:
        idx = list(pick)
        cells = []
        for name in names:
            got = results[name]
            k = sum(1 for i in idx if (got[i] == 2) == crisis)
            if crisis:
                cells.append(rate(k, len(idx)))
            else:
                cells.append(rate(len(idx) - k, len(idx)))
        print(f"{label:<{width}}" + "".join(f"{c:>32}" for c in cells))

    crisis = [i for i, r in enumerate(rows) if r.crisis]
    other = [i for i, r in enumerate(rows) if not r.crisis]
    print("RECALL (full reply to a crisis message)")
    line("  all crisis", crisis, True)
    for group in ("kind", "lang", "style"):
        buckets: dict[str, list[int]] = defaultdict(list)
        for i in crisis:
            buckets[getattr(rows[i], group)].append(i)
        for key in sorted(buckets):
            line(f"  {group} {key}", buckets[key], True)
    print("FALSE ALARMS (full reply to a message that is not a crisis)")
    line("  all not-crisis", other, False)
    for group in ("kind", "lang", "style"):
        buckets = defaultdict(list)
        for i in other:
            buckets[getattr(rows[i], group)].append(i)
        for key in sorted(buckets):
            line(f"  {group} {key}", buckets[key], False)
    pointer = {n: sum(1 for i in other if results[n][i] == 1) for n in names}
    print("  pointer only (not an alarm): " + ", ".join(f"{n} {pointer[n]}" for n in names))
    if show:
        last = names[-1]
        print(f"\nMISSED by {last}:")
        for i in crisis:
            if results[last][i] != 2:
                print(f"  [{rows[i].id} {rows[i].kind}/{rows[i].lang}] {rows[i].text[:300]!r}")
        print(f"\nFALSE ALARMS of {last}:")
        for i in other:
            if results[last][i] == 2:
                print(f"  [{rows[i].id} {rows[i].kind}/{rows[i].lang}] {rows[i].text[:300]!r}")
                if why is not None:
                    print(f"      <- {why(rows[i].text)}")
    return results


def timing_texts(rows: list[Row], size: int, count: int, seed: int = 11) -> list[str]:
    """Texts of exactly `size` characters made of the set's own messages, run together."""
    rng = random.Random(seed)
    texts = []
    for _ in range(count):
        parts: list[str] = []
        while sum(len(p) + 1 for p in parts) < size:
            parts.append(rng.choice(rows).text)
        texts.append(" ".join(parts)[:size])
    return texts


def timing(rows: list[Row], judges: dict[str, Judge]) -> None:
    print("TIME PER MESSAGE (ms): median / p99")
    for size, count in ((280, 400), (4096, 100)):
        texts = timing_texts(rows, size, count)
        cells = []
        for judge in judges.values():
            for text in texts[:10]:
                judge(text)  # warm caches, as a running bot would be
            times = []
            for text in texts:
                start = time.perf_counter()
                judge(text)
                times.append((time.perf_counter() - start) * 1000)
            times.sort()
            p99 = times[min(len(times) - 1, int(len(times) * 0.99))]
            cells.append(f"{statistics.median(times):7.3f} / {p99:7.3f}")
        print(f"  {size:>5} chars{'':<22}" + "".join(f"{c:>32}" for c in cells))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dev", action="store_true", help="the development corpus, with misses")
    parser.add_argument("--no-timing", action="store_true")
    parser.add_argument("--batch", action="append", help="only these development batches")
    parser.add_argument("--lang", action="append", help="only these languages")
    parser.add_argument("--rules", type=Path, default=RULES, help="a folder of rules to try")
    args = parser.parse_args(argv)
    path = DEV if args.dev else HELDOUT
    rows = load(path) if args.dev else load(HELDOUT) + load(HELDOUT_PT)
    if args.batch:
        rows = [r for r in rows if r.batch in args.batch]
    if args.lang:
        rows = [r for r in rows if r.lang in args.lang]
    judges = screens(args.rules)
    shown = path.relative_to(ROOT) if args.dev else "the held-out sets"
    print(f"{shown}: {len(rows)} messages, {sum(r.crisis for r in rows)} crisis")
    explain = Screen.from_folder(args.rules)
    report(rows, judges, show=args.dev, why=lambda t: explain.verdict(t).why)
    if not args.no_timing:
        timing(rows, judges)
    return 0


if __name__ == "__main__":
    sys.exit(main())
