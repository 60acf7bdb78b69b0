"""How long the crisis screen takes over hostile texts, beside the screen it replaced (v1,
kept in bench/anchors) on the same texts in the same run, and beside the cheapest screen
imaginable: case-folding the text and finding every occurrence of one phrase with one regular
expression. Every text is cut to the longest platform message (4,096 characters) first, as the
bot does before screening; the 1 MB text shows that cut.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import re
import time
from collections.abc import Callable
from pathlib import Path

from bench.anchors.crisis_v1 import Screen as ScreenV1
from bot.domain.crisis import MAX_CHARS, Screen

ROOT = Path(__file__).resolve().parents[1]
V1_LEXICON = Path(__file__).resolve().parent / "anchors" / "crisis_v1_lexicon.toml"
CORPUS = ROOT / "tests" / "data" / "crisis" / "dev.jsonl"


def _ten_kb(rng: random.Random, pieces: list[str]) -> str:
    out: list[str] = []
    while sum(map(len, out)) < 10_000:
        out.append(rng.choice(pieces))
    return "".join(out)[:10_000]


def adversarial_texts(corpus: Path = CORPUS, seed: int = 20) -> dict[str, str]:
    """10 KB texts built to be slow for a naive screen: near-misses, negations, disguises."""
    rng = random.Random(seed)
    rows = [json.loads(line) for line in corpus.read_text(encoding="utf-8").splitlines() if line]
    ordinary = [r["text"] + " " for r in rows if r["label"] == "not"]
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
        "masked letters": _ten_kb(rng, ["s*i ", "k#l ", "a_b ", "**** ", "d*e "]),
        "1 MB of one sentence": "i am so tired of all of this " * 36_000,
    }


def best_ms(check: Callable[[str], object], text: str, rounds: int) -> float:
    best = float("inf")
    for _ in range(rounds):
        started = time.perf_counter()
        check(text)
        best = min(best, time.perf_counter() - started)
    return best * 1000


async def main(rounds: int = 5) -> None:
    screen = Screen.from_folder(ROOT / "data" / "crisis")
    v1 = ScreenV1.from_toml(V1_LEXICON)
    phrase = re.compile(r"\bkill myself\b")

    def anchor(text: str) -> object:
        return phrase.findall(text.casefold())

    print(f"crisis screen over hostile texts, cut to {MAX_CHARS} characters (best of {rounds}):")
    row = "  {:<22} {:7.2f} ms   v1 {:7.2f} ms   one-phrase regex {:6.3f} ms"
    for name, text in adversarial_texts().items():
        ours = best_ms(screen.verdict, text, rounds)  # cuts the text itself
        cut = text[:MAX_CHARS]
        before = best_ms(v1.matches, cut, rounds)
        base = best_ms(anchor, cut, rounds)
        print(row.format(name, ours, before, base))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=5)
    asyncio.run(main(parser.parse_args().rounds))
