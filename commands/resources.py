"""/resources, /cope and /helpline: finding help, from reading to a person on the phone."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from babel.lists import format_list

from bot import i18n
from bot.core.messages import Actor, Button, Reply, Request, button_rows, private
from bot.core.options import ArgumentError, Kind, Option
from bot.core.registry import Command, pack_action
from bot.domain.moods import FEELINGS, feeling_shown, feeling_words
from bot.domain.search import KINDS
from bot.i18n import N_, _, ngettext, pgettext
from bot.services.container import Services
from bot.services.helplines import check_country
from bot.services.resources import check_topic, check_url
from bot.storage.people import CommunityRow
from bot.storage.resources import NewResource, ResourceRow
from commands.common import lead_scope


def _entry(row: ResourceRow, show_id: bool) -> str:
    """Leads see each entry's number: their own to remove, a built-in one to hide. What an
    entry is shows beside its title, but for articles, which most are."""
    mark = ""
    if show_id:
        number = (
            _("#{id}, added by this group").format(id=row.id) if row.community_id else f"#{row.id}"
        )
        mark = f" [{number}]"
    kind = f" ({pgettext('resource kind', KINDS[row.kind][0])})" if row.kind != "article" else ""
    about = f": {row.description}" if row.description else ""
    return f"• {row.title}{kind}{mark}{about}\n  {row.url}"


def _plural(kinds: frozenset[str]) -> str:
    """The kinds asked for, as the language lists them ("books and podcasts")."""
    names = [pgettext("resource kinds", KINDS[k][1]) for k in sorted(kinds)]
    return format_list(names, locale=i18n.locale())


async def show(svc: Services, request: Request, args: dict[str, Any]) -> list[Reply]:
    scope = await svc.people.scope(request)
    query = args.get("query", "").strip()
    if not query:
        focus = scope.community.focus if scope.community else None
        topics = await svc.resources.topics(scope.community_id, focus)
        lines = [_("Resource topics (pick one, or search: /resources panic attacks):")]
        lines += [f"• {slug}: {title} ({count})" for slug, title, count in topics]
        buttons = [
            Button(title, action=pack_action("resources", slug)) for slug, title, _count in topics
        ]
        return [private("\n".join(lines), buttons=button_rows(buttons))]
    slug = svc.resources.topic_slug(query)
    country = svc.people.country(scope.member, scope.community)
    if slug is not None:
        rows = await svc.resources.by_topic(scope.community_id, slug, country)
        topic = svc.catalog.topic(slug)
        heading = f"{topic.title}: {topic.summary}" if topic else slug
        return [private("\n".join([heading, *(_entry(r, request.is_lead) for r in rows)]))]
    found = await svc.resources.search(scope.community_id, query, country)
    rows = found.rows
    if not rows and found.kinds:
        return [
            private(
                _(
                    "No {kinds} matched that. /resources {kind} lists them all, and /resources "
                    "the topics. For a short breathing or grounding exercise right now: /cope."
                ).format(kinds=_plural(found.kinds), kind=sorted(found.kinds)[0])
            )
        ]
    if not rows:
        return [
            private(
                _(
                    "Nothing matched that search. Try a simpler word (like sleep or grief), or "
                    "/resources to see all topics. You can also ask for a kind: books, podcasts, "
                    "apps, courses, helplines or therapists. For a short breathing or grounding "
                    "exercise right now: /cope."
                )
            )
        ]
    if found.kinds:
        kinds = _plural(found.kinds)
        heading = pgettext("resource list", "{kinds}:").format(kinds=kinds[:1].upper() + kinds[1:])
    else:
        heading = _("Best matches:")
    return [private("\n".join([heading, *(_entry(r, request.is_lead) for r in rows)]))]


async def add(svc: Services, request: Request, args: dict[str, Any]) -> list[Reply]:
    scope = await svc.people.scope(request)
    community_id = lead_scope(scope)
    resource = NewResource(
        args["topic"],
        args["title"],
        args.get("description", ""),
        args["url"],
        ("community",),
        _one_kind(args.get("kind")),
    )
    resource_id = await svc.resources.add(community_id, resource, scope.member.id, svc.clock.now())
    return [
        private(
            _("Added to {topic} as #{id}. Remove it with /resources remove {id}.").format(
                topic=args["topic"], id=resource_id
            )
        )
    ]


async def remove(svc: Services, request: Request, args: dict[str, Any]) -> list[Reply]:
    scope = await svc.people.scope(request)
    community_id = lead_scope(scope)
    if not await svc.resources.remove(community_id, args["id"]):
        raise ArgumentError(
            _("#{id} is not one of this group's resources (built-in ones can't be removed)").format(
                id=args["id"]
            )
        )
    return [private(_("Removed #{id}.").format(id=args["id"]))]


async def hide(svc: Services, request: Request, args: dict[str, Any]) -> list[Reply]:
    scope = await svc.people.scope(request)
    community_id = lead_scope(scope)
    title = await svc.resources.hide(community_id, args["id"], svc.clock.now())
    if title is None:
        raise ArgumentError(
            _(
                "#{id} is not a built-in resource (this group's own are removed with "
                "/resources remove)"
            ).format(id=args["id"])
        )
    return [
        private(
            _(
                "{title} is hidden in this group. /resources hidden lists what is hidden; "
                "/resources unhide {id} shows it again."
            ).format(title=title, id=args["id"])
        )
    ]


async def unhide(svc: Services, request: Request, args: dict[str, Any]) -> list[Reply]:
    scope = await svc.people.scope(request)
    community_id = lead_scope(scope)
    title = await svc.resources.unhide(community_id, args["id"])
    if title is None:
        raise ArgumentError(
            _("#{id} is not hidden here; /resources hidden lists them").format(id=args["id"])
        )
    return [private(_("{title} is shown in this group again.").format(title=title))]


async def hidden(svc: Services, request: Request, args: dict[str, Any]) -> list[Reply]:
    scope = await svc.people.scope(request)
    community_id = lead_scope(scope)
    rows = await svc.resources.hidden(community_id)
    if not rows:
        return [private(_("No built-in resource is hidden in this group."))]
    lines = [_("Built-in resources hidden in this group (/resources unhide N to show one):")]
    return [private("\n".join([*lines, *(_entry(r, True) for r in rows)]))]


async def suggest(svc: Services, request: Request, args: dict[str, Any]) -> list[Reply]:
    """A member suggests a resource for their group; a lead approves it or not. Nothing is
    shown to the group before a lead approves it."""
    scope = await svc.people.scope(request)
    if scope.community is None:
        raise ArgumentError(_("suggest it in the group you would like it in"))
    number = await svc.resources.suggest(
        scope.community.id,
        scope.member.id,
        args["url"],
        args["title"],
        args.get("description", ""),
        svc.clock.now(),
    )
    group = scope.community.title or _("your group")
    return [
        private(
            _(
                "Thank you. Your suggestion #{number} waits for a lead of {group}, who sees it "
                "in /resources suggestions; I'll tell you privately what they decide."
            ).format(number=number, group=group)
        )
    ]


async def suggestions(svc: Services, request: Request, args: dict[str, Any]) -> list[Reply]:
    scope = await svc.people.scope(request)
    community_id = lead_scope(scope)
    waiting = await svc.resources.suggestions(community_id)
    if not waiting:
        return [private(_("No suggestions are waiting."))]
    lines = [
        _("Suggested by members (approve with /resources approve N topic [kind], or decline N):")
    ]
    lines += [f"• #{s.id} {s.title}: {s.description}\n  {s.url}".rstrip() for s in waiting]
    return [private("\n".join(lines))]


async def _tell(
    svc: Services, member_id: int, community: CommunityRow | None, text: Callable[[str], str]
) -> list[Reply]:
    """`text(group)` to the member who suggested, in their language (their own setting, else
    their group's), which may not be the lead's; `group` is the group's name in it."""
    member = await svc.people.member_by_id(member_id)
    if member is None:
        return []
    with i18n.use(member.language or svc.people.community_language(community)):
        said = text(community.title if community and community.title else _("your group"))
    return [private(said, to=Actor(member.platform, member.user_id, member.name))]


async def approve(svc: Services, request: Request, args: dict[str, Any]) -> list[Reply]:
    scope = await svc.people.scope(request)
    community_id = lead_scope(scope)
    done = await svc.resources.approve(
        community_id,
        args["id"],
        args["topic"],
        scope.member.id,
        svc.clock.now(),
        _one_kind(args.get("kind")),
    )
    if done is None:
        raise ArgumentError(
            _("#{id} is no waiting suggestion; /resources suggestions").format(id=args["id"])
        )
    found, resource_id = done
    return [
        private(
            _("Added {title} to {topic} as #{id}.").format(
                title=found.title, topic=args["topic"], id=resource_id
            )
        ),
        *await _tell(
            svc,
            found.member_id,
            scope.community,
            lambda group: _(
                "Your suggestion {title} was added to {group}'s resources. Thank you!"
            ).format(title=found.title, group=group),
        ),
    ]


async def decline(svc: Services, request: Request, args: dict[str, Any]) -> list[Reply]:
    scope = await svc.people.scope(request)
    community_id = lead_scope(scope)
    found = await svc.resources.decline(community_id, args["id"])
    if found is None:
        raise ArgumentError(
            _("#{id} is no waiting suggestion; /resources suggestions").format(id=args["id"])
        )
    return [
        private(_("Declined suggestion #{id}.").format(id=args["id"])),
        *await _tell(
            svc,
            found.member_id,
            scope.community,
            lambda group: _(
                "Thank you for suggesting {title}; the leads of {group} decided not to add it "
                "this time."
            ).format(title=found.title, group=group),
        ),
    ]


async def cope(svc: Services, request: Request, args: dict[str, Any]) -> list[Reply]:
    feeling = args.get("feeling")
    focus = None if feeling else await svc.people.focus_of(request)
    exercise = svc.resources.exercise(feeling, focus=focus)
    steps = "\n".join(f"{i}. {step}" for i, step in enumerate(exercise.steps, start=1))
    again = pack_action("cope", feeling) if feeling else pack_action("cope")
    about = ngettext("{title} (about {n} min)", "{title} (about {n} min)", exercise.minutes)
    gently = _("Go gently; stop if anything feels uncomfortable.")
    return [
        private(
            f"{about.format(title=exercise.title, n=exercise.minutes)}\n{steps}\n{gently}",
            buttons=((Button(_("Another exercise"), action=again),),),
        )
    ]


async def helpline(svc: Services, request: Request, args: dict[str, Any]) -> list[Reply]:
    country = args.get("country")
    if country is None:
        scope = await svc.people.scope(request)
        country = svc.people.country(scope.member, scope.community)
    text = svc.helplines.describe(country)
    footer = (
        _("Set your country with /settings country XX so I show your lines first.")
        if country is None
        else ""
    )
    return [private("\n".join(x for x in (text, footer) if x))]


def _one_kind(kinds: tuple[str, ...] | None) -> str:
    """The kind a lead gave (a book, a podcast...); an article when none."""
    if not kinds:
        return "article"
    if len(kinds) > 1:
        raise ArgumentError(_("give one kind, not {count}").format(count=len(kinds)))
    return kinds[0]


TOPIC = Option("topic", Kind.WORD, N_("Topic, e.g. sleep"), required=True, check=check_topic)
# Skipped when the word after the topic is no kind (a link): "/resources add sleep https://..."
RESOURCE_KIND = Option(
    "kind", Kind.TAGS, N_("What it is: book, podcast, app, course..."), choices=tuple(KINDS)
)
URL = Option("url", Kind.WORD, N_("Link, https://..."), required=True, check=check_url)
TITLE = Option(
    "title", Kind.WORD, N_("Title (use quotes for several words)"), required=True, max_length=100
)
DESCRIPTION = Option("description", Kind.TEXT, N_("One line about it"), max_length=200)
RESOURCE_NUMBER = Option("id", Kind.INT, N_("Resource number, e.g. 12"), required=True, min=1)
COUNTRY = Option(
    "country", Kind.WORD, N_("Two-letter country code, e.g. GB, US, IN"), check=check_country
)
RESOURCES = Command(
    "resources",
    N_("Find resources: list topics, show a topic, or search"),
    subcommands=(
        Command(
            "show",
            N_("Show topics, a topic's resources, or search results"),
            show,
            options=(
                Option(
                    "query", Kind.TEXT, N_("A topic (anxiety) or words to search"), max_length=200
                ),
            ),
        ),
        Command(
            "add",
            N_("Add a resource for this group (leads)"),
            add,
            lead_only=True,
            options=(TOPIC, RESOURCE_KIND, URL, TITLE, DESCRIPTION),
            examples=(
                '/resources add sleep https://example.org "Sleep guide" Tips',
                '/resources add sleep podcast https://example.org/talks "Sleep talks"',
            ),
        ),
        Command(
            "remove",
            N_("Remove one of this group's resources (leads)"),
            remove,
            lead_only=True,
            options=(RESOURCE_NUMBER,),
        ),
        Command(
            "hide",
            N_("Hide a built-in resource in this group (leads)"),
            hide,
            lead_only=True,
            options=(RESOURCE_NUMBER,),
        ),
        Command(
            "unhide",
            N_("Show a hidden built-in resource again (leads)"),
            unhide,
            lead_only=True,
            options=(RESOURCE_NUMBER,),
        ),
        Command(
            "hidden", N_("List the built-in resources hidden here (leads)"), hidden, lead_only=True
        ),
        Command(
            "suggest",
            N_("Suggest a resource for this group; a lead decides"),
            suggest,
            options=(URL, TITLE, DESCRIPTION),
        ),
        Command(
            "suggestions", N_("Members' suggestions waiting (leads)"), suggestions, lead_only=True
        ),
        Command(
            "approve",
            N_("Add a member's suggestion to a topic (leads)"),
            approve,
            lead_only=True,
            options=(
                Option("id", Kind.INT, N_("Suggestion number"), required=True, min=1),
                TOPIC,
                RESOURCE_KIND,
            ),
        ),
        Command(
            "decline",
            N_("Decline a member's suggestion (leads)"),
            decline,
            lead_only=True,
            options=(Option("id", Kind.INT, N_("Suggestion number"), required=True, min=1),),
        ),
    ),
    default="show",
    examples=("/resources", "/resources anxiety", "/resources panic attacks"),
    actions=("resources substance-use",),
)
COPE = Command(
    "cope",
    N_("A short coping exercise, optionally for a feeling"),
    cope,
    options=(
        Option(
            "feeling",
            Kind.WORD,
            N_("How you feel, e.g. anxious"),
            choices=FEELINGS,
            aliases=feeling_words(),  # "ansiedad", "ängstlich", "anxieux": anxious
            shown=feeling_shown,
        ),
    ),
    examples=("/cope", "/cope anxious"),
    actions=("cope overwhelmed",),
)
HELPLINE = Command(
    "helpline",
    N_("Crisis helplines for a country (yours if you set one)"),
    helpline,
    options=(COUNTRY,),
    examples=("/helpline", "/helpline GB"),
)
COMMANDS = [RESOURCES, COPE, HELPLINE]
