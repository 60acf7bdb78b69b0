"""Resource lookup: topics, a topic's entries, forgiving search, and a lead's own additions."""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, replace
from datetime import datetime
from urllib.parse import urlsplit

from bot import i18n
from bot.catalog import Catalog, Exercise
from bot.domain.focus import FEELINGS as FOCUS_FEELINGS
from bot.domain.focus import TOPIC as FOCUS_TOPIC
from bot.domain.search import (
    asked_kinds,
    by_country,
    correct_terms,
    normalise,
    tag_countries,
    tokenize,
    with_synonyms,
)
from bot.i18n import _, ngettext
from bot.storage.resources import NewResource, ResourceRepo, ResourceRow, Suggestion

TOPIC = re.compile(r"^[a-z][a-z0-9-]{1,29}$")
MAX_URL = 2048  # what browsers and link previews reliably carry
HOST = re.compile(r"(?=.{4,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{1,62}")


@dataclass(frozen=True)
class Found:
    """What a search found, and the kinds it asked for (`/resources books`: {"book"})."""

    rows: list[ResourceRow]
    kinds: frozenset[str] = frozenset()


class ResourceService:
    def __init__(self, repo: ResourceRepo, catalog: Catalog, rng: random.Random) -> None:
        self.repo = repo
        self.catalog = catalog
        self.rng = rng
        self._vocabulary: dict[str, set[str]] = {}  # language -> the words its readers find

    async def load(self) -> None:
        await self.repo.load_builtin(self.catalog.resources)
        self._vocabulary.clear()

    async def _words(self, language: str) -> set[str]:
        if language not in self._vocabulary:
            texts = await self.repo.texts(language)
            self._vocabulary[language] = {w for text in texts for w in tokenize(text)}
        return self._vocabulary[language]

    async def topics(
        self, community_id: int | None, focus: str | None = None
    ) -> list[tuple[str, str, int]]:
        """(slug, title, count) for the shipped topics and any a community added, counting the
        entries a member sees in the language of the request (its own and the English ones),
        titled in it."""
        found = []
        for slug, count in await self.repo.topics(community_id, i18n.language()):
            topic = self.catalog.topic(slug)
            found.append((slug, topic.title if topic else slug.replace("-", " ").title(), count))
        first = FOCUS_TOPIC.get(focus or "")  # the group's focus leads ("grief" for grief)
        return sorted(found, key=lambda x: x[0] != first)

    def topic_slug(self, text: str) -> str | None:
        """Accept a topic by slug or title in any language Haven has, with spaces for hyphens
        and accents optional ("substance use", "duelo", "Einsamkeit", "solidão")."""
        wanted = i18n.folded(normalise(text)).replace(" ", "-")
        for slug, titles in self.catalog.topic_titles().items():
            if wanted == slug or wanted in (
                i18n.folded(normalise(title)).replace(" ", "-") for title in titles
            ):
                return slug
        return None

    async def by_topic(
        self, community_id: int | None, slug: str, country: str | None = None
    ) -> list[ResourceRow]:
        rows = await self.repo.by_topic(community_id, slug, i18n.language())
        return _for_country(rows, country)

    async def hide(self, community_id: int, resource_id: int, now: datetime) -> str | None:
        return await self.repo.hide(community_id, resource_id, now)

    async def unhide(self, community_id: int, resource_id: int) -> str | None:
        return await self.repo.unhide(community_id, resource_id)

    async def hidden(self, community_id: int) -> list[ResourceRow]:
        return await self.repo.hidden(community_id)

    async def suggest(
        self,
        community_id: int,
        member_id: int,
        url: str,
        title: str,
        description: str,
        now: datetime,
    ) -> int:
        return await self.repo.suggest(community_id, member_id, url, title, description, now)

    async def suggestions(self, community_id: int) -> list[Suggestion]:
        return await self.repo.pending(community_id)

    async def approve(
        self,
        community_id: int,
        suggestion_id: int,
        topic: str,
        lead_id: int,
        now: datetime,
        kind: str = "article",
    ) -> tuple[Suggestion, int] | None:
        """The suggestion becomes one of the group's own resources (added by the lead who
        approved it); None when there is no such pending suggestion."""
        found = await self.repo.settle(community_id, suggestion_id, "approved")
        if found is None:
            return None
        resource = NewResource(
            topic, found.title, found.description, found.url, ("community",), kind
        )
        return found, await self.add(community_id, resource, lead_id, now)

    async def decline(self, community_id: int, suggestion_id: int) -> Suggestion | None:
        return await self.repo.settle(community_id, suggestion_id, "declined")

    async def search(
        self, community_id: int | None, text: str, country: str | None = None
    ) -> Found:
        """Words for a kind ("books", "apps", "therapist") choose the kind; the other words
        search the subject, typos forgiven. Only kind words: every entry of those kinds."""
        terms = tokenize(text)
        if not terms:
            return Found([])
        vocabulary = await self._words(i18n.language())
        kinds, rest = asked_kinds(terms)
        more, rest = asked_kinds(correct_terms(rest, vocabulary))  # "podcst"
        kinds = frozenset(kinds | more)
        if not rest:
            rows = await self.repo.by_kinds(community_id, kinds, i18n.language())
            return Found(_for_country(rows, country), kinds)
        rows = await self.repo.search(
            community_id, with_synonyms(rest), i18n.language(), kinds=kinds
        )
        return Found(_for_country(rows, country), kinds)

    async def add(
        self, community_id: int, resource: NewResource, member_id: int, now: datetime
    ) -> int:
        # Written in the language the lead added it in (shown to every member of the group).
        resource = replace(resource, language=i18n.language())
        resource_id = await self.repo.add(community_id, resource, member_id, now)
        self._vocabulary.clear()
        return resource_id

    async def remove(self, community_id: int, resource_id: int) -> bool:
        removed = await self.repo.remove(community_id, resource_id)
        self._vocabulary.clear()
        return removed

    def exercise(
        self, feeling: str | None, exclude: str | None = None, focus: str | None = None
    ) -> Exercise:
        """One exercise that suits the feeling (without one: those for the group's focus, else
        any), in the language of the request; varied from press to press."""
        pool = [e for e in self.catalog.exercises if feeling is None or feeling in e.feelings]
        pool = pool or list(self.catalog.exercises)
        if feeling is None and focus in FOCUS_FEELINGS:
            fitting = [e for e in pool if set(e.feelings) & set(FOCUS_FEELINGS[focus])]
            pool = fitting or pool
        if exclude and len(pool) > 1:
            pool = [e for e in pool if e.slug != exclude]
        return self.catalog.exercise_shown(self.rng.choice(pool))


def check_topic(value: str) -> str:
    value = value.casefold()
    if not TOPIC.match(value):
        raise ValueError(_("topic must be one word of letters, digits or hyphens, like sleep"))
    return value


def check_url(value: str) -> str:
    """A link members may safely follow: https only (no plain http, javascript: or file:), a real
    host name, no user@ part that could disguise the host, no spaces, at most 2,048 characters."""
    value = value.strip()
    if len(value) > MAX_URL:
        raise ValueError(
            ngettext(
                "link is {count} character; the limit is {limit}",
                "link is {count} characters; the limit is {limit}",
                len(value),
            ).format(count=len(value), limit=MAX_URL)
        )
    try:
        parts = urlsplit(value)
        host = parts.hostname or ""
        port_ok = parts.port is None or 0 < parts.port < 65536
    except ValueError:
        parts, host, port_ok = None, "", False
    if (
        parts is None
        or parts.scheme.casefold() != "https"
        or not port_ok
        or "@" in parts.netloc
        or not HOST.fullmatch(host.casefold())
        or any(c.isspace() or ord(c) < 32 or ord(c) == 127 for c in value)
    ):
        raise ValueError(_("link must be a full web address starting with https://"))
    return value


def _for_country(rows: list[ResourceRow], country: str | None) -> list[ResourceRow]:
    """The reader's country first, then entries for everyone, then other countries'."""
    order = by_country([tag_countries(r.tags) for r in rows], country)
    return [rows[i] for i in order]
