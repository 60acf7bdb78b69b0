"""A member made a supporter of a group as the course and a lead's approval would (the course
itself is shown through the console tests): for end-to-end tests of a conversation."""

from __future__ import annotations

from bot.app import App
from bot.core.messages import Actor, Place


async def make_supporter(app: App, group: Place, member: Actor) -> None:
    svc = app.services
    community = await svc.people.community_of(group)
    assert community is not None, "the group must have used Haven first"
    found = await svc.people.member(member)
    now = svc.clock.now()
    every = [m.slug for m in svc.catalog.course]
    for slug in every:
        await svc.support.pass_module(found.id, slug, every, now)
    await svc.support.apply(community.id, found.id, now)
    await svc.support.approve(community.id, found.id, now)
    await svc.support.set_available(await svc.support.groups_of(found.id), True)
