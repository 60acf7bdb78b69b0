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

from bot import DATA_DIR
from bot.domain.search import KINDS
from bot.storage.resources import NewResource

INTERNATIONAL = "INTL"


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
class Contact:
    method: str
    dial: str | None
    url: str | None
    hours: str
    note: str | None

    def how(self) -> str:
        """ "call 988", "text 741741 (text HOME)", "chat https://..." as people would do it."""
        verb = {"phone": "call", "text": "text", "chat": "chat", "email": "email", "app": "app"}
        reach = " ".join(x for x in (self.dial, self.url) if x)
        note = f" ({self.note})" if self.note else ""
        return f"{verb.get(self.method, self.method)} {reach}{note}"


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
class Catalog:
    topics: dict[str, Topic]
    resources: tuple[NewResource, ...]
    exercises: tuple[Exercise, ...]
    rules: tuple[str, ...]
    helplines: dict[str, CountryLines]
    countries: dict[str, str] = field(default_factory=dict)  # ISO code -> name

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
    return Catalog(topics, tuple(resources), exercises, rules, helplines, iso_countries())
