"""How long the crisis screen takes over hostile 10 KB texts, beside the cheapest screen
imaginable measured in the same run: case-folding the text and finding every occurrence of one
phrase with one regular expression. The ratio is the figure to compare between runs: a new
pattern that backtracks badly shows up as one text's ratio jumping by an order of magnitude.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import re
import time
from collections.abc import Callable
from pathlib import Path

from bot.domain.crisis import Screen

ROOT = Path(__file__).resolve().parents[1]
LEXICON = ROOT / "data" / "crisis" / "lexicon.toml"
CORPUS = ROOT / "tests" / "data" / "crisis_corpus.tsv"


def _ten_kb(rng: random.Random, pieces: list[str]) -> str:
    out: list[str] = []
    while sum(map(len, out)) < 10_000:
        out.append(rng.choice(pieces))
    return "".join(out)[:10_000]


def adversarial_texts(corpus: Path = CORPUS, seed: int = 20) -> dict[str, str]:
    """10 KB texts built to be slow for a naive screen: near-misses, negations, disguises."""
    rng = random.Random(seed)
    rows = [line.split("\t", 1) for line in corpus.read_text(encoding="utf-8").splitlines()[1:]]
    ordinary = [text + " " for label, text in rows if label == "ok"]
    return {
        "ordinary messages": _ten_kb(rng, ordinary),
        "random code points": "".join(chr(rng.randrange(0x20, 0x30000)) for _ in range(10_000)),
        "common words": _ten_kb(rng, ["i ", "not ", "my ", "to ", "want ", "he ", "is ", "no "]),
        "people and verbs": _ten_kb(rng, ["he ", "my dad ", "is ", "a grown up ", "keeps "]),
        "negated phrases": _ten_kb(rng, ["not suicidal ", "never kill myself ", "killing it "]),
        "single letters": _ten_kb(rng, ["k ", "m ", "s ", "d.", "i "]),
        "leetspeak": _ten_kb(rng, ["k1ll ", "$u1 ", "d13 ", "@ ", "!| "]),
        "zero-width": _ten_kb(rng, ["k\u200b", "i\u200d", "l\u2060", "l "]),
        "one long word": "kilmyself" * 1_112,
    }


def best_ms(check: Callable[[str], object], text: str, rounds: int) -> float:
    best = float("inf")
    for _ in range(rounds):
        started = time.perf_counter()
        check(text)
        best = min(best, time.perf_counter() - started)
    return best * 1000


async def main(rounds: int = 5) -> None:
    screen = Screen.from_toml(LEXICON)
    phrase = re.compile(r"\bkill myself\b")

    def anchor(text: str) -> object:
        return phrase.findall(text.casefold())

    print(f"crisis screen over hostile 10 KB texts (best of {rounds}):")
    row = "  {:<20} {:7.2f} ms  vs one-phrase regex {:6.3f} ms = {:5.0f}x"
    for name, text in adversarial_texts().items():
        ours = best_ms(screen.matches, text, rounds)
        base = best_ms(anchor, text, rounds)
        print(row.format(name, ours, base, ours / base))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=5)
    asyncio.run(main(parser.parse_args().rounds))
