"""Who is asking and where: the member, the community of the chat, and their time zones."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.catalog import Catalog
from bot.core.clock import Clock
from bot.core.messages import Actor, Place, Request
from bot.i18n import SOURCE, supported
from bot.storage.people import CommunityRepo, CommunityRow, MemberRepo, MemberRow


@dataclass(frozen=True)
class Scope:
    """A request's member and community. In a direct chat the community is the one the member
    was last seen in, so `/rules` in a DM still means "my group's rules"."""

    member: MemberRow
    community: CommunityRow | None
    in_group: bool

    @property
    def community_id(self) -> int | None:
        return self.community.id if self.community else None


class PeopleService:
    def __init__(
        self,
        members: MemberRepo,
        communities: CommunityRepo,
        catalog: Catalog,
        clock: Clock,
        default_timezone: str,
        default_country: str | None,
        default_min_group: int = 5,
        default_language: str = SOURCE,
    ) -> None:
        self.members = members
        self.communities = communities
        self.catalog = catalog
        self.clock = clock
        self.default_timezone = default_timezone
        self.default_country = default_country
        self.default_min_group = default_min_group
        self.default_language = default_language

    def min_group(self, community: CommunityRow | None) -> int:
        """How many members a group's anonymous figures must stand for at least: the group's
        leads' choice, else the deployment's `privacy.min_group`."""
        if community is not None and community.min_group is not None:
            return community.min_group
        return self.default_min_group

    async def set_min_group(self, community_id: int, value: int | None) -> None:
        await self.communities.update(community_id, min_group=value)

    # -- a member's own settings (/settings) --------------------------------------------
    async def set_member_timezone(self, member_id: int, zone: str) -> None:
        await self.members.update(member_id, timezone=zone)

    async def set_member_country(self, member_id: int, code: str | None) -> None:
        """None: no country, the international directories."""
        await self.members.update(member_id, country=code)

    async def set_celebrate_public(self, member_id: int, public: bool) -> None:
        await self.members.update(member_id, celebrate_public=int(public))

    # -- a group's settings (leads: /community, /rules welcome) --------------------------
    async def set_member_language(self, member_id: int, language: str | None) -> None:
        await self.members.update(member_id, language=language)

    async def set_community_language(self, community_id: int, language: str | None) -> None:
        await self.communities.update(community_id, language=language)

    async def language(self, request: Request) -> str:
        """The language to answer `request` in: the member's own setting, else the language
        their platform reports, else their group's, else `bot.language`. Only reads (a member
        Haven has never stored has no setting), from the caches on the common path."""
        member = await self.members.find(request.actor.platform, request.actor.user_id)
        if member is not None and member.language:
            return member.language
        if (reported := supported(request.locale)) is not None:
            return reported
        place = request.place
        if not place.is_direct and place.community_id is not None:
            community = await self.communities.find(place.platform, place.community_id)
            if community is not None and community.language:
                return community.language
        return supported(self.default_language) or SOURCE

    def chosen_language(self, actor: Actor) -> str | None:
        """The language a member chose, if Haven has just read them (a cache, no database
        read): for the adapters' own notes after an answer, which must wait for nothing."""
        member = self.members.seen(actor.platform, actor.user_id)
        return member.language if member is not None else None

    def community_language(self, community: CommunityRow | None) -> str:
        """The language of a group's posts (rules, prompts, celebrations)."""
        chosen = community.language if community else None
        return chosen or supported(self.default_language) or SOURCE

    async def group_language(self, community_id: int | None) -> str:
        """`community_language` by the group's id (a scheduled post knows only that)."""
        community = await self.communities.get(community_id) if community_id else None
        return self.community_language(community)

    async def member_language(self, member: MemberRow, community_id: int | None = None) -> str:
        """The language of a message Haven sends a member unasked (a nudge, a reminder, a
        celebration, a summary for a lead): their own setting, else the group's it concerns,
        else `bot.language`. What their app reports is known only while they write, so it
        cannot choose here; a member who wants their app's language everywhere sets it."""
        if member.language:
            return member.language
        if community_id is None:
            community = await self.communities.last_seen_in(member.id)
            return self.community_language(community)
        return await self.group_language(community_id)

    async def set_community_focus(self, community_id: int, focus: str | None) -> None:
        await self.communities.update(community_id, focus=focus)

    async def focus_of(self, request: Request) -> str | None:
        """The focus of the group a request is about: the group it is made in, else the
        member's last (a member's direct chat is about their group)."""
        community = await self.community_of(request.place)
        if community is None:
            member = await self.members.find(request.actor.platform, request.actor.user_id)
            community = await self.communities.last_seen_in(member.id) if member else None
        return community.focus if community else None

    async def set_community_timezone(self, community_id: int, zone: str) -> None:
        await self.communities.update(community_id, timezone=zone)

    async def set_community_country(self, community_id: int, code: str | None) -> None:
        await self.communities.update(community_id, country=code)

    async def set_welcome(self, community_id: int, on: bool) -> None:
        await self.communities.update(community_id, welcome=int(on))

    async def set_alerts(self, community_id: int, lead_id: int | None) -> None:
        """The lead told when a member asks for support; None: nobody (the default)."""
        await self.communities.update(community_id, alert_member_id=lead_id)

    async def set_celebrations(self, community_id: int, chat_id: str | None) -> None:
        """Community milestones posted in `chat_id` (where the lead turned them on); None: off."""
        if chat_id is None:
            await self.communities.update(community_id, celebrate=0)
        else:
            await self.communities.update(community_id, celebrate=1, celebrate_chat_id=chat_id)

    async def visited(self, community_id: int, member_id: int) -> None:
        """A member was in a group (joined it, or spoke there): "which group?" in a direct
        chat is answered from this."""
        await self.communities.touch(community_id, member_id, self.clock.now())

    async def community_since(self, community_id: int) -> datetime | None:
        return await self.communities.created(community_id)

    async def chat_moved(self, platform: str, old: str, new: str) -> bool:
        """A group's chat id changed on its platform; its data follows (see CommunityRepo)."""
        return await self.communities.move_chat(platform, old, new)

    async def member_by_id(self, member_id: int) -> MemberRow | None:
        return await self.members.get(member_id)

    async def community(self, community_id: int) -> CommunityRow | None:
        return await self.communities.get(community_id)

    async def member(self, actor: Actor) -> MemberRow:
        return await self.members.ensure(
            actor.platform, actor.user_id, actor.name, self.clock.now()
        )

    async def community_of(self, place: Place) -> CommunityRow | None:
        if place.is_direct or place.community_id is None:
            return None
        found = await self.communities.find(place.platform, place.community_id)
        if found is not None:
            return found
        return await self.communities.create(
            place.platform,
            place.community_id,
            place.title,
            place.chat_id,
            # The group posts in bot.language until a lead chooses (/community language), so
            # its first rules are that language's defaults.
            list(self.catalog.default_rules(supported(self.default_language) or SOURCE)),
            self.clock.now(),
        )

    async def scope(self, request: Request) -> Scope:
        member = await self.member(request.actor)
        community = await self.community_of(request.place)
        if community is not None:
            await self.communities.touch(community.id, member.id, self.clock.now())
            return Scope(member, community, True)
        return Scope(member, await self.communities.last_seen_in(member.id), False)

    def timezone(self, member: MemberRow, community: CommunityRow | None = None) -> ZoneInfo:
        name = member.timezone or (community.timezone if community else None)
        return ZoneInfo(name or self.default_timezone)

    def community_timezone(self, community: CommunityRow | None) -> ZoneInfo:
        return ZoneInfo((community.timezone if community else None) or self.default_timezone)

    def country(self, member: MemberRow | None, community: CommunityRow | None) -> str | None:
        """Member's setting, then the community's, then the maintainer's default."""
        return (
            (member.country if member else None)
            or (community.country if community else None)
            or self.default_country
        )
