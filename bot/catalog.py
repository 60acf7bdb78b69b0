"""The reviewed data Haven ships in data/, loaded once at start into plain objects.

Helplines live in memory on purpose: a crisis reply must not depend on the database (or the
network) being up.
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass, field
from functools import cache
from importlib import resources as package_files
from pathlib import Path
from typing import Any

from bot import DATA_DIR, i18n
from bot.domain.search import KINDS
from bot.i18n import NC_, pgettext
from bot.storage.resources import NewResource

INTERNATIONAL = "INTL"
# How each contact method is used, as people would say it: "call 988", "text 741741".
HOW = {
    "phone": NC_("helpline contact", "call {reach}"),
    "text": NC_("helpline contact", "text {reach}"),
    "chat": NC_("helpline contact", "chat {reach}"),
    "email": NC_("helpline contact", "email {reach}"),
    "app": NC_("helpline contact", "app {reach}"),
}


@dataclass(frozen=True)
class Topic:
    slug: str
    title: str
    summary: str


@dataclass(frozen=True)
class Exercise:
    slug: str
    title: str
    minutes: int
    feelings: tuple[str, ...]
    steps: tuple[str, ...]


@dataclass(frozen=True)
class Prompt:
    """A creative or reflective prompt (data/prompts.toml), or a circle's opening round."""

    id: str
    theme: str  # one of THEMES, or ROUND
    focus: tuple[str, ...]
    text: str


@dataclass(frozen=True)
class Template:
    """A starting point for a gathering (data/event_templates.toml)."""

    slug: str
    kind: str
    title: str
    minutes: int
    agenda: tuple[str, ...]


@dataclass(frozen=True)
class Question:
    """A course quiz question: `answer` is the index of the right option (from 0)."""

    question: str
    options: tuple[str, ...]
    answer: int
    why: str


@dataclass(frozen=True)
class Module:
    """A module of the supporter course (data/course.toml): screens, then a short quiz."""

    slug: str
    title: str
    minutes: int
    sources: tuple[str, ...]
    screens: tuple[str, ...]
    quiz: tuple[Question, ...]


THEMES = ("writing", "drawing", "movement", "gratitude", "mindfulness", "reflection")
ROUND = "round"


@dataclass(frozen=True)
class Contact:
    method: str
    dial: str | None
    url: str | None
    hours: str
    note: str | None

    def how(self) -> str:
        """ "call 988", "text 741741 (text HOME)", "chat https://..." as people would do it, in
        the member's language (the note, from the reviewed data, as it is written there)."""
        reach = " ".join(x for x in (self.dial, self.url) if x)
        note = f" ({self.note})" if self.note else ""
        if self.method not in HOW:
            return f"{self.method} {reach}{note}"
        return pgettext("helpline contact", HOW[self.method]).format(reach=reach) + note


@dataclass(frozen=True)
class Helpline:
    id: str
    name: str
    contacts: tuple[Contact, ...]
    description: str
    website: str | None
    source: str
    verified_at: str


@dataclass(frozen=True)
class CountryLines:
    code: str
    name: str
    emergency: str | None
    lines: tuple[Helpline, ...]


@dataclass(frozen=True)
class Translation:
    """One language's translation of the shipped data (data/locale/<language>.toml): what a
    translator writes beside the message catalogue. What it lacks is shown in English."""

    rules: tuple[str, ...] = ()
    privacy: dict[str, str] = field(default_factory=dict)
    topics: dict[str, Topic] = field(default_factory=dict)
    exercises: dict[str, tuple[str, tuple[str, ...]]] = field(default_factory=dict)
    prompts: dict[str, str] = field(default_factory=dict)  # prompt or round id -> text
    templates: dict[str, tuple[str, tuple[str, ...]]] = field(default_factory=dict)
    course: dict[str, Module] = field(default_factory=dict)


@dataclass(frozen=True)
class Catalog:
    topics: dict[str, Topic]
    resources: tuple[NewResource, ...]
    exercises: tuple[Exercise, ...]
    rules: tuple[str, ...]
    helplines: dict[str, CountryLines]
    countries: dict[str, str] = field(default_factory=dict)  # ISO code -> name
    translations: dict[str, Translation] = field(default_factory=dict)  # language -> its data
    prompts: tuple[Prompt, ...] = ()  # themed prompts, then the circles' opening rounds
    templates: tuple[Template, ...] = ()
    course: tuple[Module, ...] = ()

    def module(self, slug: str, language: str | None = None) -> Module | None:
        """A course module in `language` (the request's when None), else in English."""
        found = self._translation(language).course.get(slug)
        if found is not None:
            return found
        return next((m for m in self.course if m.slug == slug), None)

    def _translation(self, language: str | None = None) -> Translation:
        return self.translations.get(language or i18n.language()) or Translation()

    def topic(self, slug: str) -> Topic | None:
        """A shipped topic, titled in the language of the request."""
        return self._translation().topics.get(slug) or self.topics.get(slug)

    def topic_titles(self) -> dict[str, tuple[str, ...]]:
        """Each topic's title in every language, for understanding what a member types."""
        return {
            slug: (
                topic.title,
                *(t.topics[slug].title for t in self.translations.values() if slug in t.topics),
            )
            for slug, topic in self.topics.items()
        }

    def exercise_shown(self, exercise: Exercise) -> Exercise:
        """A coping exercise in the language of the request."""
        found = self._translation().exercises.get(exercise.slug)
        if found is None:
            return exercise
        title, steps = found
        return Exercise(exercise.slug, title, exercise.minutes, exercise.feelings, steps)

    def prompt_shown(self, prompt: Prompt, language: str | None = None) -> str:
        """A prompt's text in `language` (the request's when None)."""
        return self._translation(language).prompts.get(prompt.id) or prompt.text

    def template_shown(self, template: Template, language: str | None = None) -> Template:
        """A gathering's template in `language` (the request's when None)."""
        found = self._translation(language).templates.get(template.slug)
        if found is None:
            return template
        title, agenda = found
        return Template(template.slug, template.kind, title, template.minutes, agenda)

    def find_template(self, name: str) -> Template | None:
        """The template a lead names by its slug or its title in any language ("Sharing
        circle", "Círculo de partilha"), accents and case aside; None for any other title."""
        wanted = " ".join(i18n.folded(name).split())
        for template in self.templates:
            titles = [template.slug, template.title]
            titles += [
                t.templates[template.slug][0]
                for t in self.translations.values()
                if template.slug in t.templates
            ]
            if wanted in {i18n.folded(title) for title in titles}:
                return template
        return None

    def default_rules(self, language: str | None = None) -> tuple[str, ...]:
        """The default ground rules in `language` (the request's when None)."""
        return self._translation(language).rules or self.rules

    def privacy_text(self, english: dict[str, str], key: str) -> str:
        """A consent text (data/texts/privacy.toml's `key`) in the language of the request."""
        return self._translation().privacy.get(key) or english[key]

    @property
    def international(self) -> CountryLines:
        return self.helplines[INTERNATIONAL]

    def lines_for(self, country: str | None) -> CountryLines:
        if country and country.upper() in self.helplines:
            return self.helplines[country.upper()]
        return self.international


def _toml(path: Path) -> dict:
    with path.open("rb") as handle:
        return tomllib.load(handle)


@cache
def iso_countries() -> dict[str, str]:
    """ISO 3166 codes and names from the tzdata package (a dependency already)."""
    table = package_files.files("tzdata").joinpath("zoneinfo/iso3166.tab").read_text("utf-8")
    pairs = (line.split("\t", 1) for line in table.splitlines() if line and line[0] != "#")
    return {code.strip(): name.strip() for code, name in pairs}


def _kind(kind: str, path: Path) -> str:
    if kind not in KINDS:
        raise ValueError(f"{path.name}: kind {kind!r} is not one of {', '.join(KINDS)}")
    return kind


def load_catalog(data: Path = DATA_DIR) -> Catalog:
    topics: dict[str, Topic] = {}
    resources: list[NewResource] = []
    for path in sorted((data / "resources").glob("*.toml")):
        doc = _toml(path)
        slug = path.stem
        topics[slug] = Topic(slug, doc["title"], doc.get("summary", ""))
        resources.extend(
            NewResource(
                slug,
                e["title"],
                e.get("description", ""),
                e["url"],
                tuple(e.get("tags", ())),
                _kind(e.get("kind", "article"), path),
            )
            for e in doc.get("entry", [])
        )
    exercises = tuple(
        Exercise(
            e["slug"],
            e["title"],
            int(e.get("minutes", 2)),
            tuple(e.get("feelings", ())),
            tuple(e["steps"]),
        )
        for e in _toml(data / "coping.toml")["exercise"]
    )
    rules = tuple(_toml(data / "rules.toml")["rules"])
    helplines: dict[str, CountryLines] = {}
    for path in sorted((data / "helplines").glob("*.json")):
        doc = json.loads(path.read_text("utf-8"))
        lines = tuple(
            Helpline(
                r["id"],
                r["name"],
                tuple(
                    Contact(
                        c["method"], c.get("dial"), c.get("url"), c.get("hours", ""), c.get("note")
                    )
                    for c in r["contacts"]
                ),
                r.get("description", ""),
                r.get("website"),
                r["source"],
                r["verified_at"],
            )
            for r in doc["records"]
        )
        code = doc["country"].upper()
        helplines[code] = CountryLines(code, doc.get("name", code), doc.get("emergency"), lines)
    if INTERNATIONAL not in helplines:
        raise RuntimeError("data/helplines/international.json is missing")
    for language in i18n.LANGUAGES:
        for path in sorted((data / "resources" / language).glob("*.toml")):
            if path.stem not in topics:
                raise ValueError(f"{language}/{path.name}: no such topic in data/resources")
            resources.extend(
                NewResource(
                    path.stem,
                    e["title"],
                    e.get("description", ""),
                    e["url"],
                    tuple(e.get("tags", ())),
                    _kind(e.get("kind", "article"), path),
                    language,
                )
                for e in _toml(path).get("entry", [])
            )
    prompts_doc = _toml(data / "prompts.toml")
    prompts = tuple(
        Prompt(p["id"], _theme(p["theme"]), tuple(p.get("focus", ())), p["text"])
        for p in prompts_doc["prompt"]
    ) + tuple(Prompt(r["id"], ROUND, (), r["text"]) for r in prompts_doc.get("round", []))
    templates = tuple(
        Template(t["slug"], t["kind"], t["title"], int(t["minutes"]), tuple(t["agenda"]))
        for t in _toml(data / "event_templates.toml")["template"]
    )
    course = tuple(_module(m) for m in _toml(data / "course.toml")["module"])
    translations = {
        language: _translation(data / "locale" / f"{language}.toml")
        for language in i18n.LANGUAGES
        if (data / "locale" / f"{language}.toml").exists()
    }
    return Catalog(
        topics,
        tuple(resources),
        exercises,
        rules,
        helplines,
        iso_countries(),
        translations,
        prompts,
        templates,
        course,
    )


def _module(m: dict[str, Any]) -> Module:
    return Module(
        m["slug"],
        m["title"],
        int(m.get("minutes", 5)),
        tuple(m.get("sources", ())),
        tuple(m["screens"]),
        tuple(
            Question(q["question"], tuple(q["options"]), int(q["answer"]) - 1, q["why"])
            for q in m["quiz"]
        ),
    )


def _theme(theme: str) -> str:
    if theme not in THEMES:
        raise ValueError(f"prompts.toml: theme {theme!r} is not one of {', '.join(THEMES)}")
    return theme


def _translation(path: Path) -> Translation:
    doc = _toml(path)
    return Translation(
        tuple(doc.get("rules", ())),
        dict(doc.get("privacy", {})),
        {
            slug: Topic(slug, t["title"], t.get("summary", ""))
            for slug, t in doc.get("topics", {}).items()
        },
        {slug: (e["title"], tuple(e["steps"])) for slug, e in doc.get("exercises", {}).items()},
        dict(doc.get("prompts", {})),
        {slug: (t["title"], tuple(t["agenda"])) for slug, t in doc.get("templates", {}).items()},
        {slug: _module({"slug": slug, **m}) for slug, m in doc.get("course", {}).items()},
    )
