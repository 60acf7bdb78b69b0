"""Console transcripts of Haven in each language, for translators and reviewers to read what
members see: a check-in, /mood, /resources, /helpline, /sos, a crisis message, the rules in a
group, a welcome and a milestone, each in one language, on a simulated clock.

    python tools/language_transcripts.py          # writes docs/transcripts/<language>.txt
    python tools/language_transcripts.py es       # prints the Spanish one

The member's app reports the language (`:lang`, as Telegram and Discord do) and the group's
lead sets the group's (`/community language`); nothing else differs between the transcripts.
`tests/integration/test_language_transcripts.py` runs the same script and fails when a
committed transcript is out of date or a reply is still in English.
"""

from __future__ import annotations

import asyncio
import io
import random
import sys
import tempfile
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from adapters.console.adapter import ConsoleAdapter  # noqa: E402
from bot.app import build  # noqa: E402
from bot.core.clock import SimulatedClock  # noqa: E402
from bot.i18n import LANGUAGES  # noqa: E402
from bot.settings import Settings  # noqa: E402

OUT = ROOT / "docs" / "transcripts"
START = "2026-01-05T08:00:00+00:00"
# A crisis message as a member might write it in each language (the screen must answer it in
# that language, whatever the member's settings). Bare words only, as safe messaging asks.
CRISIS = {
    "en": "I don't want to be alive anymore",
    "es": "ya no quiero seguir viviendo",
    "de": "ich will nicht mehr leben",
    "fr": "je ne veux plus vivre",
    "pt_BR": "não quero mais viver",
}
# The platform code a member's app would report.
LOCALE = {"en": "en-GB", "es": "es-419", "de": "de-AT", "fr": "fr-CA", "pt_BR": "pt-BR"}
# Each language's code for /community language (as a lead would type it).
GROUP = {"en": "en", "es": "es", "de": "de", "fr": "fr", "pt_BR": "pt-BR"}


def script(language: str) -> list[str]:
    return [
        f":lang {LOCALE[language]}",
        "/checkin",
        ":press 4",
        ":press 1",
        ":press 7",
        "/checkin note long day",
        "/mood",
        "/resources",
        "/resources grief",
        "/helpline",
        "/sos",
        CRISIS[language],
        "/cope",
        ":in lounge",
        ":as sam lead",
        f":lang {LOCALE[language]}",
        f"/community language {GROUP[language]}",
        "/rules",
        ":join kim",
        ":as kim",
        f":lang {LOCALE[language]}",
        ":press 1",
        ":press 2",
        ":dm",
        "/consent yes",
        '/milestone add "sober" 2026-01-01',
        ":clock 2026-01-08T10:00",
        "/settings",
    ]


def transcript(language: str, folder: Path) -> str:
    """The console's output for `script(language)`, with a fresh database in `folder`."""
    out = io.StringIO()

    async def session() -> None:
        settings = Settings(bot={"database": str(folder / f"{language}.db")})
        clock = SimulatedClock(datetime.fromisoformat(START))
        app = build(settings, clock=clock, rng=random.Random(0), cooldown=False)
        await app.start()
        try:
            console = ConsoleAdapter(
                app, clock, out=out, attachments=folder / "attachments", zone="UTC"
            )
            await console.run(io.StringIO("\n".join(script(language)) + "\n"))
        finally:
            await app.close()

    asyncio.run(session())
    return out.getvalue()


def main(argv: list[str]) -> int:
    wanted = argv or list(LANGUAGES)
    with tempfile.TemporaryDirectory() as folder:
        for language in wanted:
            text = transcript(language, Path(folder))
            if argv:
                print(text)
            else:
                OUT.mkdir(parents=True, exist_ok=True)
                (OUT / f"{language}.txt").write_text(text, encoding="utf-8")
                print(f"wrote docs/transcripts/{language}.txt")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
