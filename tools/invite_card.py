"""Renders an example invitation card (`/invite`) for a sample community to docs/invite-card.png
and its alt text to docs/invite-card.txt, so the card's look can be reviewed without a running
bot: `python tools/invite_card.py`."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.charts.invite import InviteCard, alt_text, draw_invite  # noqa: E402

SAMPLE = InviteCard(
    name="Calm Harbour",
    focus="anxiety",
    about="A friendly place to talk about anxiety, every day of the week.",
    rules=(
        "Be kind and respectful: everyone here is doing their best.",
        "What is shared here stays here.",
        "Share your experience, not advice about medication or diagnoses.",
    ),
    link="https://t.me/+calmharbour-example",
    language="en",
)


def main(folder: Path = ROOT / "docs") -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "invite-card.png").write_bytes(draw_invite(SAMPLE))
    (folder / "invite-card.txt").write_text(alt_text(SAMPLE) + "\n", encoding="utf-8")
    print(f"wrote {folder / 'invite-card.png'} and {folder / 'invite-card.txt'}")


if __name__ == "__main__":
    main()
