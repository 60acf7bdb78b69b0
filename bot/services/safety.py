"""The crisis screen's verdicts and the fixed, reviewed texts that answer them.

Everything a crisis reply needs (the screen, the texts in each language, the helplines) is held
in memory from start-up; the database is asked only for the member's country and safety plan,
with a short timeout, so a locked or broken database never delays or stops a crisis reply.
"""

from __future__ import annotations

import asyncio
import logging
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from babel import Locale
from cachetools import LRUCache

from bot import DATA_DIR
from bot.catalog import Catalog, Contact
from bot.core.messages import Request
from bot.domain.crisis import Level, Screen, Verdict
from bot.domain.safety_plan import STEPS, SafetyPlan
from bot.services.people import PeopleService
from bot.services.safety_plans import SafetyPlanService
from bot.settings import Settings

log = logging.getLogger(__name__)
LOOKUP_SECONDS = 0.5
SOURCE_LANGUAGE = "en"
TEXTS = DATA_DIR / "texts" / "safety"
# Short texts the screen found nothing in, remembered: many members send the same few words
# ("/checkin 4", "3 tired", "help"), and the screen is the largest cost of such a command.
# Only NONE is kept, so a text that got a crisis reply or a pointer is never held in memory.
QUIET_CHARS = 48
QUIET_TEXTS = 4096


def load_texts(folder: Path = TEXTS) -> dict[str, dict[str, str]]:
    """Every language file; a key missing in one language falls back to English, so a reply is
    never blank (a test checks that the crisis keys are all present in every language)."""
    found: dict[str, dict[str, str]] = {}
    for path in sorted(folder.glob("*.toml")):
        with path.open("rb") as handle:
            found[path.stem] = tomllib.load(handle)
    source = found[SOURCE_LANGUAGE]
    return {lang: {**source, **table} for lang, table in found.items()}


@dataclass(frozen=True)
class MemberContext:
    """What a crisis reply may use from the database, or the defaults when it did not answer."""

    country: str | None
    lead_alerts: bool
    plan: SafetyPlan
    awaiting: str | None = None  # the safety plan step the member is being asked for


class SafetyService:
    def __init__(
        self,
        screen: Screen,
        catalog: Catalog,
        people: PeopleService,
        plans: SafetyPlanService,
        settings: Settings,
        texts: Mapping[str, Mapping[str, str]] | None = None,
    ) -> None:
        self.screen = screen
        self.catalog = catalog
        self.people = people
        self.plans = plans
        self.settings = settings
        self.texts = texts if texts is not None else load_texts()
        self._quiet: LRUCache[str, Verdict] = LRUCache(maxsize=QUIET_TEXTS)

    @property
    def languages(self) -> tuple[str, ...]:
        return tuple(self.texts)

    def verdict(self, text: str) -> Verdict:
        """The screen's verdict (the same, whether remembered or not: the screen is a pure
        function of the text)."""
        if len(text) > QUIET_CHARS:
            return self.screen.verdict(text)
        if (known := self._quiet.get(text)) is not None:
            return known
        verdict = self.screen.verdict(text)
        if verdict.level is Level.NONE:
            self._quiet[text] = verdict
        return verdict

    def language(self, request: Request, verdict: Verdict | None = None) -> str:
        """The language of a safety reply: the one the member wrote in, when the screen could
        tell; else what their platform reports; else `bot.language`."""
        for candidate in (verdict.lang if verdict else None, request.locale):
            code = (candidate or "").replace("_", "-").split("-")[0].casefold()
            if code in self.texts:
                return code
        return self.texts_for(self.settings.bot.language)

    def texts_for(self, language: str) -> str:
        """The safety texts' language for a catalogue's ("pt_BR" reads pt.toml), English
        when there is no file for it."""
        code = language.split("_")[0].casefold()
        return code if code in self.texts else SOURCE_LANGUAGE

    def text(self, lang: str, key: str) -> str:
        return self.texts.get(lang, self.texts[SOURCE_LANGUAGE])[key]

    async def context(self, request: Request) -> MemberContext:
        """Country, lead alerts and safety plan if the database answers quickly."""
        try:
            async with asyncio.timeout(LOOKUP_SECONDS):
                member = await self.people.members.find(
                    request.actor.platform, request.actor.user_id
                )
                community = await self.people.community_of(request.place)
                if community is None and member is not None:
                    community = await self.people.communities.last_seen_in(member.id)
                plan, awaiting = SafetyPlan(), None
                if member is not None:
                    plan = await self.plans.plan(member.id)
                    awaiting = await self.plans.awaiting(member.id, request.at)
                alerts = bool(community and community.alert_member_id)
                country = self.people.country(member, community)
                return MemberContext(country, alerts, plan, awaiting)
        except Exception:
            log.warning(
                "member lookup failed for a crisis reply; using the defaults", exc_info=True
            )
            return MemberContext(self.settings.bot.country, False, SafetyPlan())

    def plan_text(self, lang: str, plan: SafetyPlan, *, excerpt: bool) -> str:
        titles = {step: self.text(lang, f"plan_{step}") for step in STEPS}
        body = plan.render(titles, self.text(lang, "plan_heading"), excerpt=excerpt)
        return f"{body}\n{self.text(lang, 'plan_more')}" if excerpt else body

    def sos_text(self, lang: str, country: str | None, plan: SafetyPlan) -> str:
        parts = [self.plan_text(lang, plan, excerpt=True)] if not plan.empty else []
        parts.append(self.text(lang, "sos_intro"))
        lines = self.catalog.lines_for(country)
        if lines.emergency:
            parts.append(self.text(lang, "sos_emergency").format(number=lines.emergency))
        parts.append(self.helplines(lang, country))
        parts.append(self.text(lang, "sos_close"))
        return "\n\n".join(parts)

    def crisis_text(self, lang: str, country: str | None, plan: SafetyPlan) -> str:
        """The full crisis reply: the member's plan first, then the fixed texts and lines."""
        sos = self.sos_text(lang, country, SafetyPlan())
        parts = [self.plan_text(lang, plan, excerpt=True)] if not plan.empty else []
        return "\n\n".join([*parts, self.text(lang, "crisis_intro"), sos])

    def pointer(self, lang: str) -> str:
        return self.text(lang, "pointer")

    def country_name(self, lang: str, code: str) -> str:
        try:
            return Locale.parse(lang).territories.get(code.upper()) or code.upper()
        except Exception:  # an unknown locale must never take a crisis reply down
            return self.catalog.countries.get(code.upper(), code.upper())

    def _how(self, lang: str, contact: Contact) -> str:
        verb = self.texts[lang].get(f"method_{contact.method}", contact.method)
        reach = " ".join(x for x in (contact.dial, contact.url) if x)
        note = f" ({contact.note})" if contact.note else ""
        return f"{verb} {reach}{note}"

    def helplines(self, lang: str, country: str | None) -> str:
        """Lines for the country in the reply's language; the international directory when we
        hold none for it. Only reviewed data files are read: no database, no network."""
        found = self.catalog.lines_for(country)
        if country and found.code != country.upper():
            parts = [self.text(lang, "no_lines").format(country=self.country_name(lang, country))]
        elif found.code == self.catalog.international.code:
            name = self.text(lang, "international")
            parts = [self.text(lang, "helplines_in").format(country=name)]
        else:
            name = self.country_name(lang, found.code)
            parts = [self.text(lang, "helplines_in").format(country=name)]
        if found.emergency:
            parts.append(self.text(lang, "emergency_line").format(number=found.emergency))
        for line in found.lines:
            contacts = "; ".join(
                f"{self._how(lang, c)} ({c.hours})" if c.hours else self._how(lang, c)
                for c in line.contacts
            )
            parts.append(f"• {line.name}: {contacts}")
        if found.code != self.catalog.international.code:
            directory = self.catalog.international.lines[0]
            link = directory.website or directory.source
            parts.append(self.text(lang, "elsewhere").format(name=directory.name, link=link))
        return "\n".join(parts)
